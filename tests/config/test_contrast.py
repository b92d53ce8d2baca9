"""The navigation links on the blue bar reach WCAG AA contrast (4.5:1), computed from the colours in app.css."""

import re
from pathlib import Path

from django.conf import settings

APP_CSS = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()


def _luminance(hex_colour: str) -> float:
    """The relative luminance of an sRGB colour (WCAG 2.x)."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _declared(selector: str, prop: str) -> str:
    """The colour `prop` is given in the rule for `selector` in app.css (a six-digit hex colour)."""
    rule = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", APP_CSS)
    assert rule, selector
    value = re.search(re.escape(prop) + r"\s*:\s*(#[0-9a-fA-F]{6})", rule.group(1))
    assert value, (selector, prop)
    return value.group(1).lower()


def test_the_formula_gives_the_known_ratios():
    assert round(contrast("#ffffff", "#000000"), 1) == 21.0
    # Bootstrap's primary blue under white: exactly the AA limit.
    assert round(contrast("#ffffff", "#0d6efd"), 2) == 4.50


def test_normal_active_and_hovered_links_reach_aa_on_the_bar():
    bar = _declared(".navbar.bg-primary", "background-color")
    for prop in ("--bs-navbar-color", "--bs-navbar-active-color", "--bs-navbar-hover-color"):
        assert contrast(_declared(".navbar-dark", prop), bar) >= 4.5, prop


def test_the_text_beside_the_links_reaches_aa_too():
    bar = _declared(".navbar.bg-primary", "background-color")
    assert contrast(_declared(".navbar-dark .navbar-text", "color"), bar) >= 4.5


def test_bootstraps_own_link_colour_would_not():
    """White at 55 % on the primary blue, the colour replaced: 2.36:1."""
    alpha, white, blue = 0.55, (255, 255, 255), (13, 110, 253)
    blended = "#" + "".join(f"{round(alpha * w + (1 - alpha) * b):02x}" for w, b in zip(white, blue, strict=True))
    assert round(contrast(blended, "#0d6efd"), 2) == 2.36
