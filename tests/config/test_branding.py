"""Whose system it is: the bureau's name and the system's title on the sign-in page and printed pages; a favicon."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def test_the_bureau_is_the_tangshan_bureau_unless_set():
    from config.settings import base

    assert base.BUREAU_NAME == "唐山市市场监督管理局"


def test_the_sign_in_page_names_the_bureau_and_the_system(client):
    html = client.get(reverse("login")).content.decode()
    assert '<p class="text-muted mb-1" id="bureau-name">唐山市市场监督管理局</p>' in html
    assert "重点区域质量提升管理系统" in html


def test_the_bureau_name_comes_from_the_setting(client, settings):
    settings.BUREAU_NAME = "河北省市场监督管理局"
    html = client.get(reverse("login")).content.decode()
    assert "河北省市场监督管理局" in html
    assert "唐山市市场监督管理局" not in html


def test_a_printed_report_is_headed_with_the_bureau_and_the_system(client_for, manager):
    html = client_for(manager).get(reverse("reports:service")).content.decode()
    header = re.search(r'<header class="print-header d-none d-print-block" id="print-header">(.*?)</header>', html)
    assert header and header.group(1) == "唐山市市场监督管理局 · 重点区域质量提升"
    print_css = (ROOT / "static" / "css" / "print.css").read_text()
    assert ".print-header" in print_css


def test_every_page_links_the_favicon_and_the_files_exist(client):
    html = client.get(reverse("login")).content.decode()
    svg = re.search(r'<link rel="icon" href="([^"]+\.svg)" type="image/svg\+xml">', html)
    png = re.search(r'<link rel="icon" href="([^"]+\.png)" type="image/png"', html)
    assert svg and png
    svg_file, png_file = finders.find("favicon.svg"), finders.find("favicon.png")
    assert Path(svg_file).read_text().startswith("<svg")
    assert Path(png_file).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_the_setting_is_listed_for_operators():
    assert "BUREAU_NAME=唐山市市场监督管理局" in (ROOT / ".env.example").read_text()
    assert "| `BUREAU_NAME` | `唐山市市场监督管理局` |" in (ROOT / "docs" / "operations.md").read_text()
