"""The user guide: its sources cover every task of every role in both languages, every internal link and
picture resolves, every picture is taken by a browser journey, and each page's "?" opens its part."""

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from config import guide
from tests.assistance.awards.factories import AwardApplicationFactory, AwardCycleFactory, reviewer_user
from tests.assistance.factories import TicketFactory, TrainingFactory, VisitFactory

E2E_DIR = Path(settings.BASE_DIR) / "tests" / "e2e"
# guide_shot(page, "name"), or a journey's own helper given shot="name" that passes it on.
SHOT_CALL = re.compile(r"""(?:guide_shot\(\s*page\s*,\s*|\bshot=)["']([a-z0-9-]+)["']""")

# The tasks each role's guide must cover (its anchors), as the guide's brief lists them.
TASKS = {
    "inspector": [
        "inspector-log-visit",
        "inspector-ticket-from-visit",
        "inspector-upload-photos",
        "inspector-work-ticket",
        "inspector-ticket-start",
        "inspector-ticket-wait",
        "inspector-ticket-resume",
        "inspector-ticket-resolve",
        "inspector-record-training",
        "inspector-plans",
        "inspector-benchmarking",
        "inspector-nominate",
    ],
    "manager": [
        "manager-assign-ticket",
        "manager-close-reopen",
        "manager-overdue",
        "manager-award-cycle",
        "manager-accept-application",
        "manager-assign-reviewers",
        "manager-side-by-side",
        "manager-decide",
        "manager-export-reports",
        "manager-summary",
        "manager-plans",
        "manager-measure-progress",
        "manager-chain",
        "manager-chain-report",
        "manager-benchmarking",
        "manager-benchmarking-report",
        "manager-patent-selection",
        "manager-patent-open",
        "manager-patent-accept",
        "manager-patent-decide",
        "manager-patent-publish",
    ],
    "reviewer": [
        "reviewer-declare",
        "reviewer-score",
        "reviewer-submit",
        "reviewer-nomination",
        "reviewer-nomination-declare",
        "reviewer-nomination-score",
        "reviewer-nomination-submit",
    ],
    "admin": ["admin-users", "admin-reference-data", "admin-import-enterprises", "admin-backup"],
}
EVERY_SOURCE = [(page, language) for language in guide.LANGUAGES for page in guide.PAGES]


def _shots_taken() -> set[str]:
    """The pictures the journeys take: the literal names of their guide_shot(page, "name") calls."""
    names = set()
    for path in E2E_DIR.glob("*.py"):
        names.update(SHOT_CALL.findall(path.read_text(encoding="utf-8")))
    return names


def _sections(page: str, language: str) -> dict[str, str]:
    """Each level-2 section's text of a rendered page, by its id (a level-3 heading belongs to its section)."""
    html = guide.render_page(page, language).html
    parts = re.split(r'<h2 id="([a-z0-9-]+)">', html)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.images, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs.get("src"))


