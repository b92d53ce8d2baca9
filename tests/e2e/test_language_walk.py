"""Every page of the four journeys, in Chinese and in English: the Chinese pages say nothing in English but
the records' own data and a few codes and names, and the English pages say nothing in Chinese but the data.

The data is read from the database (every text the seeded records hold, and people's names as shown) and
taken out of the page's text before the check, so what is left is the interface's own wording."""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assistance.awards.models import AwardApplication, ReviewerAssignment
from assistance.models import SupportTeam, TicketEvent, Training, Visit
from assistance.notifications.models import Notification
from assistance.notifications.services import notify
from assistance.services import ticket_assign
from clusters.models import Cluster, Enterprise, User
from tests.assistance.factories import TicketFactory
from tests.e2e.conftest import CHROMIUM_ARGS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
ENTERPRISE = "首钢智新迁安电磁材料有限公司"
CLUSTER = "迁安市钢铁产业集群"

# Latin words a Chinese page may show, each for a reason: codes and names the bureau itself writes in
# Latin letters (GB/T standard numbers, the download formats, the API), the language menu's own entry for
# English, and the Django admin's brand.
ALLOWED_IN_CHINESE = {
    "GB",  # GB/T 19580 and the like: the national standard's code
    "CSV",
    "Excel",
    "Word",  # the Word report
    "API",
    "English",  # the language menu names each language in itself
    "kg",
    # Django's own Chinese help under a multiple select names the keys to hold: "按住 Control 键或 Mac 上的
    # Command 键来选择多项。"
    "Control",
    "Command",
    "Mac",
}
# Chinese a page in English may show: the language menu's entry for Chinese, in Chinese.
ALLOWED_IN_ENGLISH = {"简体中文"}

LATIN_WORD = re.compile(r"[A-Za-z]+")
# A code of capitals and digits (a credit code such as 91130283MA0CXXXXXX in a hint, a ticket number, a
# standard's number) is written so in Chinese too.
CODE_LIKE = re.compile(r"(?<![A-Za-z0-9])(?=[A-Z0-9/-]*\d)(?=[A-Z0-9/-]*[A-Z])[A-Z0-9/-]{4,}(?![A-Za-z0-9])")
HAN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff5e]+")

# The visible text of the page, each text node on its own, hidden parts (dialogs, folded sections, the
# phone's folded menu) included; then what an element says in its attributes (a phone card's column names
# are `data-label`) and an option's label. Left out: what an element declares to be in another language
# (the programme summary's paragraph is Chinese in any interface, as it goes to the province), and the
# password's hash summary on the admin user page (its algorithm and masked digits are the hash itself).
PAGE_TEXTS = """() => {
  const page = document.documentElement.lang;
  const skipped = node => {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    if (element.closest("script, style, template, noscript, .field-password")) return true;
    const declared = element.closest("[lang]");
    return declared !== null && declared.lang.toLowerCase() !== page.toLowerCase();
  };
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: node => skipped(node) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  while (walker.nextNode()) texts.push(walker.currentNode.nodeValue);
  const names = ["placeholder", "title", "aria-label", "alt", "data-confirm", "data-label"];
  for (const element of document.querySelectorAll(names.map(name => `[${name}]`).join(", "))) {
    if (skipped(element)) continue;
    for (const name of names) if (element.hasAttribute(name)) texts.push(element.getAttribute(name));
  }
  for (const option of document.querySelectorAll("option")) if (!skipped(option)) texts.push(option.label);
  for (const button of document.querySelectorAll("input[type=submit], input[type=button], input[type=reset]")) {
    texts.push(button.value);
  }
  return texts.map(text => text.trim()).filter(Boolean);
}"""


class Data:
    """The texts the records hold, found in a page's text fast: indexed by their first character."""

    def __init__(self, strings: set[str]):
        self.by_first = defaultdict(list)
        for text in sorted({s for s in strings if len(s) >= 2}, key=len, reverse=True):
            self.by_first[text[0]].append(text)
        self.blob = "\n".join(strings)
        self.whole = strings

    def strip(self, text: str) -> str:
        """The text with every record's text in it replaced by a space, longest first."""
        out, i = [], 0
        while i < len(text):
            for data in self.by_first.get(text[i], ()):
                if text.startswith(data, i):
                    out.append(" ")
                    i += len(data)
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)

    def cut_short(self, run: str, rest: str) -> bool:
        """A record's text shortened for a list (`…` after it) is still the record's."""
        return rest.lstrip().startswith(("…", "...")) and run in self.blob


