"""The seeded 专利伯乐 selection is the one the 2021 article reports, names nobody, and loads idempotently."""

from io import StringIO

import pytest
from django.core.management import call_command

from assistance.patents.models import Nomination, NominationEvent, PatentSelection

pytestmark = pytest.mark.django_db

QUOTE = "开展“专利伯乐”评选工作,广泛动员专业人员参与到帮扶企业的行动中"


def load_seeds(*args: str) -> str:
    out = StringIO()
    call_command("load_seeds", *args, stdout=out)
    return out.getvalue()


def test_the_2021_selection_is_seeded_with_the_article_as_its_source_and_sample_nominations():
    load_seeds()
    selection = PatentSelection.objects.get(year=2021)
    assert selection.region.name == "唐山市"
    assert QUOTE in selection.source and not selection.synthetic
    assert selection.published_at is None
    nominations = Nomination.objects.filter(selection=selection)
    assert 2 <= nominations.count() <= 3
    assert all(n.synthetic and "样例" in n.source for n in nominations)
    # No real person: the nominees are the seeds' sample experts and sample staff.
    assert all("样例" in n.nominee_name for n in nominations.select_related("nominee_expert", "nominee_user"))
    for nomination in nominations:
        assert nomination.events.filter(action="create").exists()
        if nomination.status == "submitted":
            assert set(nomination.evidence) >= {"tickets", "enterprises", "trainings"}


def test_a_second_load_changes_nothing():
    load_seeds()
    events = NominationEvent.objects.count()
    history = Nomination.history.count()
    output = load_seeds()
    assert "nothing changed" in output
    assert NominationEvent.objects.count() == events and Nomination.history.count() == history


def test_the_reference_load_gives_the_groups_their_selection_permissions():
    from django.contrib.auth.models import Group

    load_seeds("--reference-only")
    assert Group.objects.get(name="manager").permissions.filter(codename="manage_nomination").exists()
    assert not PatentSelection.objects.exists()
