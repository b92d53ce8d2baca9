"""The user guide (用户手册), served inside the system under /help/.

The guide is Markdown in docs/guide/<language>/ (one file per role, an index and "what's new") with its
screenshots in docs/guide/screens/, which the browser journeys write (tests/e2e/guide.py). Pages are
rendered with Python-Markdown without raw HTML: a tag written in a source shows as text. A heading
ending in `{#some-id}` gets that id, the stable anchor a page's "?" link points to. Links to another
guide file (`manager.md#manager-assign-ticket`) and images (`screens/name.png`) are rewritten to the
site's addresses; any other address is dropped, so the guide never links outside the system.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import markdown
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from config.links import url as link

GUIDE_DIR = Path(settings.BASE_DIR) / "docs" / "guide"
SCREENS_DIR = GUIDE_DIR / "screens"
LANGUAGES = ("zh-hans", "en")
# The guide's files, in the order of its table of contents; each role's file starts with its role.
PAGES = ("index", "inspector", "manager", "reviewer", "admin", "whats-new")
ROLE_PAGES = ("inspector", "manager", "reviewer", "admin")
SCREEN_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ANCHOR = re.compile(r"\s*\{#([a-z0-9][a-z0-9-]*)\}\s*$")
GUIDE_LINK = re.compile(r"^(?:(?P<page>[a-z-]+)\.md)?(?:#(?P<anchor>[a-z0-9-]+))?$")
SCREEN_LINK = re.compile(r"^screens/(?P<name>[a-z0-9][a-z0-9-]*)\.png$")

# Which part of the guide each page's "?" opens: a URL name, and the anchor for each role (see user_role;
# "default" for the others). Every anchor here must exist in both languages (tests/config/test_guide.py).
HELP_TOPICS: dict[str, dict[str, str]] = {
    "home": {"manager": "manager-start", "reviewer": "reviewer-start", "default": "inspector-start"},
    "assistance:home": {"manager": "manager-start", "default": "inspector-start"},
    "search": {"default": "inspector-start"},
    "clusters:cluster-list": {"default": "inspector-start"},
    "clusters:cluster-detail": {"manager": "manager-export-reports", "default": "inspector-start"},
    "clusters:enterprise-list": {"manager": "admin-import-enterprises", "default": "inspector-start"},
    "clusters:enterprise-detail": {"default": "inspector-start"},
    "assistance:application-exception": {"default": "manager-award-cycle"},
    "assistance:notification-preferences": {"default": "inspector-start"},
    "assistance:ticket-list": {"manager": "manager-overdue", "default": "inspector-work-ticket"},
    "assistance:ticket-detail": {"manager": "manager-assign-ticket", "default": "inspector-work-ticket"},
    "assistance:ticket-create": {"default": "inspector-ticket-from-visit"},
    "assistance:ticket-update": {"default": "inspector-work-ticket"},
    "assistance:visit-list": {"default": "inspector-log-visit"},
    "assistance:visit-create": {"default": "inspector-log-visit"},
    "assistance:visit-detail": {"default": "inspector-upload-photos"},
    "assistance:training-list": {"default": "inspector-record-training"},
    "assistance:training-create": {"default": "inspector-record-training"},
    "assistance:training-detail": {"default": "inspector-record-training"},
    "assistance:training-update": {"default": "inspector-record-training"},
    "assistance:team-list": {"default": "manager-assign-ticket"},
    "assistance:team-detail": {"default": "manager-assign-ticket"},
    "assistance:award-home": {"reviewer": "reviewer-start", "default": "manager-award-cycle"},
    "assistance:cycle-list": {"default": "manager-award-cycle"},
    "assistance:cycle-detail": {"default": "manager-award-cycle"},
    "assistance:application-list": {"default": "manager-accept-application"},
    "assistance:application-create": {"default": "manager-accept-application"},
    "assistance:application-update": {"default": "manager-accept-application"},
    "assistance:application-detail": {"manager": "manager-accept-application", "default": "manager-accept-application"},
    "assistance:review": {"default": "reviewer-declare"},
    "assistance:import-start": {"default": "admin-import-enterprises"},
    "assistance:import-preview": {"default": "admin-import-enterprises"},
    "assistance:inbox": {"default": "inspector-start"},
    # Plans and measures, the chain analysis (assistance/plans/)
    "assistance:plan-list": {"manager": "manager-plans", "default": "inspector-plans"},
    "assistance:plan-detail": {"manager": "manager-plans", "default": "inspector-plans"},
    "assistance:plan-create": {"default": "manager-plans"},
    "assistance:plan-update": {"default": "manager-plans"},
    "assistance:measure-list": {"manager": "manager-measure-progress", "default": "inspector-plans"},
    "assistance:measure-detail": {"manager": "manager-measure-progress", "default": "inspector-plans"},
    "assistance:measure-create": {"default": "manager-plans"},
    "assistance:measure-update": {"default": "manager-plans"},
    "assistance:measure-progress": {"default": "manager-measure-progress"},
    "assistance:chain-detail": {"default": "manager-chain"},
    "assistance:chain-link-create": {"default": "manager-chain"},
    "assistance:chain-link-update": {"default": "manager-chain"},
    "assistance:chain-project-create": {"default": "manager-chain"},
    "assistance:chain-project-update": {"default": "manager-chain"},
    # Benchmarking (assistance/benchmarking/)
    "assistance:benchmarking-list": {"manager": "manager-benchmarking", "default": "inspector-benchmarking"},
    "assistance:benchmarking-campaign": {"manager": "manager-benchmarking", "default": "inspector-benchmarking"},
    "assistance:benchmarking-campaign-create": {"default": "manager-benchmarking"},
    "assistance:benchmarking-campaign-update": {"default": "manager-benchmarking"},
    "assistance:benchmarking-enrol": {"manager": "manager-benchmarking", "default": "inspector-benchmarking"},
    "assistance:benchmarking-participation": {"manager": "manager-benchmarking", "default": "inspector-benchmarking"},
    "assistance:benchmarking-participation-update": {
        "manager": "manager-benchmarking",
        "default": "inspector-benchmarking",
    },
    "assistance:benchmarking-indicators": {"manager": "manager-benchmarking", "default": "inspector-benchmarking"},
    # The 专利伯乐 selection (assistance/patents/)
    "assistance:patent-selection-list": {
        "manager": "manager-patent-selection",
        "reviewer": "reviewer-nomination",
        "default": "inspector-nominate",
    },
    "assistance:patent-selection-detail": {"manager": "manager-patent-selection", "default": "inspector-nominate"},
    "assistance:patent-selection-publish": {"default": "manager-patent-publish"},
    "assistance:patent-results": {"default": "manager-patent-publish"},
    "assistance:nomination-list": {"manager": "manager-patent-accept", "default": "inspector-nominate"},
    "assistance:nomination-create": {"default": "inspector-nominate"},
    "assistance:nomination-update": {"default": "inspector-nominate"},
    "assistance:nomination-detail": {"manager": "manager-patent-accept", "default": "inspector-nominate"},
    "assistance:nomination-step": {"manager": "manager-patent-decide", "default": "inspector-nominate"},
    "assistance:nomination-add-reviewer": {"default": "manager-patent-accept"},
    "assistance:nomination-review": {"default": "reviewer-nomination-declare"},
    "assistance:nomination-review-declare": {"default": "reviewer-nomination-declare"},
    "assistance:nomination-review-score": {"default": "reviewer-nomination-score"},
    "reports:home": {"default": "manager-export-reports"},
    "reports:summary": {"default": "manager-summary"},
    "reports:service": {"default": "manager-export-reports"},
    "reports:cluster": {"default": "manager-export-reports"},
    "reports:benchmarking": {"default": "manager-benchmarking-report"},
    "reports:award-cycle": {"default": "manager-export-reports"},
    "reports:export-list": {"default": "manager-export-reports"},
    "reports:export-detail": {"default": "manager-export-reports"},
}


@dataclass(frozen=True)
class Rendered:
    html: str
    title: str
    # The (id, text) of each level-2 heading: the page's table of contents.
    sections: tuple[tuple[str, str], ...]
    # Every id the page defines; links to the page's other ids, other pages and images.
    ids: frozenset[str]
    links: tuple[str, ...]
    images: tuple[str, ...]


class _GuideTree(Treeprocessor):
    """Gives headings their `{#id}`, rewrites guide links and images to the site's, drops the rest."""

    def __init__(self, md, found: dict):
        super().__init__(md)
        self.found = found

    def run(self, root):
        for element in root.iter():
            if element.tag in ("h1", "h2", "h3"):
                self._anchor(element)
            elif element.tag == "a":
                self._link(element)
            elif element.tag == "img":
                self._image(element)
        return root

    def _anchor(self, element):
        # The `{#id}` ends the heading's text, or the text after its last inline child.
        last = element[-1] if len(element) else None
        text = (last.tail if last is not None else element.text) or ""
        match = ANCHOR.search(text)
        if not match:
            return
        text = text[: match.start()]
        if last is not None:
            last.tail = text
        else:
            element.text = text
        element.set("id", match.group(1))
        self.found["ids"].append(match.group(1))
        if element.tag == "h2":
            self.found["sections"].append((match.group(1), "".join(element.itertext()).strip()))
        if element.tag == "h1" and not self.found["title"]:
            self.found["title"] = "".join(element.itertext()).strip()

    def _link(self, element):
        href = element.get("href", "")
        match = GUIDE_LINK.match(href)
        if not href or not match or (match["page"] and match["page"] not in PAGES):
            element.attrib.pop("href", None)
            return
        self.found["links"].append(href)
        page, anchor = match["page"], match["anchor"]
        url = help_url(page) if page else ""
        element.set("href", f"{url}#{anchor}" if anchor else url)

    def _image(self, element):
        match = SCREEN_LINK.match(element.get("src", ""))
        if not match:
            element.attrib.pop("src", None)
            return
        self.found["images"].append(match["name"])
        element.set("src", reverse("help-screen", args=[match["name"]]))
        size = png_size(SCREENS_DIR / f"{match['name']}.png")
        if size:  # the page keeps its layout while pictures load, so a link to a section lands on it
            element.set("width", str(size[0]))
            element.set("height", str(size[1]))
        element.set("class", "guide-shot")