# Text columns that hold codes, not words: a page showing them shows a code where a label belongs.
CODE_COLUMNS = {"action", "code", "key", "kind", "password", "url", "link", "prefix", "digest", "content_type"}


def _record_texts() -> set[str]:
    """Every text the registry's and the bureau's records hold (not their codes), line by line, every
    person's name as the pages show it, and the role groups' internal names (admin lists them as such)."""
    texts: set[str] = set(Group.objects.values_list("name", flat=True))
    for model in apps.get_models():
        if model._meta.app_label not in ("clusters", "assistance") or model.__name__.startswith("Historical"):
            continue
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices and f.name not in CODE_COLUMNS
        ]
        if not names:
            continue
        for row in model.objects.values_list(*names):
            for value in row:
                if value:
                    texts.add(value.strip())
                    texts.update(line.strip() for line in value.splitlines() if line.strip())
    for user in User.objects.all():
        texts.update({user.display_name, str(user)})
    return texts


@dataclass
class Walk:
    data: Data
    found: dict = field(default_factory=dict)

    def check(self, page, name: str, language: str) -> None:
        texts = page.evaluate(PAGE_TEXTS)
        offending = {}
        for text in texts:
            if text in self.data.whole:  # a record's text on its own, however short (a unit: 个)
                continue
            left = self.data.strip(text)
            if language == "zh-hans":
                words = [w for w in LATIN_WORD.findall(CODE_LIKE.sub(" ", left)) if w not in ALLOWED_IN_CHINESE]
            else:
                words = [
                    match.group()
                    for match in HAN.finditer(left)
                    if match.group() not in ALLOWED_IN_ENGLISH
                    and not self.data.cut_short(match.group(), left[match.end() :])
                ]
            for word in words:
                offending.setdefault(word, text[:80])
        if offending:
            self.found[f"{language} {name}"] = offending


@pytest.fixture
def walk_site(seeded):
    """The seeded site with the work the pages show: tickets of the 迁安 inspector (one new, one assigned to
    them with a notification), an edited enterprise and ticket (their history), a manager's notification."""
    manager = User.objects.get(username="manager_tangshan")
    inspector = User.objects.get(username="inspector_qianan")
    enterprise = Enterprise.objects.get(name=ENTERPRISE)
    team = SupportTeam.objects.get(clusters__name=CLUSTER)
    new = TicketFactory(enterprise=enterprise, title="标准体系建设辅导", created_by=inspector)
    worked = TicketFactory(enterprise=enterprise, title="能源计量器具检定周期咨询", created_by=inspector)
    ticket_assign(ticket_id=worked.pk, user=manager, team=team, assignee=inspector, note="请迁安组跟进。")
    worked.refresh_from_db()
    worked.priority = "high" if worked.priority != "high" else "normal"
    worked._history_user = manager
    worked.save()
    enterprise.size = Enterprise.Size.LARGE if enterprise.size != Enterprise.Size.LARGE else Enterprise.Size.MEDIUM
    enterprise.is_leading = not enterprise.is_leading
    enterprise.address = "河北省迁安市经济开发区"
    enterprise._history_user = manager
    enterprise.save()
    notify(
        recipients=[manager],
        kind=Notification.Kind.TICKET_OVERDUE,
        title=f"帮扶工单逾期：{worked.number}",
        body=worked.title,
        link=worked.get_absolute_url(),
        target=worked,
    )
    return {"url": seeded.url, "new": new, "worked": worked, "enterprise": enterprise}


