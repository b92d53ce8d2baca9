"""gunicorn.conf.py: threaded workers sized from the CPUs, timeouts for streamed downloads, a useful access log."""

import datetime
import os
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

CONF = Path(__file__).resolve().parent.parent.parent / "gunicorn.conf.py"
VARIABLES = [
    "GUNICORN_BIND",
    "GUNICORN_WORKERS",
    "GUNICORN_THREADS",
    "GUNICORN_TIMEOUT",
    "GUNICORN_GRACEFUL_TIMEOUT",
    "GUNICORN_KEEPALIVE",
    "GUNICORN_MAX_REQUESTS",
    "GUNICORN_MAX_REQUESTS_JITTER",
    "GUNICORN_LOG_LEVEL",
    "FORWARDED_ALLOW_IPS",
]


@pytest.fixture
def load(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def load_with(cpus=2, **env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)), raising=False)
        return runpy.run_path(str(CONF))

    return load_with


def _gunicorn_config(namespace) -> Config:
    """gunicorn's own validation of every setting in the file."""
    config = Config()
    for name, value in namespace.items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_workers_are_threaded_and_sized_from_the_cpus(load):
    config = _gunicorn_config(load(cpus=2))
    assert config.worker_class_str == "gthread"
    assert config.workers == 3
    assert config.threads == 4
    assert _gunicorn_config(load(cpus=8)).workers == 9


def test_the_environment_overrides_the_sizes_and_timeouts(load):
    config = _gunicorn_config(
        load(GUNICORN_WORKERS="5", GUNICORN_THREADS="8", GUNICORN_TIMEOUT="90", GUNICORN_BIND="0.0.0.0:9000")
    )
    assert (config.workers, config.threads, config.timeout) == (5, 8, 90)
    assert config.address == [("0.0.0.0", 9000)]


def test_a_bad_number_stops_the_start(load):
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS"):
        load(GUNICORN_WORKERS="many")


def test_timeouts_suit_streamed_downloads_behind_a_proxy(load):
    config = _gunicorn_config(load())
    assert config.timeout >= 60
    assert config.graceful_timeout > config.timeout
    assert config.keepalive > 60


def test_it_serves_the_projects_application(load):
    assert _gunicorn_config(load()).wsgi_app == "config.wsgi:application"


def test_only_the_proxy_may_set_forwarded_headers(load):
    assert _gunicorn_config(load()).forwarded_allow_ips == ["127.0.0.1", "::1"]
    assert _gunicorn_config(load(FORWARDED_ALLOW_IPS="10.1.2.3")).forwarded_allow_ips == ["10.1.2.3"]


def test_the_access_log_goes_to_stdout_with_request_time_and_request_id(load):
    config = _gunicorn_config(load())
    assert config.accesslog == "-"
    response = SimpleNamespace(status="200 OK", sent=512, headers=[("X-Request-ID", "4f1c2d")])
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "203.0.113.9")])
    environ = {
        "REMOTE_ADDR": "10.0.0.2",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/health/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": "probe",
    }
    atoms = Logger(config).atoms(response, request, environ, datetime.timedelta(seconds=2, microseconds=345000))
    line = config.access_log_format % atoms
    assert '"GET /health/ HTTP/1.1" 200 512 2.345000s request_id=4f1c2d' in line
    assert '"203.0.113.9"' in line
