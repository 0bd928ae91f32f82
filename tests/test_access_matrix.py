"""Every cell of core.access_matrix: each URL × each persona gets its answer."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import get_resolver, reverse

from core import access_matrix as m
from core.roles import Role
from core.services import external_sign_in
from councils.models import AgendaItemAttachment
from councils.services import (
    agenda_item_add,
    decision_record,
    follow_up_add,
    meeting_pack_freeze,
)
from indicators.models import ValueImport
from initiatives.models import RoadmapImport
from tests.factories import (
    CouncilFactory,
    GoalFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    InitiativeFactory,
    MeetingFactory,
    OrganisationFactory,
    SubGoalFactory,
    UserFactory,
)

SKIPPED_NAMESPACES = ("admin:",)  # Django's admin guards itself (staff only)


def url_names() -> set[str]:
    def walk(patterns, ns=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                inner = ns + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name:
                yield ns + pattern.name

    return {
        name
        for name in walk(get_resolver().url_patterns)
        if not name.startswith(SKIPPED_NAMESPACES)
    }


def test_every_url_has_a_row_in_the_matrix():
    assert url_names() == set(m.MATRIX), (
        f"missing rows: {sorted(url_names() - set(m.MATRIX))}; "
        f"rows without a URL: {sorted(set(m.MATRIX) - url_names())}"
    )


@pytest.fixture
def world(db, secretariat, settings, tmp_path):
    """One object of every kind a URL can point at."""
    settings.MEDIA_ROOT = tmp_path
    goal = GoalFactory(code="M1")
    sub_goal = SubGoalFactory(goal=goal, code="1A")
    initiative = InitiativeFactory(code="1A-1", sub_goal=sub_goal)
    indicator = IndicatorFactory(code="RM-1", goal=goal, target_value=Decimal("80"))
    draft = IndicatorValueFactory(
        indicator=indicator,
        period_start=dt.date(2022, 1, 1),
        status="draft",
        entered_by=secretariat,
    )
    council = CouncilFactory(slug="nuit")
    meeting = MeetingFactory(council=council)
    item = agenda_item_add(meeting=meeting, title="Sak", kind="beslutning")
    decision = decision_record(agenda_item=item, text="Vedtak", decided_on=meeting.date)
    organisation = OrganisationFactory()
    action = follow_up_add(
        decision=decision,
        description="Følg opp",
        responsible=organisation,
        due_date=meeting.date,
    )
    attachment = AgendaItemAttachment(
        agenda_item=item, name="a.pdf", content_type="application/pdf", size=5
    )
    attachment.file.save("a.pdf", StringIO("%PDF-"), save=True)
    value_import = ValueImport.objects.create(
        filename="v.csv", content=b"", created_by=secretariat
    )
    roadmap_import = RoadmapImport.objects.create(
        version="2026-08", file_sha256="0" * 64, content="", delivery_count=0
    )
    return {
        "goal": goal.code,
        "indicator": indicator.code,
        "initiative": initiative.code,
        "slug": council.slug,
        "draft": draft.pk,
        "meeting": meeting.pk,
        "item": item.pk,
        "decision": decision.pk,
        "attachment": attachment.pk,
        "value_import": value_import.pk,
        "roadmap_import": roadmap_import.pk,
        "organisation": organisation.pk,
        "action": action.pk,
        "person": secretariat.pk,
        "snapshot": meeting_pack_freeze(meeting=meeting, user=secretariat).pk,
    }


def kwargs_for(name: str, world: dict) -> dict:
    code = {"strategy": world["goal"], "initiatives": world["initiative"]}.get(
        name.split(":")[0], world["indicator"]
    )
    if name in ("goal-detail",):
        code = world["goal"]
    if name == "initiative-detail":
        code = world["initiative"]
    if name == "breakdown-detail":
        code = "region"  # a built-in dimension (migration 0011)
    pk = {
        "indicators:import_detail": world["value_import"],
        "indicators:import_progress": world["value_import"],
        "indicators:import_commit": world["value_import"],
        "indicators:value_submit": world["draft"],
        "initiatives:roadmap_import_detail": world["roadmap_import"],
        "councils:decision_new": world["item"],
        "councils:attachment_new": world["item"],
        "councils:attachment": world["attachment"],
        "councils:decision_amend": world["decision"],
        "councils:decision_plan": world["decision"],
        "councils:action_new": world["decision"],
        "councils:action_status": world["action"],
        "organisation": world["organisation"],
        "organisation_edit": world["organisation"],
        "person": world["person"],
        "person_roles": world["person"],
        "person_active": world["person"],
    }.get(name, world["meeting"])
    values = {"code": code, "slug": world["slug"], "pk": pk}
    values["snapshot_pk"] = world["snapshot"]
    pattern_kwargs = _pattern_kwargs(name)
    return {key: values[key] for key in pattern_kwargs}


def _pattern_kwargs(name: str) -> list[str]:
    from django.urls import get_resolver as resolver

    namespace, _, short = name.rpartition(":")
    found = resolver()
    if namespace:
        found = found.namespace_dict[namespace][1]
    possibilities = found.reverse_dict.getlist(short)
    return list(possibilities[0][0][0][1]) if possibilities else []


BODIES = {
    ("indicator-values", "POST"): [{"period": "2024", "value": "50"}],
    ("values-bulk", "POST"): [{"indicator": "RM-1", "period": "2023", "value": "40"}],
}


PERSONA_ROLES = {
    m.COUNCIL_MEMBER: Role.COUNCIL_MEMBER,
    m.SECRETARIAT: Role.SECRETARIAT,
    m.APPROVER: Role.APPROVER,
    m.ADMINISTRATOR: Role.ADMINISTRATOR,
}
ISSUER = "https://idp.example.org"


def local_account(persona: str):
    return UserFactory(username=f"matrix-{persona}", roles=[PERSONA_ROLES[persona]])


def oidc_account(persona: str):
    """An account as the first sign-in through the provider creates it: its
    role comes from a group claim through OIDC_ROLE_MAP, nothing else."""
    return external_sign_in(
        issuer=ISSUER,
        claims={"sub": f"sub-{persona}", "groups": [f"grp-{persona}"]},
    )


def client_for(persona: str, keys: dict, account=local_account) -> Client:
    client = Client()
    if persona in keys:
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {keys[persona]}"
    elif persona != m.ANONYMOUS:
        client.force_login(account(persona))
    return client


def denied(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and "/login/" in response.get("Location", "")


@pytest.mark.parametrize("account", [local_account, oidc_account])
def test_every_cell_of_the_matrix(world, secretariat, settings, account):
    """Local accounts, and accounts created by signing in through OpenID
    Connect with a role from a group claim, get exactly the same answers."""
    settings.OIDC_ROLES_CLAIM = "groups"
    settings.OIDC_ROLE_MAP = {
        f"grp-{persona}": role.value for persona, role in PERSONA_ROLES.items()
    }
    keys = {}
    for persona, scope in ((m.INTEGRATION, ""), (m.INTEGRATION_SCOPED, "M1")):
        out = StringIO()
        call_command(
            "create_api_key",
            "--name",
            persona,
            "--role",
            "Integrasjon",
            "--scope",
            scope,
            "--owner",
            secretariat.username,
            stdout=out,
        )
        keys[persona] = out.getvalue().strip().splitlines()[-1]
    wrong = []
    for name, cells in sorted(m.MATRIX.items()):
        # Fresh clients per row: the logout row must not log the others out.
        clients = {
            persona: client_for(persona, keys, account) for persona in m.PERSONAS
        }
        url = reverse(name, kwargs=kwargs_for(name, world))
        for method, allowed in cells:
            body = BODIES.get((name, method))
            for persona, client in clients.items():
                if body is not None:
                    response = getattr(client, method.lower())(
                        url, json.dumps(body), content_type="application/json"
                    )
                else:
                    response = getattr(client, method.lower())(url)
                expected = persona in allowed
                # Logging out ends on the login page: that is its success.
                refused = (
                    response.status_code != 302
                    if name == "logout"
                    else denied(response)
                )
                if response.status_code >= 500 or refused == expected:
                    wrong.append(
                        f"{method} {name} as {persona}: {response.status_code} "
                        f"(expected {'allowed' if expected else 'denied'})"
                    )
    assert not wrong, "\n".join(wrong)
