"""Two app server processes on one database and one file storage serve as one site.

A user signs in on server A (the real sign-in form, with its CSRF token) and attaches a file to a
ticket there; server B accepts the same session cookie and hands back the same bytes. This is what
lets the bureau run several gunicorn servers behind its proxy (docs/operations.md).
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.db import connection
from django.urls import reverse

from assistance.models import Attachment

from .files import png_bytes

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "shared-servers-2021-tangshan"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTUP_SECONDS = 20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    """The URL of the database this test writes to: pytest-django's test database, not the configured one."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


class Browser:
    """A minimal HTTP client with one cookie jar for both servers (the proxy's one host name)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self, port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None
    ) -> tuple[int, dict, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers), content
        finally:
            conn.close()

    def csrf_token(self, port: int, path: str) -> str:
        status, _, content = self.request(port, "GET", path)
        assert status == 200, (path, status)
        match = CSRF_INPUT.search(content.decode())
        assert match, f"{path} has no CSRF token"
        return match.group(1)


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content_type, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _wait_until_healthy(servers: list[tuple[subprocess.Popen, int, Path]]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    waiting = list(servers)
    while waiting and time.monotonic() < deadline:
        for server in list(waiting):
            process, port, log = server
            if process.poll() is not None:
                pytest.fail(f"The app server on port {port} exited:\n{log.read_text()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/health/")
                if conn.getresponse().status == 200:
                    waiting.remove(server)
                conn.close()
            except OSError:
                pass
        time.sleep(0.2)
    if waiting:
        logs = "\n".join(log.read_text() for _, _, log in waiting)
        pytest.fail(f"App servers did not answer /health/ within {STARTUP_SECONDS} s:\n{logs}")


@pytest.fixture
def two_servers(tmp_path):
    """Two gunicorn servers (gunicorn.conf.py) with one database, one secret key and one file storage."""
    media, private = tmp_path / "media", tmp_path / "private"
    media.mkdir()
    private.mkdir()
    leave_out = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"}
    shared = {
        **{k: v for k, v in os.environ.items() if k not in leave_out and not k.startswith(("GUNICORN_", "STORAGE"))},
        # The development settings take every one of these from the environment, and need no collectstatic.
        "DJANGO_SETTINGS_MODULE": "config.settings.development",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": "shared-secret-of-both-app-servers-" + uuid.uuid4().hex,
        "STORAGE_BACKEND": "filesystem",
        "MEDIA_ROOT": str(media),
        "PRIVATE_MEDIA_ROOT": str(private),
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    servers = []
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = tmp_path / f"server-{name}.log"
            env = {**shared, "GUNICORN_BIND": f"127.0.0.1:{port}"}
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            servers.append((process, port, log))
        _wait_until_healthy(servers)
        yield {"a": servers[0][1], "b": servers[1][1], "private": private}
    finally:
        # Stopped before pytest-django empties the database, which their connections would hold up.
        for process, _, _ in servers:
            process.terminate()
        for process, _, _ in servers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a PostgreSQL server both app servers can reach")
@pytest.mark.django_db(transaction=True)
def test_a_file_attached_on_one_server_downloads_from_the_other_with_the_same_session(
    settings, inspector, ticket, two_servers
):
    # The servers check passwords with the default hashers, not the test suite's fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    inspector.set_password(PASSWORD)
    inspector.save()
    a, b = two_servers["a"], two_servers["b"]
    browser = Browser()

    login = reverse("login")
    token = browser.csrf_token(a, login)
    form = urlencode({"csrfmiddlewaretoken": token, "username": inspector.username, "password": PASSWORD})
    status, headers, _ = browser.request(
        a, "POST", login, form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 302, "the sign-in on server A failed"
    assert headers["Location"] == reverse("home")
    assert "sessionid" in browser.cookies

    detail = ticket.get_absolute_url()
    content = png_bytes(5, 3)
    body, content_type = _multipart(
        {"csrfmiddlewaretoken": browser.csrf_token(a, detail)}, {"file": ("现场照片.png", "image/png", content)}
    )
    status, headers, _ = browser.request(
        a, "POST", reverse("assistance:ticket-attach", args=[ticket.pk]), body, {"Content-Type": content_type}
    )
    assert (status, headers["Location"]) == (302, detail)
    attachment = Attachment.objects.get(ticket=ticket)
    # Stored by server A in the shared private storage, not in this test process's own.
    assert (two_servers["private"] / attachment.file.name).read_bytes() == content

    download = reverse("assistance:attachment-download", args=[attachment.pk])
    status, headers, downloaded = browser.request(b, "GET", download)
    assert status == 200
    assert downloaded == content
    assert headers["Content-Type"] == "image/png"

    # Server B answers because of the session from A: without the cookie it asks for a sign-in.
    status, headers, _ = Browser().request(b, "GET", download)
    assert status == 302
    assert headers["Location"].startswith(reverse("login"))