def _parsed(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


# The sources


@pytest.mark.parametrize(("page", "language"), EVERY_SOURCE)
def test_every_page_of_the_guide_exists_in_both_languages_with_a_title(page, language):
    rendered = guide.render_page(page, language)
    assert rendered.title
    assert rendered.sections


@pytest.mark.parametrize("page", guide.PAGES)
def test_both_languages_have_the_same_sections_and_the_same_pictures(page):
    chinese, english = (guide.render_page(page, language) for language in guide.LANGUAGES)
    assert chinese.ids == english.ids
    assert sorted(chinese.images) == sorted(english.images)


@pytest.mark.parametrize("language", guide.LANGUAGES)
@pytest.mark.parametrize("role", list(TASKS))
def test_each_roles_guide_covers_every_task_with_when_steps_and_what_can_go_wrong(role, language):
    rendered = guide.render_page(role, language)
    missing = [anchor for anchor in TASKS[role] if anchor not in rendered.ids]
    assert missing == []
    sections = _sections(role, language)
    for anchor in TASKS[role]:
        if anchor not in sections:
            continue  # a level-3 step (start, wait…) inside its section
        text = sections[anchor]
        assert re.search(r"<strong>(什么时候|When)", text), f"{anchor}: when you would do it"
        assert "screens/" in text or anchor in ("manager-assign-reviewers", "admin-backup"), f"{anchor}: a picture"


@pytest.mark.parametrize("language", guide.LANGUAGES)
def test_each_task_says_what_can_go_wrong(language):
    for role, anchors in TASKS.items():
        sections = _sections(role, language)
        for anchor in anchors:
            if anchor in sections and anchor not in ("manager-side-by-side",):
                assert re.search(r"(可能遇到的问题|What can go wrong)", sections[anchor]), f"{role} {anchor}"


@pytest.mark.parametrize(("page", "language"), EVERY_SOURCE)
def test_every_internal_link_of_the_guide_leads_to_a_page_and_a_section_that_exist(page, language):
    rendered = guide.render_page(page, language)
    for link in rendered.links:
        match = guide.GUIDE_LINK.match(link)
        target = match["page"] or page
        assert target in guide.PAGES, link
        if match["anchor"]:
            assert match["anchor"] in guide.render_page(target, language).ids, link
    # And the rendered page holds only addresses of the site: no link leads outside the system.
    for href in _parsed(rendered.html).hrefs:
        assert href.startswith(("/help/", "#")), href


@pytest.mark.parametrize("language", guide.LANGUAGES)
def test_the_index_links_to_every_part_of_the_guide(language):
    linked = {guide.GUIDE_LINK.match(link)["page"] for link in guide.render_page("index", language).links}
    assert linked == set(guide.PAGES) - {"index"}


@pytest.mark.parametrize(("page", "language"), EVERY_SOURCE)
def test_every_picture_of_the_guide_is_taken_by_a_journey_and_is_in_the_repository(page, language):
    taken = _shots_taken()
    for name in guide.render_page(page, language).images:
        assert name in taken, f"no journey takes screens/{name}.png (guide_shot(page, {name!r}))"
        path = guide.SCREENS_DIR / f"{name}.png"
        assert path.exists(), f"{path} is missing: run the journeys"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_journeys_take_phone_pictures_at_375_px_and_the_others_at_1366_px():
    import struct

    for name in _shots_taken():
        path = guide.SCREENS_DIR / f"{name}.png"
        if not path.exists():
            continue
        width = struct.unpack(">I", path.read_bytes()[16:20])[0]
        assert width == (375 if name.endswith("-phone") else 1366), name


def test_a_guide_picture_that_no_journey_takes_fails_the_check(tmp_path):
    source = tmp_path / "inspector.md"
    source.write_text("# 手册 {#x}\n\n## 一节 {#x-one}\n\n![图](screens/nobody-takes-this.png)\n", encoding="utf-8")
    rendered = guide._render(source, source.stat().st_mtime_ns)
    assert rendered.images == ("nobody-takes-this",)
    assert "nobody-takes-this" not in _shots_taken()


# Rendering


def _render_text(tmp_path, text: str) -> guide.Rendered:
    source = tmp_path / "page.md"
    source.write_text(text, encoding="utf-8")
    return guide._render(source, source.stat().st_mtime_ns)


def test_raw_html_in_a_source_shows_as_text_and_never_runs(tmp_path):
    rendered = _render_text(
        tmp_path,
        '# T {#t}\n\n<script>alert(1)</script>\n\nA <img src=x onerror="alert(2)"> and <b>bold</b>.\n',
    )
    assert "<script" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<img src=x" not in rendered.html and "<b>" not in rendered.html


def test_links_outside_the_guide_are_dropped_and_guide_links_point_at_the_sites_addresses(tmp_path):
    rendered = _render_text(
        tmp_path,
        "# T {#t}\n\n[a](javascript:alert(1)) [b](http://example.com/) [c](manager.md#manager-decide) "
        "[d](#t) [e](../../etc/passwd) ![f](screens/../../secret.png) ![g](http://example.com/x.png)\n",
    )
    hrefs = _parsed(rendered.html).hrefs
    assert hrefs == [f"{reverse('help-page', args=['manager'])}#manager-decide", "#t"]
    assert rendered.images == ()
    assert "example.com" not in rendered.html and "javascript" not in rendered.html


def test_a_heading_gets_its_stable_id_and_the_marker_is_not_shown(tmp_path):
    rendered = _render_text(tmp_path, "# 手册 {#guide-x}\n\n## 登记走访 `代码` {#inspector-log-visit}\n")
    assert '<h2 id="inspector-log-visit">登记走访 <code>代码</code></h2>' in rendered.html
    assert "{#" not in rendered.html
    assert rendered.sections == (("inspector-log-visit", "登记走访 代码"),)


def test_a_page_is_rendered_again_when_its_file_changes(tmp_path):
    source = tmp_path / "page.md"
    source.write_text("# One {#one}\n", encoding="utf-8")
    first = guide._render(source, source.stat().st_mtime_ns)
    assert guide._render(source, source.stat().st_mtime_ns) is first
    source.write_text("# Two {#two}\n", encoding="utf-8")
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 1_000_000))
    assert guide._render(source, source.stat().st_mtime_ns).title == "Two"


