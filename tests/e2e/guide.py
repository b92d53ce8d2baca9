"""Screenshots of the user guide, taken by the journeys at the moment the guide shows.

`guide_shot(page, "name")` writes docs/guide/screens/name.png, the picture the guide's sources name as
`screens/name.png`; running the journeys refreshes every picture. tests/config/test_guide.py reads the
`guide_shot(page, "name")` calls (and `shot="name"` arguments) of tests/e2e/*.py and fails when the guide names a picture no journey
takes, so keep the name a literal string.
"""

import re
from pathlib import Path

from django.conf import settings

SCREENS_DIR = Path(settings.BASE_DIR) / "docs" / "guide" / "screens"
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def guide_shot(page, name: str, *, show=None) -> Path:
    """Save what the screen shows now (the viewport, not the whole page: small files that read at the
    size of the screen); `show`, a locator, is scrolled into view first. A phone's picture ends in
    "-phone" so that the guide shows it at a phone's width."""
    if not NAME.match(name):
        raise ValueError(f"Screenshot names are lower-case words joined by hyphens: {name!r}")
    if show is not None:
        show.first.scroll_into_view_if_needed()
    width = page.viewport_size["width"]
    if name.endswith("-phone") != (width <= 480):
        raise ValueError(f"{name!r} is taken at {width} px: phone pictures (and only they) end in -phone")
    SCREENS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENS_DIR / f"{name}.png"
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    return path
