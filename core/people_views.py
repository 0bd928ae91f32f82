"""Pages for people, their roles and the organisations: no Django admin needed.

Administrators create, edit and deactivate people's accounts and grant and
revoke roles with a reason (written to the security log); the secretariat and
administrators keep the organisations and their contact addresses.
"""

from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .models import Organisation, User
from .people_forms import OrganisationForm, PersonForm, PersonNewForm, RoleChangeForm
from .roles import (
    ADMINS,
    DASHBOARD_READERS,
    ORGANISATION_EDITORS,
    Role,
    duty_conflicts,
    role_required,
)
from .selectors import person_role_names


def _people():
    return (
        User.objects.filter(api_keys__isnull=True)
        .distinct()
        .select_related("organisation")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
        .order_by("username")
    )


@require_GET
@role_required(*ADMINS)
def people_list(request):
    rows = [
        {
            "person": p,
            "roles": person_role_names(p),
            "conflicts": duty_conflicts(person_role_names(p)),
        }
        for p in _people()
    ]
    return render(request, "core/people_list.html", {"rows": rows})


def _warn_conflicts(request, person) -> None:
    for first, second in duty_conflicts(person_role_names(person)):
        messages.warning(
            request,
            _(
                "Segregation of duties: %(name)s now holds both %(first)s and "
                "%(second)s. The access review flags it."
            )
            % {"name": person.get_username(), "first": first, "second": second},
        )


@require_http_methods(["GET", "POST"])
@role_required(*ADMINS)
def person_new(request):
    form = PersonNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        role, reason = data.pop("role"), data.pop("reason")
        try:
            person = services.person_save(**data)
            if role:
                services.role_change(
                    user=person,
                    role=Role(role),
                    grant=True,
                    reason=reason,
                    by=request.user,
                )
        except (services.PersonError, ValidationError) as exc:
            form.add_error(None, getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(request, _("The person was added."))
            _warn_conflicts(request, person)
            return redirect("person", pk=person.pk)
    ctx = {"form": form, "heading": _("New person")}
    return render(request, "core/form.html", ctx, status=400 if form.errors else 200)


def _person_page(request, person, *, form=None, role_form=None, status=200):
    ctx = {
        "person": person,
        "roles": person_role_names(person),
        "conflicts": duty_conflicts(person_role_names(person)),
        "form": form or PersonForm(user=person, initial=_person_initial(person)),
        "role_form": role_form or RoleChangeForm(),
    }
    return render(request, "core/person.html", ctx, status=status)


def _person_initial(person) -> dict:
    fields = ("username", "first_name", "last_name", "email", "organisation")
    return {name: getattr(person, name) for name in fields}


def _person_get(pk):
    return get_object_or_404(_people(), pk=pk)


@require_http_methods(["GET", "POST"])
@role_required(*ADMINS)
def person_detail(request, pk):
    person = _person_get(pk)
    if request.method == "GET":
        return _person_page(request, person)
    form = PersonForm(request.POST, user=person)
    if form.is_valid():
        try:
            services.person_save(user=person, **form.cleaned_data)
        except (services.PersonError, ValidationError) as exc:
            form.add_error(None, getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(request, _("The person was saved."))
            return redirect("person", pk=person.pk)
    return _person_page(request, _person_get(pk), form=form, status=400)


@require_POST
@role_required(*ADMINS)
def person_roles(request, pk):
    person = _person_get(pk)
    form = RoleChangeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.role_change(
                user=person,
                role=Role(data["role"]),
                grant=data["grant"],
                reason=data["reason"],
                by=request.user,
            )
        except services.PersonError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The roles were changed."))
            _warn_conflicts(request, _person_get(pk))
            return redirect("person", pk=person.pk)
    return _person_page(request, person, role_form=form, status=400)


@require_POST
@role_required(*ADMINS)
def person_active(request, pk):
    person = _person_get(pk)
    wanted = request.POST.get("active", "")
    if wanted not in ("0", "1"):
        messages.error(request, _("Say whether the account is to be active."))
        return redirect("person", pk=person.pk)
    try:
        services.person_active_set(user=person, active=wanted == "1", by=request.user)
    except services.PersonError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The account was changed."))
    return redirect("person", pk=person.pk)


# --- Organisations ------------------------------------------------------------


@require_GET
@role_required(*DASHBOARD_READERS)
def organisation_list(request):
    ctx = {"organisations": Organisation.objects.order_by("-is_active", "name")}
    return render(request, "core/organisation_list.html", ctx)


@require_GET
@role_required(*DASHBOARD_READERS)
def organisation_detail(request, pk):
    # Reverse relations by name: core imports no domain app.
    organisation = get_object_or_404(
        Organisation.objects.prefetch_related(
            "indicators",
            "initiatives",
            "follow_up_actions__decision__agenda_item",
            "users",
        ),
        pk=pk,
    )
    return render(request, "core/organisation.html", {"organisation": organisation})


def _organisation_form_page(request, organisation):
    initial = {}
    if organisation is not None:
        initial = {
            "name": organisation.name,
            "short_name": organisation.short_name,
            "contact_emails": ", ".join(organisation.contact_emails),
            "is_active": organisation.is_active,
        }
    form = OrganisationForm(
        request.POST or None, organisation=organisation, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.organisation_save(
                organisation=organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The organisation was saved."))
            return redirect("organisation", pk=saved.pk)
    heading = organisation.name if organisation else _("New organisation")
    ctx = {"form": form, "heading": heading}
    return render(request, "core/form.html", ctx, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@role_required(*ORGANISATION_EDITORS)
def organisation_new(request):
    return _organisation_form_page(request, None)


@require_http_methods(["GET", "POST"])
@role_required(*ORGANISATION_EDITORS)
def organisation_edit(request, pk):
    return _organisation_form_page(request, get_object_or_404(Organisation, pk=pk))