def _pages(site) -> dict[str, list[tuple[str, str]]]:
    """The pages of each journey, by the user who walks them."""
    enterprise = site["enterprise"]
    worked, new = site["worked"], site["new"]
    cluster = Cluster.objects.get(name=CLUSTER)
    deciding = AwardApplication.objects.filter(status=AwardApplication.Status.PENDING_DECISION).first()
    reviewing = AwardApplication.objects.filter(status=AwardApplication.Status.UNDER_REVIEW).first()
    cycle = deciding.cycle
    team = SupportTeam.objects.get(clusters__name=CLUSTER)
    visit = Visit.objects.filter(enterprise__county=enterprise.county).order_by("pk").first()
    training = Training.objects.order_by("pk").first()
    event = TicketEvent.objects.filter(ticket=worked).order_by("pk").last()
    application_event = deciding.events.order_by("pk").last()
    admin = [
        ("admin index", reverse("admin:index")),
        ("admin enterprises", reverse("admin:clusters_enterprise_changelist")),
        ("admin enterprise", reverse("admin:clusters_enterprise_change", args=[enterprise.pk])),
        ("admin enterprise history", reverse("admin:clusters_enterprise_history", args=[enterprise.pk])),
        ("admin clusters", reverse("admin:clusters_cluster_changelist")),
        ("admin cluster", reverse("admin:clusters_cluster_change", args=[cluster.pk])),
        ("admin tickets", reverse("admin:assistance_ticket_changelist")),
        ("admin ticket", reverse("admin:assistance_ticket_change", args=[worked.pk])),
        ("admin ticket history", reverse("admin:assistance_ticket_history", args=[worked.pk])),
        ("admin ticket events", reverse("admin:assistance_ticketevent_changelist")),
        ("admin ticket event", reverse("admin:assistance_ticketevent_change", args=[event.pk])),
        ("admin applications", reverse("admin:assistance_awardapplication_changelist")),
        ("admin application", reverse("admin:assistance_awardapplication_change", args=[deciding.pk])),
        ("admin application events", reverse("admin:assistance_applicationevent_changelist")),
        ("admin application event", reverse("admin:assistance_applicationevent_change", args=[application_event.pk])),
        ("admin visits", reverse("admin:assistance_visit_changelist")),
        ("admin visit", reverse("admin:assistance_visit_change", args=[visit.pk])),
        ("admin users", reverse("admin:clusters_user_changelist")),
        ("admin user", reverse("admin:clusters_user_change", args=[User.objects.get(username="inspector_qianan").pk])),
        ("admin groups", reverse("admin:auth_group_changelist")),
        ("admin group", reverse("admin:auth_group_change", args=[Group.objects.get(name="manager").pk])),
    ]
    return {
        "": [
            ("sign-in page", reverse("login")),
            ("password reset page", reverse("password_reset")),
        ],
        "inspector_qianan": [
            ("inspector home", reverse("home")),
            ("inspector work", reverse("assistance:home")),
            ("inspector visits", reverse("assistance:visit-list")),
            ("inspector new visit", reverse("assistance:visit-create")),
            ("inspector visit", visit.get_absolute_url()),
            ("inspector tickets", reverse("assistance:ticket-list")),
            ("inspector ticket", worked.get_absolute_url()),
            ("inspector new ticket", reverse("assistance:ticket-create")),
            ("inspector trainings", reverse("assistance:training-list")),
            ("inspector new training", reverse("assistance:training-create")),
            ("inspector inbox", reverse("assistance:inbox")),
        ],
        "manager_tangshan": [
            ("manager home", reverse("home")),
            ("manager tickets", reverse("assistance:ticket-list") + "?status=assigned&ordering=-created_at"),
            ("manager new ticket (assign)", new.get_absolute_url()),
            ("manager ticket and timeline", worked.get_absolute_url()),
            ("manager awards", reverse("assistance:award-home")),
            ("manager cycles", reverse("assistance:cycle-list")),
            ("manager cycle", reverse("assistance:cycle-detail", args=[cycle.pk])),
            ("manager applications", reverse("assistance:application-list")),
            ("manager application (scores, decision)", deciding.get_absolute_url()),
            ("manager application (reviewers)", reviewing.get_absolute_url()),
            ("manager reports", reverse("reports:home")),
            ("manager service report", reverse("reports:service")),
            ("manager cluster report", reverse("reports:cluster", args=[cluster.pk])),
            ("manager programme summary", reverse("reports:summary")),
            ("manager award report", reverse("reports:award-cycle", args=[cycle.pk])),
            ("manager enterprise file", enterprise.get_absolute_url()),
            ("manager enterprises", reverse("clusters:enterprise-list")),
            ("manager clusters", reverse("clusters:cluster-list")),
            ("manager cluster", cluster.get_absolute_url()),
            ("manager teams", reverse("assistance:team-list")),
            ("manager team", team.get_absolute_url()),
            ("manager visits", reverse("assistance:visit-list")),
            ("manager visit", visit.get_absolute_url()),
            ("manager ticket edit", reverse("assistance:ticket-update", args=[worked.pk])),
            ("manager enterprise edit", reverse("clusters:enterprise-update", args=[enterprise.pk])),
            ("manager new application", reverse("assistance:application-create")),
            ("manager deadline exception", reverse("assistance:application-exception", args=[reviewing.pk])),
            ("manager trainings", reverse("assistance:training-list")),
            ("manager notification settings", reverse("assistance:notification-preferences")),
            ("manager password", reverse("password_change")),
            ("manager training", training.get_absolute_url()),
            ("manager search", reverse("search") + "?q=迁安"),
            ("manager inbox", reverse("assistance:inbox")),
            ("manager downloads", reverse("reports:export-list")),
        ],
        "reviewer": [
            ("reviewer home", reverse("home")),
            ("reviewer reviews due", reverse("assistance:award-home")),
            ("reviewer declaration", "declare"),
            ("reviewer score form", "score"),
        ],
        "admin": admin,
    }