def png_size(path: Path) -> tuple[int, int] | None:
    """A PNG's width and height, from its header."""
    try:
        with path.open("rb") as file:
            head = file.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


class _GuideExtension(Extension):
    def __init__(self, found: dict):
        super().__init__()
        self.found = found

    def extendMarkdown(self, md):
        # No raw HTML from the sources: without these two, a tag is escaped and shows as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_GuideTree(md, self.found), "guide", 5)


def source_path(page: str, language: str) -> Path:
    if page not in PAGES or language not in LANGUAGES:
        raise Http404
    return GUIDE_DIR / language / f"{page}.md"


@lru_cache(maxsize=32)
def _render(path: Path, mtime_ns: int) -> Rendered:
    """One file's page; cached until the file changes (the mtime is part of the key)."""
    found = {"ids": [], "sections": [], "links": [], "images": [], "title": ""}
    converter = markdown.Markdown(extensions=["tables", "sane_lists", _GuideExtension(found)], output_format="html")
    html = converter.convert(path.read_text(encoding="utf-8"))
    return Rendered(
        html=html,
        title=found["title"],
        sections=tuple(found["sections"]),
        ids=frozenset(found["ids"]),
        links=tuple(found["links"]),
        images=tuple(found["images"]),
    )


def render_page(page: str, language: str) -> Rendered:
    path = source_path(page, language)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise Http404 from None
    return _render(path, mtime)


