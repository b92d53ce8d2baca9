"""/health/: 200 when the database, the file storages and the migrations are fine, 503 naming what is not."""

import socket
from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse


@pytest.fixture
def unwritable_private_storage(settings, tmp_path):
    """The private storage's directory sits under a plain file, so nothing can be written there (even as root)."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocker / "private", "base_url": None},
        },
    }


@pytest.mark.django_db
def test_it_answers_200_without_sign_in_when_all_is_well(client, settings):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "storage": "ok", "migrations": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_probe_file_is_deleted_again(client, settings):
    client.get(reverse("health"))
    assert not list((settings.PRIVATE_MEDIA_ROOT / "health").iterdir())
    assert not list((settings.MEDIA_ROOT / "health").iterdir())


@pytest.mark.django_db
def test_a_database_that_does_not_answer_gives_503_naming_it(client):
    with mock.patch.object(connections[DEFAULT_DB_ALIAS], "cursor", side_effect=OperationalError("server closed")):
        response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == "unreachable"
    assert body["checks"]["migrations"] == "not checked"
    assert "server closed" not in response.content.decode()


@pytest.mark.django_db
def test_an_unwritable_storage_gives_503_naming_it(client, unwritable_private_storage):
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["storage"]
    assert body["checks"] == {"database": "ok", "storage": "not writable: private", "migrations": "ok"}


@pytest.mark.django_db
def test_an_unapplied_migration_gives_503_naming_it(client):
    recorder = MigrationRecorder(connection)
    latest = max(name for app, name in recorder.applied_migrations() if app == "assistance")
    recorder.record_unapplied("assistance", latest)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["migrations"]
    assert body["checks"]["migrations"] == "1 unapplied"


@pytest.mark.django_db
def test_a_failing_probe_is_a_warning_not_an_error_mail_each_time(client, unwritable_private_storage, caplog):
    with caplog.at_level("INFO"):
        response = client.get(reverse("health"))
    assert response.status_code == 503
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert "private" in caplog.records[0].getMessage()


@pytest.mark.django_db
def test_it_answers_over_plain_http_where_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("health")).status_code == 200
    assert client.get(reverse("login")).status_code == 301


@pytest.mark.django_db
def test_it_refuses_writes(client):
    assert client.post(reverse("health")).status_code == 405


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a PostgreSQL server to make unreachable")
@pytest.mark.django_db(transaction=True)
def test_a_really_unreachable_postgresql_gives_503(client):
    database = connections[DEFAULT_DB_ALIAS]
    saved = dict(database.settings_dict)
    database.close()
    database.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    database.settings_dict["OPTIONS"] = {**saved.get("OPTIONS", {}), "connect_timeout": 2}
    try:
        response = client.get(reverse("health"))
    finally:
        database.close()
        database.settings_dict.clear()
        database.settings_dict.update(saved)
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert client.get(reverse("health")).status_code == 200