@pytest.fixture(scope="module")
def chromium(playwright_driver):
    # A browser of its own beside the journeys' persistent one: each language gets a fresh context.
    browser = playwright_driver.chromium.launch(
        executable_path=playwright_driver.chromium_executable, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def _session(username: str) -> str:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies["sessionid"].value


def test_every_page_of_the_four_journeys_speaks_one_language(walk_site, chromium):
    base = walk_site["url"]
    sessions = {
        username: _session(username) for username in ("inspector_qianan", "manager_tangshan", "reviewer", "admin")
    }
    assignment = ReviewerAssignment.objects.get(reviewer__username="reviewer", application__status="under_review")
    walk = Walk(Data(_record_texts()))
    for language, locale in (("zh-hans", "zh-CN"), ("en", "en-US")):
        context = chromium.new_context(locale=locale)
        page = context.new_page()
        for username, pages in _pages(walk_site).items():
            context.clear_cookies()
            if username:
                context.add_cookies([{"name": "sessionid", "value": sessions[username], "url": base}])
            page.set_viewport_size(PHONE if username == "inspector_qianan" else DESKTOP)
            for name, path in pages:
                if path in ("declare", "score"):
                    declared = timezone.now() - datetime.timedelta(hours=1) if path == "score" else None
                    ReviewerAssignment.objects.filter(pk=assignment.pk).update(no_conflict_declared_at=declared)
                    path = reverse("assistance:review", args=[assignment.pk])
                response = page.goto(f"{base}{path}")
                assert response.ok, f"{name} {path}: {response.status}"
                assert page.evaluate("document.documentElement.lang") == language, name
                walk.check(page, f"{name} ({path})", language)
        context.close()
    report = "\n".join(
        f"{name}: " + "; ".join(f"{word!r} in {text!r}" for word, text in words.items())
        for name, words in walk.found.items()
    )
    assert not walk.found, f"Pages that mix languages (the string, and the text it was found in):\n{report}"


class _Page:
    """A page that shows the given texts, for checking the check itself."""

    def __init__(self, texts: list[str]):
        self.texts = texts

    def evaluate(self, script: str) -> list[str]:
        return self.texts


def test_the_check_names_what_is_left_in_the_other_language_and_passes_data_and_codes():
    walk = Walk(Data({"首钢智新迁安电磁材料有限公司", "inspector_qianan", "个"}))
    walk.check(
        _Page(["首钢智新迁安电磁材料有限公司", "搜索", "Search", "TS-2026-000005", "导出 CSV", "个"]), "a", "zh-hans"
    )
    walk.check(_Page(["Visit：首钢智新迁安电磁材料有限公司（2021-05-11）", "Status", "简体中文"]), "b", "en")
    walk.check(_Page(["inspector_qianan", "91130283MA0CXXXXXX", "Tickets"]), "c", "en")
    assert walk.found == {
        "zh-hans a": {"Search": "Search"},
        "en b": {
            "：": "Visit：首钢智新迁安电磁材料有限公司（2021-05-11）",
            "（": "Visit：首钢智新迁安电磁材料有限公司（2021-05-11）",
            "）": "Visit：首钢智新迁安电磁材料有限公司（2021-05-11）",
        },
    }
