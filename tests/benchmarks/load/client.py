"""A small HTTP client for the load: one session per simulated user, every request timed and recorded.

Plain `http.client` over a kept-alive connection, cookies kept by hand (the production cookies are
`Secure`, and the harness talks plain HTTP to gunicorn, as the proxy does), forms read from the page
as a browser would, so every POST carries the CSRF token the page gave.
"""

import http.client
import socket
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


@dataclass
class Sample:
    page: str
    method: str
    started: float  # time.monotonic()
    ended: float
    status: int | None  # None when no HTTP answer came
    error: str | None  # the kind of error, None for a success
    unavailable_page: bool = False  # a 503 that is the site's "database unavailable" page

    @property
    def seconds(self) -> float:
        return self.ended - self.started


# The heading of templates/503.html in Chinese, the language the load's users ask for.
UNAVAILABLE_NOTICE = "数据库暂时无法访问"


class Recorder:
    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self._lock = threading.Lock()

    def add(self, sample: Sample) -> None:
        with self._lock:
            self.samples.append(sample)

    def snapshot(self) -> list[Sample]:
        with self._lock:
            return list(self.samples)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("Location", "")).path or ""


class RequestFailed(Exception):
    """No usable answer (transport error, or a status the step cannot go on from)."""


def error_kind(status: int | None, exception: BaseException | None = None) -> str | None:
    if exception is not None:
        if isinstance(exception, TimeoutError | socket.timeout):
            return "timeout"
        if isinstance(exception, ConnectionRefusedError):
            return "connection refused"
        if isinstance(exception, ConnectionResetError | http.client.RemoteDisconnected | BrokenPipeError):
            return "connection reset"
        return type(exception).__name__
    if status is not None and status >= 400:
        return f"HTTP {status}"
    return None


class Session:
    def __init__(self, host: str, port: int, recorder: Recorder, *, timeout: float = 30.0, language: str = "zh-hans"):
        self.host, self.port, self.timeout = host, port, timeout
        self.recorder = recorder
        self.language = language
        self.cookies: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(self, page: str, method: str, path: str, fields: list[tuple[str, str]] | None = None) -> Response:
        headers = {"Accept-Language": self.language, "User-Agent": "quality-load/1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode(fields or []).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        try:
            connection = self._connect()
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException) as exception:
            self.close()
            self.recorder.add(Sample(page, method, started, time.monotonic(), None, error_kind(None, exception)))
            raise RequestFailed(f"{method} {path}: {exception!r}") from exception
        ended = time.monotonic()
        notice = raw.status == 503 and UNAVAILABLE_NOTICE in text
        self.recorder.add(Sample(page, method, started, ended, raw.status, error_kind(raw.status), notice))
        for header in raw.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if raw.getheader("Connection", "").lower() == "close":
            self.close()
        return Response(raw.status, raw.headers, text)

    def get(self, page: str, path: str) -> Response:
        return self.request(page, "GET", path)

    def post(self, page: str, path: str, fields: list[tuple[str, str]]) -> Response:
        return self.request(page, "POST", path, fields)


@dataclass
class Form:
    action: str
    method: str
    values: dict[str, list[str]] = field(default_factory=dict)  # what the browser would send as it stands
    options: dict[str, list[str]] = field(default_factory=dict)  # choices of selects and radio groups
    attributes: dict[str, dict[str, str | None]] = field(default_factory=dict)  # of each input

    def fields(self, changes: dict[str, str | list[str] | None] | None = None) -> list[tuple[str, str]]:
        """The form's fields with some changed (a list for a multiple choice, None to leave one out)."""
        values = dict(self.values)
        for name, value in (changes or {}).items():
            if value is None:
                values.pop(name, None)
            else:
                values[name] = value if isinstance(value, list) else [value]
        return [(name, value) for name, items in values.items() for value in items]

    def choices(self, name: str) -> list[str]:
        return [value for value in self.options.get(name, []) if value]


class FormParser(HTMLParser):
    """The forms of a page: their action, their current values and the choices of each select."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, bool] | None = None  # name, multiple
        self._select_seen: set[str] = set()
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(action=a.get("action") or "", method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            form.attributes[name] = a
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                form.options.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.values.setdefault(name, []).append(a.get("value", "on"))
                return
            form.values[name] = [a.get("value") or ""]
        elif tag == "select" and name:
            self._select = (name, "multiple" in a)
            form.options.setdefault(name, [])
            form.values.setdefault(name, [])
        elif tag == "option" and self._select:
            name, _multiple = self._select
            value = a.get("value", "")
            form.options[name].append(value)
            if "selected" in a:
                form.values[name].append(value)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select and self._form is not None:
            name, multiple = self._select
            if not multiple and not self._form.values[name] and self._form.options[name]:
                self._form.values[name] = [self._form.options[name][0]]  # a browser sends the first option
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.values[self._textarea] = ["".join(self._text).lstrip("\n")]
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_with(html: str, *, field: str | None = None, action_ends: str | None = None) -> Form | None:
    """The first form of the page that has the field, or whose action ends so."""
    for form in forms_of(html):
        if field is not None and field not in form.values and field not in form.options:
            continue
        if action_ends is not None and not form.action.endswith(action_ends):
            continue
        return form
    return None
