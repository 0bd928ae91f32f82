"""Every model has an admin page that opens, with Norwegian labels."""

import pytest
from django.contrib import admin
from django.urls import reverse

APP_LABELS = {
    "core",
    "strategy",
    "indicators",
    "initiatives",
    "councils",
    "notifications",
}


def registered_models():
    models = admin.site._registry
    ours = [model for model in models if model._meta.app_label in APP_LABELS]
    return sorted(ours, key=lambda model: model._meta.label)


def test_every_domain_model_is_registered():
    from django.apps import apps

    missing = [
        model._meta.label
        for label in APP_LABELS
        for model in apps.get_app_config(label).get_models()
        if model not in admin.site._registry
        and not model._meta.label.split(".")[1].startswith("Historical")
        and not model._meta.auto_created
    ]
    assert not missing, f"no admin page for {missing}"


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_changelist_opens_in_norwegian(admin_client, real_strategy, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert '<html lang="nb"' in response.content.decode()


@pytest.mark.parametrize("code", ["1A/1", "1A 1", "..", "=1+1"])
def test_the_initiative_admin_refuses_codes_that_break_page_addresses(
    rf, admin_user, real_strategy, code
):
    """An initiative code 1A/1 would make every page linking to it fail (goal
    and sub-goal codes have their own stricter patterns)."""
    from initiatives.models import Initiative

    request = rf.get("/")
    request.user = admin_user
    initiative = Initiative.objects.order_by("pk").first()
    form_class = admin.site._registry[Initiative].get_form(request, initiative)
    form = form_class(data={"code": code}, instance=initiative)
    assert not form.is_valid()
    assert "code" in form.errors, form.errors
