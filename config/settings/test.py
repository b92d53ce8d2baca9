"""Settings for the test suite."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

# --- Files: throw-away directories, whatever the environment says -----------------------------------
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="quality-test-media-"))
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="quality-test-private-"))
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
}
# --- end of files ------------------------------------------------------------------------------------

# Kept figures live in the test process's memory; every test starts with an empty cache (tests/conftest.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = False
DEMO_USERS_ALLOWED = True
SAMPLE_SEEDS_ALLOWED = True
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# On SQLite the test database is a file, not Django's shared in-memory database: concurrent
# writers then meet the same locking (WAL, busy timeout) that a served site does.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.mkdtemp(prefix="quality-test-db-")) / "test.sqlite3")}  # noqa: F405

# --- Background jobs: run at once, in the test's process; tests of the queue use the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Every request renews its session, as Django's SESSION_SAVE_EVERY_REQUEST would: a test that counts a
# page's queries then counts the same whichever request it measures. The renewal's own tests set 60.
SESSION_RENEW_SECONDS = 0
