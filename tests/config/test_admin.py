import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_admin_list_and_change_page_opens_for_an_administrator(client_for, admin_user):
    call_command("load_seeds", verbosity=0)
    client = client_for(admin_user)
    opened = 0
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{name}_changelist")).status_code == 200, name
        record = model.objects.order_by("pk").first()
        if record is not None:
            assert client.get(reverse(f"{name}_change", args=[record.pk])).status_code == 200, name
            opened += 1
    assert opened >= 25


def test_every_registry_and_case_model_has_an_admin():
    from django.apps import apps

    registered = set(admin.site._registry)
    for label in ("clusters", "assistance"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            inline_only = {"RubricCategory", "ReviewScore"}
            if model.__name__ in inline_only:
                continue
            assert model in registered, model.__name__
