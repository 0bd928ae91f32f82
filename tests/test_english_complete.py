"""Every page, shown in English, has no Norwegian UI text.

The pages are taken from the URL resolver, so a new page is checked without
being listed here; only endpoints that answer with something other than an
HTML page are skipped, each with its reason. Text that is Norwegian content
(strategy texts the seed has no English for, names of councils and
organisations, what people wrote) is allowed only inside an element marked
``lang="nb"``: that is what screen readers and translators go by, and what
this test goes by.
"""

import datetime as dt
import re
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import Role
from core.services import api_key_create
from councils.models import AgendaItemAttachment, Council
from councils.services import (
    agenda_item_add,
    decision_record,
    follow_up_add,
    meeting_pack_freeze,
)
from indicators.imports import value_import_create
from indicators.models import Indicator
from initiatives.models import Delivery, Initiative, RoadmapImport
from initiatives.services import status_report_save
from initiatives.tests.helpers import REAL_FILE
from strategy.models import Goal
from tests.factories import IndicatorValueFactory, MeetingFactory, UserFactory

# url name: why it is not an HTML page to read.
NOT_HTML = {
    "healthz": "plain-text health check for the load balancer",
    "audit_csv": "CSV download",
    "indicators:export": "CSV/XLSX download",
    "councils:pack_pdf": "PDF download (its HTML source is the pack page)",
    "councils:attachment": "the uploaded file itself",
    "set_language": "POST only, redirects back",
    "logout": "POST only, redirects to the login page",
    "oidc_start": "redirect to the identity provider (404 while none is set)",
    "oidc_callback": "redirect back from the identity provider",
    "second_factor_passkey": "JSON for the browser's WebAuthn call",
    "second_factor_passkey_options": "JSON for the browser's WebAuthn call",
    "second_factor_passkey_register": "JSON for the browser's WebAuthn call",
    "indicators:import_progress": "JSON progress of a running import",
    "api-schema": "OpenAPI schema (YAML/JSON)",
    "admin:jsi18n": "JavaScript catalogue",
    "admin:view_on_site": "redirect to the object's own page",
    "admin:autocomplete": "JSON for the admin's autocomplete widgets",
    "admin:logout": "POST only, redirects",
    "admin:otp_totp_totpdevice_qrcode": "the QR code image of an app's secret",
}
# The REST API answers in JSON; its error texts are checked by the API tests.
NOT_HTML_NAMESPACES_AND_PREFIXES = ("api:",)

# Frequent bokmål words of a user interface that are not also English words.
NORWEGIAN_WORDS = frozenset(
    {
        "og", "ikke", "av", "til", "med", "som", "det", "ingen", "eller", "fra", "ved",
        "har", "skal", "kan", "alle", "etter", "mot", "uten", "denne", "dette",
        "disse", "lagre", "avbryt", "logg", "inn", "ut", "mål", "verdi", "verdier",
        "leveranse", "leveranser", "møte", "møter", "vedtak", "oppfølging", "frist",
        "ansvarlig", "planlagt", "tentativ", "godkjent", "avvist", "venter",
        "fremgang", "frem", "fram", "delmål", "initiativer", "indikatorer", "siste",
        "neste", "forrige", "vis", "skjul", "endre", "slett", "ny", "nytt", "nye",
        "år", "dato", "navn", "beskrivelse", "rolle", "roller", "bruker", "brukere",
        "passord", "brukernavn", "innstillinger", "varsler", "oppgaver",
        "mitt", "hvem", "hva", "når", "hvor", "legg", "fjern", "velg", "sak",
        "saker", "rådet", "råd", "mandat", "periode", "perioder", "ukjent", "mangler",
        "avgjort", "forsinket",
    }
)  # fmt: skip
NORWEGIAN_LETTERS = re.compile("[æøåÆØÅ]")
# A day written the Norwegian way with an English month: "30. June 2025".
NORWEGIAN_DAY = re.compile(
    r"\b\d{1,2}\. (January|February|March|April|May|June|July|August|September"
    r"|October|November|December)\b"
)
WORD = re.compile(r"[^\W\d_]+")
# A text box holds a record's text as its author wrote it, like an input's
# value (an attribute, not checked either).
SKIPPED_TAGS = {"script", "style", "template", "code", "pre", "textarea"}
VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "source", "track", "wbr",
}  # fmt: skip


