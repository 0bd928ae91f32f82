"""The organisations ``load_strategy`` seeds from the strategy's sources."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from core.models import Organisation
from strategy.seed import (
    DEFAULT_ORGANISATIONS_PATH,
    SeedError,
    read_organisations,
)

pytestmark = pytest.mark.django_db


def test_a_fresh_install_has_the_organisations_of_the_strategys_sources(
    real_strategy,
):
    names = set(Organisation.objects.values_list("name", flat=True))
    assert {
        "Helsedirektoratet",
        "Helse Sør-Øst RHF",
        "Helse Vest RHF",
        "Helse Midt-Norge RHF",
        "Helse Nord RHF",
        "KS (Kommunesektorens organisasjon)",
        "Norsk helsenett SF",
        "Folkehelseinstituttet",
    } <= names
    assert not Organisation.objects.filter(source="").exists()


def test_each_seeded_organisation_is_named_in_the_local_copy_of_its_source():
    raw = json.loads(DEFAULT_ORGANISATIONS_PATH.read_text(encoding="utf-8"))
    copies = {
        "strategy-seed.json": DEFAULT_ORGANISATIONS_PATH.with_name(
            "strategy-seed.json"
        ),
        "roadmap-deliveries-2026-08.csv": Path(settings.BASE_DIR)
        / "initiatives/data/roadmap-deliveries-2026-08.csv",
    }
    for item in raw["organisations"]:
        text = copies[item["found_in"]].read_text(encoding="utf-8")
        assert item["named_as"] in text, item["name"]
    assert len(read_organisations()) == len(raw["organisations"])


def test_reloading_keeps_what_an_administrator_edited(real_strategy):
    hdir = Organisation.objects.get(name="Helsedirektoratet")
    hdir.short_name = "HDIR"
    hdir.contact_emails = ["post@helsedir.no"]
    hdir.save()
    call_command("load_strategy", verbosity=0)
    hdir.refresh_from_db()
    assert (hdir.short_name, hdir.contact_emails) == ("HDIR", ["post@helsedir.no"])


def test_a_broken_organisations_file_is_refused(tmp_path):
    path = tmp_path / "organisations.json"
    path.write_text('{"organisations": [{"name": "X"}]}', encoding="utf-8")
    with pytest.raises(SeedError, match="source"):
        read_organisations(path)