# The pages


@pytest.mark.django_db
@pytest.mark.parametrize("page", guide.PAGES)
def test_each_page_of_the_guide_opens_for_a_signed_in_user_in_chinese(client_for, inspector, page):
    url = guide.help_url(page)
    response = client_for(inspector).get(url)
    assert response.status_code == 200
    assert response.context["rendered"].title == guide.render_page(page, "zh-hans").title
    body = response.content.decode()
    for src in _parsed(body).images:
        if src and src.startswith("/help/screens/"):
            assert client_for(inspector).get(src).status_code == 200, src


@pytest.mark.django_db
def test_the_guide_follows_the_interface_into_english(client_for, manager):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("help-page", args=["manager"]))
    assert response.status_code == 200
    assert response.context["rendered"].title == "Manager's guide"


@pytest.mark.django_db
def test_the_guide_needs_a_sign_in(client):
    for url in (
        reverse("help"),
        reverse("help-page", args=["inspector"]),
        reverse("help-screen", args=["manager-home"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url


@pytest.mark.django_db
def test_an_unknown_page_of_the_guide_is_not_found(client_for, inspector):
    client = client_for(inspector)
    assert client.get(reverse("help-page", args=["nobody"])).status_code == 404
    assert client.get("/help/../config/").status_code == 404


@pytest.mark.django_db
def test_the_guide_refuses_writes(client_for, inspector):
    client = client_for(inspector)
    assert client.post(reverse("help")).status_code == 405
    assert client.post(reverse("help-screen", args=["manager-home"])).status_code == 405


@pytest.mark.django_db
def test_a_screenshot_is_served_as_a_png(client_for, reviewer):
    name = sorted(guide.screen_names())[0]
    response = client_for(reviewer).get(reverse("help-screen", args=[name]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content)[:4] == b"\x89PNG"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["..%2F..%2Fsettings", "nothing-here", "%2E%2E%2Fzh-hans%2Findex", "Manager-Home", "..", "index.md%00"],
)
def test_only_the_screenshots_listed_in_the_screens_folder_are_served(client_for, inspector, name):
    response = client_for(inspector).get(f"/help/screens/{name}.png")
    assert response.status_code == 404


def test_a_name_outside_the_screens_folder_is_refused_even_if_the_file_exists():
    from django.http import Http404
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = type("U", (), {"is_authenticated": True})()
    for name in ("../zh-hans/index", "../../manage", "/etc/passwd"):
        with pytest.raises(Http404):
            guide.guide_screen(request, name)


@pytest.mark.django_db
def test_the_whole_guide_prints_as_one_page_with_every_part(client_for, manager):
    response = client_for(manager).get(reverse("help-print"))
    assert response.status_code == 200
    body = response.content.decode()
    for page in guide.PAGES:
        assert f'id="guide-{page}"' in body
    assert 'class="guide-body guide-part"' in body


def test_the_print_stylesheet_breaks_before_each_part_and_fits_the_pictures_to_the_sheet():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "guide.css").read_text(encoding="utf-8")
    printed = css[css.index("@media print") :]
    assert ".guide-part + .guide-part { break-before: page; }" in printed
    assert re.search(r"img\.guide-shot \{[^}]*max-width: 100%", printed)
    assert ".guide-contents, .guide-toc { display: none !important; }" in printed


# The "?" of every page


@pytest.mark.parametrize("topics", list(guide.HELP_TOPICS.items()), ids=list(guide.HELP_TOPICS))
def test_every_pages_help_anchor_exists_in_the_guide_in_both_languages(topics):
    name, anchors = topics
    reverse_name = name  # the URL name exists
    assert "default" in anchors, name
    for anchor in anchors.values():
        page = guide.anchor_page(anchor)
        assert page is not None, f"{reverse_name}: #{anchor}"
        for language in guide.LANGUAGES:
            assert anchor in guide.render_page(page, language).ids, f"{reverse_name}: #{anchor} ({language})"


def _help_href(response) -> str:
    match = re.search(r'id="help-link" href="([^"]+)"', response.content.decode())
    assert match, "the page has a help link"
    return match.group(1)


@pytest.fixture
def records(inspector, manager, reviewer, enterprise):
    ticket = TicketFactory(enterprise=enterprise, created_by=inspector)
    visit = VisitFactory(enterprise=enterprise, inspectors=[inspector])
    training = TrainingFactory(region=inspector.jurisdiction)
    cycle = AwardCycleFactory()
    application = AwardApplicationFactory(
        enterprise=enterprise,
        cycle=cycle,
        prepared_by=inspector,
        status="under_review",
        manager=manager,
        reviewers=[reviewer, reviewer_user(jurisdiction=manager.jurisdiction)],
    )
    return {
        "ticket": ticket,
        "visit": visit,
        "training": training,
        "cycle": cycle,
        "application": application,
        "assignment": application.assignments.get(reviewer=reviewer),
    }


@pytest.mark.django_db
def test_the_main_pages_have_a_question_mark_that_opens_their_part_of_the_guide(
    client_for, inspector, manager, reviewer, records
):
    pages = [
        (inspector, reverse("home"), "inspector", "inspector-start"),
        (manager, reverse("home"), "manager", "manager-start"),
        (reviewer, reverse("home"), "reviewer", "reviewer-start"),
        (inspector, reverse("assistance:ticket-list"), "inspector", "inspector-work-ticket"),
        (manager, reverse("assistance:ticket-list"), "manager", "manager-overdue"),
        (
            inspector,
            reverse("assistance:ticket-detail", args=[records["ticket"].pk]),
            "inspector",
            "inspector-work-ticket",
        ),
        (manager, reverse("assistance:ticket-detail", args=[records["ticket"].pk]), "manager", "manager-assign-ticket"),
        (inspector, reverse("assistance:visit-create"), "inspector", "inspector-log-visit"),
        (
            inspector,
            reverse("assistance:visit-detail", args=[records["visit"].pk]),
            "inspector",
            "inspector-upload-photos",
        ),
        (inspector, reverse("assistance:training-create"), "inspector", "inspector-record-training"),
        (manager, reverse("assistance:cycle-list"), "manager", "manager-award-cycle"),
        (manager, reverse("assistance:cycle-detail", args=[records["cycle"].pk]), "manager", "manager-award-cycle"),
        (
            manager,
            reverse("assistance:application-detail", args=[records["application"].pk]),
            "manager",
            "manager-accept-application",
        ),
        (reviewer, reverse("assistance:review", args=[records["assignment"].pk]), "reviewer", "reviewer-declare"),
        (manager, reverse("reports:home"), "manager", "manager-export-reports"),
        (manager, reverse("reports:summary"), "manager", "manager-summary"),
        (manager, reverse("assistance:import-start"), "admin", "admin-import-enterprises"),
    ]
    for user, url, page, anchor in pages:
        response = client_for(user).get(url)
        assert response.status_code == 200, url
        assert _help_href(response) == f"{guide.help_url(page)}#{anchor}", url


@pytest.fixture
def instruments(inspector, manager, reviewer, city, cluster, enterprise):
    """A plan with a measure, a chain link, a benchmarking participant and a 专利伯乐 nomination under review."""
    import datetime

    from django.utils import timezone

    from assistance.patents import services as patents
    from assistance.patents.models import PatentSelection
    from tests.assistance.benchmarking.factories import ParticipationFactory
    from tests.assistance.factories import ExpertFactory
    from tests.assistance.plans.factories import ChainLinkFactory, MeasureFactory, PlanFactory

    plan = PlanFactory(region=city)
    now = timezone.now()
    selection = PatentSelection.objects.create(
        year=now.year,
        title="专利伯乐评选",
        region=city,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
        quota=2,
    )
    nomination = patents.nomination_create(
        user=inspector, selection=selection, nominee_expert=ExpertFactory(), nominee_user=None, statement="专利帮扶"
    )
    patents.nomination_submit(nomination_id=nomination.pk, user=inspector)
    patents.nomination_accept(
        nomination_id=nomination.pk, user=manager, reviewers=[reviewer, reviewer_user(jurisdiction=city)]
    )
    ChainLinkFactory(cluster=cluster, year=2021)
    return {
        "plan": plan,
        "measure": MeasureFactory(plan=plan, clusters=[cluster]),
        "participation": ParticipationFactory(campaign__cluster=cluster, enterprise=enterprise),
        "selection": selection,
        "nomination": nomination,
        "review": nomination.reviews.get(reviewer=reviewer),
    }


@pytest.mark.django_db
def test_the_instruments_pages_have_a_question_mark_that_opens_their_part_of_the_guide(
    client_for, inspector, manager, reviewer, cluster, instruments
):
    plan, measure, participation = instruments["plan"], instruments["measure"], instruments["participation"]
    nomination = instruments["nomination"]
    pages = [
        (inspector, reverse("assistance:plan-list"), "inspector", "inspector-plans"),
        (manager, reverse("assistance:plan-list"), "manager", "manager-plans"),
        (inspector, reverse("assistance:plan-detail", args=[plan.pk]), "inspector", "inspector-plans"),
        (manager, reverse("assistance:plan-create"), "manager", "manager-plans"),
        (manager, reverse("assistance:measure-create", args=[plan.pk]), "manager", "manager-plans"),
        (manager, reverse("assistance:measure-list"), "manager", "manager-measure-progress"),
        (manager, reverse("assistance:measure-detail", args=[measure.pk]), "manager", "manager-measure-progress"),
        (inspector, reverse("assistance:measure-detail", args=[measure.pk]), "inspector", "inspector-plans"),
        (manager, reverse("assistance:chain-detail", args=[cluster.pk]), "manager", "manager-chain"),
        (
            manager,
            reverse("assistance:chain-link-create", args=[cluster.pk]) + "?year=2021",
            "manager",
            "manager-chain",
        ),
        (manager, reverse("assistance:benchmarking-list"), "manager", "manager-benchmarking"),
        (inspector, reverse("assistance:benchmarking-list"), "inspector", "inspector-benchmarking"),
        (manager, reverse("assistance:benchmarking-campaign-create"), "manager", "manager-benchmarking"),
        (
            inspector,
            reverse("assistance:benchmarking-participation", args=[participation.pk]),
            "inspector",
            "inspector-benchmarking",
        ),
        (manager, reverse("reports:benchmarking"), "manager", "manager-benchmarking-report"),
        (manager, reverse("assistance:patent-selection-list"), "manager", "manager-patent-selection"),
        (reviewer, reverse("assistance:patent-selection-list"), "reviewer", "reviewer-nomination"),
        (
            inspector,
            reverse("assistance:nomination-create", args=[instruments["selection"].pk]),
            "inspector",
            "inspector-nominate",
        ),
        (manager, reverse("assistance:nomination-detail", args=[nomination.pk]), "manager", "manager-patent-accept"),
        (inspector, reverse("assistance:nomination-detail", args=[nomination.pk]), "inspector", "inspector-nominate"),
        (
            reviewer,
            reverse("assistance:nomination-review", args=[instruments["review"].pk]),
            "reviewer",
            "reviewer-nomination-declare",
        ),
        (manager, reverse("assistance:patent-results"), "manager", "manager-patent-publish"),
    ]
    for user, url, page, anchor in pages:
        response = client_for(user).get(url)
        assert response.status_code == 200, url
        assert _help_href(response) == f"{guide.help_url(page)}#{anchor}", url


@pytest.mark.django_db
def test_a_page_the_guide_does_not_name_opens_the_guides_index(client_for, inspector):
    response = client_for(inspector).get(reverse("password_change"))
    assert _help_href(response) == reverse("help")


@pytest.mark.django_db
def test_the_navigation_has_a_help_entry(client_for, reviewer):
    response = client_for(reviewer).get(reverse("home"))
    labels = [str(item["label"]) for item in response.context["nav_items"]]
    assert "帮助" in labels


@pytest.mark.django_db
def test_the_question_mark_costs_no_query(client_for, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(manager)
    client.get(reverse("assistance:cycle-list"))  # warm what the page keeps
    with CaptureQueriesContext(connection) as with_link:
        client.get(reverse("assistance:cycle-list"))
    guide_topics = guide.HELP_TOPICS.pop("assistance:cycle-list")
    try:
        with CaptureQueriesContext(connection) as without_link:
            client.get(reverse("assistance:cycle-list"))
    finally:
        guide.HELP_TOPICS["assistance:cycle-list"] = guide_topics
    assert len(with_link) == len(without_link)


def test_every_picture_in_the_screens_folder_is_shown_by_the_guide():
    shown = {name for page, language in EVERY_SOURCE for name in guide.render_page(page, language).images}
    assert guide.screen_names() - shown == set()