class NorwegianFinder(HTMLParser):
    """Collects text nodes that read as Norwegian, outside ``lang="nb"``."""

    def __init__(self, skipped=SKIPPED_TAGS):
        super().__init__(convert_charrefs=True)
        self.skipped = skipped
        self.stack: list[tuple[str, bool]] = []  # (tag, inside nb or skipped)
        self.found: list[str] = []

    def _ignored(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        lang = dict(attrs).get("lang")
        if lang is not None:
            ignored = lang.startswith(("nb", "no", "nn"))
        else:
            ignored = self._ignored()
        self.stack.append((tag, ignored or tag in self.skipped))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        # Close up to the matching tag; a stray end tag changes nothing.
        for position in range(len(self.stack) - 1, -1, -1):
            if self.stack[position][0] == tag:
                del self.stack[position:]
                return

    def handle_data(self, data):
        text = " ".join(data.split())
        if not text or self._ignored():
            return
        words = {word.lower() for word in WORD.findall(text)}
        if (
            NORWEGIAN_LETTERS.search(text)
            or words & NORWEGIAN_WORDS
            or NORWEGIAN_DAY.search(text)
        ):
            self.found.append(text[:120])


def norwegian_text(html: str, *, skipped=SKIPPED_TAGS) -> list[str]:
    finder = NorwegianFinder(skipped)
    finder.feed(html)
    return finder.found


def test_the_finder_sees_norwegian_only_outside_lang_nb():
    html = (
        '<html lang="en"><body><p>Save the value</p><p>Lagre verdien</p>'
        '<p lang="nb">Aktiv medvirkning i egen og næres helse</p>'
        '<div lang="nb"><ul><li>Planlagt <b>leveranse</b></li></ul></div>'
        "<p>Goal <span lang=nb>Mål</span> and Helse Sør-Øst</p>"
        "<p>Met on 30. June 2025</p><p>Met on 30 June 2025</p>"
        "<script>var s = 'Lagre';</script></body></html>"
    )
    assert norwegian_text(html) == [
        "Lagre verdien",
        "and Helse Sør-Øst",
        "Met on 30. June 2025",
    ]


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def html_url_names() -> list[str]:
    names = set(_url_names(get_resolver().url_patterns))
    return sorted(
        name
        for name in names
        if name not in NOT_HTML and not _is_api(name) and _admin_page_checked(name)
    )


# Django's admin is checked on its own pages: the index, each app's list and
# every add form (the field labels and help texts of each model), the user
# pages included. Its list, change, history and delete pages show the rows'
# own texts (goal titles, delivery names) in cells and choices the admin
# renders without a way to mark their language; their frame is the templates
# the add pages use.
ADMIN_PAGES = re.compile(r"admin:(index|app_list|password_change|.*_add)$")
# Choices in the admin's add forms are rows' own texts too (see above).
ADMIN_SKIPPED_TAGS = SKIPPED_TAGS | {"option"}


def _admin_page_checked(name: str) -> bool:
    return not name.startswith("admin:") or bool(ADMIN_PAGES.match(name))


def _is_api(name: str) -> bool:
    """The REST API's routes: reversed below /api/ and answering in JSON."""
    if name.startswith(NOT_HTML_NAMESPACES_AND_PREFIXES):
        return True
    try:
        return reverse(name, kwargs=_sample_kwargs(name)).startswith("/api/")
    except Exception:  # noqa: BLE001 - a route we cannot reverse is not API
        return False


def _sample_kwargs(name: str) -> dict:
    return {key: "1" for key in _pattern_kwargs(name)}


def _pattern_kwargs(name: str) -> list[str]:
    namespace, _, short = name.rpartition(":")
    found = get_resolver()
    for part in namespace.split(":") if namespace else ():
        found = found.namespace_dict[part][1]
    possibilities = found.reverse_dict.getlist(short)
    return list(possibilities[0][0][0][1]) if possibilities else []


@pytest.fixture
def world(db, settings, tmp_path, django_capture_on_commit_callbacks):
    """The real strategy and roadmap, the demo indicators, and one of every
    object a page can show: a meeting with an agenda, decision and overdue
    follow-up, a frozen pack, an import with a rejected row, a status report."""
    settings.MEDIA_ROOT = tmp_path
    call_command("load_strategy", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("import_roadmap", str(REAL_FILE), "--version", "2026-08", verbosity=0)
    user = UserFactory(
        username="reader",
        roles=[Role.COUNCIL_MEMBER, Role.SECRETARIAT, Role.ADMINISTRATOR],
        is_staff=True,
        is_superuser=True,
    )
    approver = UserFactory(username="checker", roles=[Role.APPROVER])
    indicator = Indicator.objects.filter(is_demo=True).order_by("code").first()
    draft = IndicatorValueFactory(
        indicator=indicator,
        period_start=dt.date(2030, 1, 1),
        status="draft",
        entered_by=user,
    )
    IndicatorValueFactory(
        indicator=indicator,
        period_start=dt.date(2029, 1, 1),
        status="submitted",
        entered_by=user,
    )
    initiative = Initiative.objects.order_by("code").first()
    status_report_save(
        initiative=initiative,
        period="2025-T1",
        rag="amber",
        narrative="On track.",
        user=user,
    )
    council = Council.objects.order_by("pk").first()
    meeting = MeetingFactory(council=council, title="Spring meeting")
    item = agenda_item_add(
        meeting=meeting,
        title="Progress",
        kind="beslutning",
        goals=Goal.objects.all()[:1],
        indicators=[indicator],
        initiatives=[initiative],
        deliveries=Delivery.objects.all()[:2],
    )
    decision = decision_record(
        agenda_item=item, text="Agreed.", decided_on=meeting.date
    )
    action = follow_up_add(
        decision=decision,
        description="Report back.",
        assignee=user,
        due_date=meeting.date,
    )
    attachment = AgendaItemAttachment(
        agenda_item=item, name="a.pdf", content_type="application/pdf", size=5
    )
    attachment.file.save("a.pdf", StringIO("%PDF-"), save=True)
    content = (
        f"indicator,period,value\n{indicator.code},2031,12.5\n"
        f"{indicator.code},2032,-1\nNOPE,2024,1\n"
    ).encode()
    # As the real flow does: uploaded from a Norwegian page and checked by the
    # task, which writes the reasons in the uploader's bokmål whatever the
    # worker's language; the English import page marks them lang="nb".
    with django_capture_on_commit_callbacks(execute=True):
        value_import = value_import_create(
            user=user, filename="values.csv", content=content, language="nb"
        )
    snapshot = meeting_pack_freeze(meeting=meeting, user=user)
    # Someone else's second factor: the reader's own would be asked for first.
    TOTPDevice.objects.create(
        user=UserFactory(username="someone"), name="phone", confirmed=True
    )
    api_key_create(
        name="statistics", role=Role.INTEGRATION, owner=user, scopes=[], known_scopes=[]
    )
    pks = {
        "indicators:import_detail": value_import.pk,
        "indicators:import_commit": value_import.pk,
        "indicators:value_submit": draft.pk,
        "initiatives:roadmap_import_detail": RoadmapImport.objects.get().pk,
        "councils:decision_new": item.pk,
        "councils:attachment_new": item.pk,
        "councils:attachment": attachment.pk,
        "councils:decision_amend": decision.pk,
        "councils:decision_plan": decision.pk,
        "councils:action_new": decision.pk,
        "councils:action_status": action.pk,
        "organisation": _organisation_pk(),
        "organisation_edit": _organisation_pk(),
        "person": user.pk,
        "person_roles": user.pk,
        "person_active": user.pk,
    }
    return {
        "user": user,
        "approver": approver,
        "goal": Goal.objects.order_by("order").first().code,
        "indicator": indicator.code,
        "initiative": initiative.code,
        "slug": council.slug,
        "meeting": meeting.pk,
        "snapshot": snapshot.pk,
        "pks": pks,
    }


def _organisation_pk() -> int:
    from core.models import Organisation

    return Organisation.objects.order_by("pk").first().pk


def _admin_arguments(name: str, keys: list[str], world: dict) -> dict:
    """An admin page's arguments: an existing row of its model (and, for a
    page of one historical version, that row's first history record)."""
    short = name.split(":", 1)[1]
    row = None
    for model in admin.site._registry:
        if short.startswith(f"{model._meta.app_label}_{model._meta.model_name}_"):
            row = model._default_manager.order_by("pk").first()
    values = {
        "object_id": str(row.pk) if row else "0",
        "pk": str(row.pk) if row else "0",
        "app_label": "core",
        "id": str(world["user"].pk),  # the user's password form
    }
    if row is None and ("object_id" in keys or "pk" in keys or "_0" in keys):
        return None  # no row: its add page shows the same labels
    if keys == ["_0", "_1"]:  # django-simple-history: one version of a row
        version = row.history.order_by("pk").first()
        return {"args": [row.pk, version.history_id if version else 0]}
    return {"kwargs": {key: values[key] for key in keys}}


def url_for(name: str, world: dict) -> str:
    keys = _pattern_kwargs(name)
    if name.startswith("admin:"):
        arguments = _admin_arguments(name, keys, world)
        return reverse(name, **arguments) if arguments is not None else None
    code = world["indicator"]
    if name.startswith("strategy:"):
        code = world["goal"]
    if name.startswith("initiatives:"):
        code = world["initiative"]
    values = {
        "code": code,
        "slug": world["slug"],
        "pk": world["pks"].get(name, world["meeting"]),
        "snapshot_pk": world["snapshot"],
    }
    return reverse(name, kwargs={key: values[key] for key in keys})


def client_for(name: str, world: dict) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    if name != "login":
        who = world["approver"] if name == "indicators:approvals" else world["user"]
        client.force_login(who)
    return client


SIGNED_IN_REDIRECTS = {"admin:login", "second_factor_verify"}
FRAGMENT_HEADERS = {"HTTP_HX_REQUEST": "true"}


def test_every_html_page_is_english(world):
    names = html_url_names()
    assert "admin:core_user_add" in names and "initiatives:roadmap" in names
    problems, not_html = [], []
    for name in names:
        url = url_for(name, world)
        if url is None:
            continue
        client = client_for(name, world)
        response = client.get(url)
        posted = response.status_code == 405  # an action that only takes POST
        if posted:
            response = client.post(url, {}, **FRAGMENT_HEADERS)
        if response.status_code in (301, 302):
            # An action answers with the page it redirects to, checked on its
            # own; so do the sign-in pages of someone signed in already.
            if not (posted or name in SIGNED_IN_REDIRECTS):
                problems.append(f"{name} {url}: redirects to {response['Location']}")
            continue
        # An admin add page refuses where rows are made elsewhere; it says so
        # in English too.
        refused = response.status_code == 403 and name.endswith("_add")
        # A form posted empty answers with its errors.
        refused = refused or (posted and response.status_code == 400)
        if response.status_code != 200 and not refused:
            problems.append(f"{name} {url}: status {response.status_code}")
        if not response.get("Content-Type", "").startswith("text/html"):
            not_html.append(f"{name}: {response.get('Content-Type')}")
            continue
        html = response.content.decode()
        assert '<html lang="en"' in html or "<html" not in html, name
        skipped = ADMIN_SKIPPED_TAGS if name.startswith("admin:") else SKIPPED_TAGS
        found = norwegian_text(html, skipped=skipped)
        problems += [f"{name} {url}: {text}" for text in found]
    assert not not_html, f"add these to NOT_HTML with a reason: {not_html}"
    assert not problems, "\n".join(sorted(set(problems)))


def test_dates_are_written_in_each_languages_form():
    from django.template import Context, Template

    template = Template('{{ day|date:"DATE_FORMAT" }}')
    day = dt.date(2025, 6, 30)
    with translation.override("en"):
        assert template.render(Context({"day": day})) == "30 June 2025"
    with translation.override("nb"):
        assert template.render(Context({"day": day})) == "30. juni 2025"
