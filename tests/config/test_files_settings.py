"""File settings: MEDIA_ROOT from the environment, an S3-compatible store by one setting, every variable listed."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
seen = {"media_root": str(settings.MEDIA_ROOT), "backends": {}}
for alias in ("default", "private"):
    storage = storages[alias]
    seen["backends"][alias] = {
        "class": type(storage).__module__ + "." + type(storage).__name__,
        "bucket": getattr(storage, "bucket_name", None),
        "location": str(getattr(storage, "location", "")),
        "endpoint": getattr(storage, "endpoint_url", None),
        "overwrite": getattr(storage, "file_overwrite", None),
    }
print(json.dumps(seen))
"""
S3_VARIABLES = {name for name in os.environ if name.startswith("AWS_")} | {"STORAGE_BACKEND", "MEDIA_ROOT"}


def _base_settings_with(**env):
    clean = {k: v for k, v in os.environ.items() if k not in S3_VARIABLES and k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DATABASE_URL": "", **env},
        capture_output=True,
        text=True,
    )


def test_files_are_on_the_filesystem_by_default_under_media_root_from_the_environment(tmp_path):
    result = _base_settings_with(MEDIA_ROOT=str(tmp_path / "media"), PRIVATE_MEDIA_ROOT=str(tmp_path / "private"))
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["media_root"] == str(tmp_path / "media")
    assert seen["backends"]["default"]["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert seen["backends"]["default"]["location"] == str(tmp_path / "media")
    assert seen["backends"]["private"]["location"] == str(tmp_path / "private")


def test_one_setting_moves_both_storages_to_an_s3_compatible_bucket():
    result = _base_settings_with(
        STORAGE_BACKEND="s3", AWS_STORAGE_BUCKET_NAME="quality-files", AWS_S3_ENDPOINT_URL="http://10.0.0.5:9000"
    )
    assert result.returncode == 0, result.stderr
    backends = json.loads(result.stdout)["backends"]
    for alias, prefix in (("default", "media"), ("private", "private")):
        assert backends[alias]["class"] == "storages.backends.s3.S3Storage"
        assert backends[alias]["bucket"] == "quality-files"
        assert backends[alias]["endpoint"] == "http://10.0.0.5:9000"
        assert backends[alias]["location"] == prefix
        assert backends[alias]["overwrite"] is False


def test_s3_without_a_bucket_stops_the_start():
    result = _base_settings_with(STORAGE_BACKEND="s3")
    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME" in result.stderr


def test_an_unknown_storage_backend_stops_the_start():
    result = _base_settings_with(STORAGE_BACKEND="ftp")
    assert result.returncode != 0
    assert "STORAGE_BACKEND" in result.stderr


READ = re.compile(r"""(?:env_\w+|os\.environ\.get|os\.getenv|os\.environ\.setdefault)\(\s*["']([A-Z][A-Z0-9_]*)["']""")
LISTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def test_every_environment_variable_the_code_reads_is_in_env_example():
    sources = [ROOT / "manage.py", ROOT / "gunicorn.conf.py"]
    for package in ("config", "clusters", "assistance", "reports"):
        sources += [path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts]
    read = {name for path in sources for name in READ.findall(path.read_text(encoding="utf-8"))}
    listed = set(LISTED.findall((ROOT / ".env.example").read_text(encoding="utf-8")))
    assert {"STORAGE_BACKEND", "ADMINS", "GUNICORN_WORKERS"} <= read
    assert read - listed == set()


def test_the_runbook_explains_every_variable_in_both_languages():
    runbook = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    chinese, english = runbook.split("\n## English\n")
    listed = set(LISTED.findall((ROOT / ".env.example").read_text(encoding="utf-8")))
    for half in (chinese, english):
        table_rows = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", half, re.MULTILINE))
        assert listed - table_rows == set()