def guide_language(language: str | None = None) -> str:
    """The guide's language for the interface's: Chinese for any Chinese, English otherwise."""
    return "zh-hans" if (language or get_language() or "").lower().startswith("zh") else "en"


def help_url(page: str | None = None) -> str:
    if not page or page == "index":
        return link("help")
    return link("help-page", page)


@lru_cache(maxsize=1)
def _anchor_pages(mtimes: tuple) -> dict[str, str]:
    pages = {}
    for page in PAGES:
        for anchor in render_page(page, LANGUAGES[0]).ids:
            pages[anchor] = page
    return pages


def anchor_page(anchor: str) -> str | None:
    """The guide file that defines this anchor (in the default language)."""
    try:
        mtimes = tuple(source_path(page, LANGUAGES[0]).stat().st_mtime_ns for page in PAGES)
        return _anchor_pages(mtimes).get(anchor)
    except (OSError, Http404):  # a guide file missing: the "?" opens the guide's index, the page still shows
        return None


def user_role(user) -> str:
    """The role whose guide a page's "?" opens. Read from the permissions, which the navigation has already
    loaded for this request, so the "?" costs no query."""
    if user.has_perm("assistance.manage_ticket") or user.has_perm("assistance.manage_application"):
        return "manager"
    if user.has_perm("assistance.review_application"):
        return "reviewer"
    if user.has_perm("assistance.work_ticket"):
        return "inspector"
    return "default"


def topic_url(view_name: str | None, user) -> str:
    """The address of the guide's section about the page `view_name` for this user; the guide's index when
    the page has none."""
    topics = HELP_TOPICS.get(view_name or "")
    if not topics:
        return help_url()
    anchor = topics.get(user_role(user), topics["default"])
    page = anchor_page(anchor)
    return f"{help_url(page)}#{anchor}" if page else help_url()


def help_link(request):
    """The "?" of the top bar: the guide's part about the page shown (computed only if the page shows it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else None

    return {"help_url": SimpleLazyObject(lambda: topic_url(view_name, user))}


@require_GET
@login_required
def guide_page(request: HttpRequest, page: str = "index") -> HttpResponse:
    language = guide_language()
    rendered = render_page(page, language)
    contents = [(name, render_page(name, language).title, help_url(name)) for name in PAGES]
    return render(
        request,
        "guide.html",
        {
            "page": page,
            "rendered": rendered,
            "guide_html": mark_safe(rendered.html),  # our own sources, their raw HTML escaped
            "contents": contents,
        },
    )


@require_GET
@login_required
def guide_print(request: HttpRequest) -> HttpResponse:
    """The whole guide on one page, to print on A4: each role's part starts on a new sheet."""
    language = guide_language()
    parts = [(name, mark_safe(render_page(name, language).html)) for name in PAGES]
    return render(request, "guide_print.html", {"parts": parts})


def screen_names() -> set[str]:
    return {path.stem for path in SCREENS_DIR.glob("*.png") if SCREEN_NAME.match(path.stem)}


@require_GET
@login_required
def guide_screen(request: HttpRequest, name: str) -> FileResponse:
    """A screenshot of the guide: only a name listed in docs/guide/screens, never a path."""
    if not SCREEN_NAME.match(name) or name not in screen_names():
        raise Http404
    response = FileResponse((SCREENS_DIR / f"{name}.png").open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response
