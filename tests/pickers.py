"""Helpers for the tests of the searchable pickers: their JSON endpoints and the form pages that use them."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext


def answer(client, url, **params) -> dict:
    """The JSON an endpoint answers to a GET with `params`, checked to be a 200 in select2's shape."""
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"results", "pagination"}
    assert all(set(row) == {"id", "text"} for row in body["results"])
    return body


def texts(client, url, **params) -> list[str]:
    return [row["text"] for row in answer(client, url, **params)["results"]]


def ids(client, url, **params) -> list[int]:
    return [row["id"] for row in answer(client, url, **params)["results"]]


def queries(client, url, **params) -> tuple[int, dict]:
    """How many queries one GET costs, and what it answered."""
    with CaptureQueriesContext(connection) as context:
        body = answer(client, url, **params)
    return len(context.captured_queries), body


def options(html: str, name: str) -> list[str]:
    """The values of the options of the <select name=`name`> in a page."""
    match = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select named {name}"
    return re.findall(r'<option value="([^"]*)"', match.group(1))


def selected(html: str, name: str) -> list[str]:
    """The values of the chosen options of the <select name=`name`> in a page."""
    match = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select named {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', match.group(1))
