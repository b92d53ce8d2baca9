"""Logging settings: errors are mailed to ADMINS when it is set, mail gives up after EMAIL_TIMEOUT."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PROBE = """
import json, logging
import django
django.setup()
from django.conf import settings
from django.core import mail
logging.getLogger("assistance").error("The ticket could not be saved")
logging.getLogger("assistance").warning("Only a warning")
logging.getLogger("django.request").error("Internal Server Error: /reports/")
print(json.dumps({
    "admins": settings.ADMINS,
    "email_timeout": settings.EMAIL_TIMEOUT,
    "root_handlers": [handler.name for handler in logging.getLogger().handlers],
    "mails": [message.subject for message in getattr(mail, "outbox", [])],
    "recipients": [message.to for message in getattr(mail, "outbox", [])],
}))
"""


def _settings_with(**env):
    leave_out = {"ADMINS", "EMAIL_TIMEOUT", "LOG_LEVEL", "DJANGO_SETTINGS_MODULE"}
    clean = {k: v for k, v in os.environ.items() if k not in leave_out}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": "", **env},
        capture_output=True,
        text=True,
    )
    return result


def test_errors_are_mailed_to_the_admins_when_they_are_set():
    result = _settings_with(ADMINS="Wang Fang <wang.fang@example.gov.cn>")
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["admins"] == [["Wang Fang", "wang.fang@example.gov.cn"]]
    assert "mail_admins" in seen["root_handlers"]
    # One mail per error: Django's own error handler does not mail a second time.
    assert seen["mails"] == [
        "[Django] ERROR: The ticket could not be saved",
        "[Django] ERROR: Internal Server Error: /reports/",
    ]
    assert seen["recipients"] == [["wang.fang@example.gov.cn"]] * 2


def test_without_admins_nothing_is_mailed():
    result = _settings_with()
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["admins"] == []
    assert seen["root_handlers"] == ["console"]
    assert seen["mails"] == []


def test_email_gives_up_after_ten_seconds_unless_told_otherwise():
    assert json.loads(_settings_with().stdout)["email_timeout"] == 10
    assert json.loads(_settings_with(EMAIL_TIMEOUT="3").stdout)["email_timeout"] == 3


def test_a_bad_admins_value_stops_the_start():
    result = _settings_with(ADMINS="Wang Fang")
    assert result.returncode != 0
    assert "ADMINS" in result.stderr


def test_a_bad_log_level_stops_the_start():
    result = _settings_with(LOG_LEVEL="chatty")
    assert result.returncode != 0
    assert "LOG_LEVEL" in result.stderr
