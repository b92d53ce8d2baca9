"""The 专利伯乐 seed: the 2021 selection the Tangshan article reports, and a few sample nominations.

The article says only that the bureau ran the selection ("开展“专利伯乐”评选工作,广泛动员专业人员参与到
帮扶企业的行动中"); it names nobody. The selection is loaded as a fact with that sentence as its source
note; its dates and quota are samples and say so. The nominations are samples (`synthetic`), of sample
experts and a sample staff member, never of a real person.

Idempotent as the other loaders: each row is found by its natural key and saved only when it differs;
a nomination that people have worked on since it was seeded (its timeline holds more than the seeded
events) is left as it is.
"""

import datetime as dt
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from clusters.models import Region, User
from clusters.seeding import (
    SeedError,
    SeedReport,
    default_seed_dir,
    ensure_group_permissions,
    migration_module,
    read_seed_files,
    sources_with_quotes,
    upsert,
)

from ..models import Expert
from .evidence import evidence_snapshot
from .models import Nomination, NominationEvent, PatentSelection
from .services import NOMINATIONS

PERMISSIONS_MIGRATION = "0023_patent_selection_permissions"
SELECTION = {
    "year": 2021,
    "region": "唐山市",
    "title": "2021年度唐山市“专利伯乐”评选",
    "opens_at": dt.datetime(2021, 4, 8, 9, 0),
    "closes_at": dt.datetime(2021, 9, 30, 17, 0),
    "quota": 10,
    "description": "面向帮扶企业开展专利挖掘、申报和保护工作的专家和工作人员，评选“专利伯乐”，"
    "广泛动员专业人员参与到帮扶企业的行动中。",
    "note": "评选的起止时间和名额为样例；文章未列出入选人员，本系统不录入任何真实姓名。",
}
SAMPLE_NOTE = "样例提名，被提名人为样例专家或样例工作人员，提名理由为样例文字。"
NOMINATOR = "staff_manager"
# (nominee: expert name or staff username, status reached, statement, submitted at)
SAMPLES = [
    (
        "expert",
        "样例专家08",
        "submitted",
        "（样例）全年入企指导专利挖掘与申报，帮助多家重点区域企业解决专利申报难题。",
        dt.datetime(2021, 9, 10, 10, 0),
    ),
    (
        "expert",
        "样例专家09",
        "submitted",
        "（样例）为重点区域企业讲授专利挖掘与布局，协助企业完成发明专利申请。",
        dt.datetime(2021, 9, 12, 15, 0),
    ),
    ("user", "staff_team1_a", "draft", "（样例）牵头办理知识产权类服务工单，跟踪企业专利申报进度。", None),
]


def reference_load(*, report: SeedReport | None = None) -> SeedReport:
    """The role groups' selection permissions (for groups this load created), nothing synthetic."""
    report = report if report is not None else SeedReport()
    ensure_group_permissions(
        migration_module("assistance", PERMISSIONS_MIGRATION).GROUP_PERMISSIONS, "assistance", report
    )
    return report


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment)


def seeds_load(*, report: SeedReport | None = None, seed_dir: Path | None = None) -> SeedReport:
    """Load the 2021 selection and its sample nominations (after the registry and assistance seeds)."""
    seed_dir = seed_dir or default_seed_dir()
    data = read_seed_files(seed_dir, ("sources", "assistance"))
    sources = sources_with_quotes(data, seed_dir, ["assistance"])
    report = report if report is not None else SeedReport()
    region = Region.objects.filter(name=SELECTION["region"]).first()
    if region is None:
        raise SeedError(f"Region {SELECTION['region']} is missing; load the registry seeds first.")
    with transaction.atomic():
        reference_load(report=report)
        selection = upsert(
            PatentSelection,
            {"region": region, "year": SELECTION["year"]},
            {
                "title": SELECTION["title"],
                "opens_at": _local(SELECTION["opens_at"]),
                "closes_at": _local(SELECTION["closes_at"]),
                "quota": SELECTION["quota"],
                "description": SELECTION["description"],
                "source": sources.note("patent_bole", SELECTION["note"]),
                "synthetic": False,
            },
            report,
        )
        nominator = User.objects.filter(username=NOMINATOR).first()
        for kind, key, status, statement, submitted in SAMPLES:
            _load_sample(selection, nominator, kind, key, status, statement, submitted, report)
    return report


def _load_sample(selection, nominator, kind, key, status, statement, submitted, report: SeedReport) -> None:
    if kind == "expert":
        nominee = {"nominee_expert": Expert.objects.filter(name=key).first()}
    else:
        nominee = {"nominee_user": User.objects.filter(username=key).select_related("jurisdiction").first()}
    person = next(iter(nominee.values()))
    if person is None:
        raise SeedError(f"Sample nominee {key} is missing; load the assistance seeds first.")
    region = person.jurisdiction if kind == "user" else selection.region
    lookup = {"selection": selection, **nominee}
    nomination = Nomination.objects.filter(**lookup).first()
    steps = [] if status == "draft" else ["submit"]
    if nomination is not None and nomination.events.count() > 1 + len(steps):
        report.record(Nomination, "unchanged")  # worked on since it was seeded
        return
    created_at = _local(submitted or dt.datetime(2021, 9, 1, 9, 0)) - dt.timedelta(days=3)
    nomination = upsert(
        Nomination,
        lookup,
        {
            "region": region,
            "statement": statement,
            "nominated_by": nominator,
            "status": status,
            "submitted_at": _local(submitted) if submitted else None,
            "synthetic": True,
            "source": SAMPLE_NOTE,
        },
        report,
    )
    if steps and not nomination.evidence:
        nomination.evidence = evidence_snapshot(nomination, at=_local(submitted))
        nomination.save(update_fields=["evidence"])
    previous = ""
    moments = [created_at, *([_local(submitted)] if submitted else [])]
    for action, at in zip(["create", *steps], moments, strict=True):
        target = "draft" if action == "create" else NOMINATIONS.next_status(action, previous)
        upsert(
            NominationEvent,
            {"nomination": nomination, "action": action, "at": at},
            {"from_status": previous, "to_status": target, "actor": nominator},
            report,
        )
        previous = target
