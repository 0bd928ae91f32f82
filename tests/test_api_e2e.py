"""The API driven the way an integration drives it: plain HTTP to a live server.

Create keys, push a batch, re-push it after a "timeout", push a correction,
approve with another person's key, recompute progress, read it.
"""

import json
import urllib.error
import urllib.request
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.real_services


def create_key(*args: str) -> str:
    out = StringIO()
    call_command("create_api_key", *args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


class Api:
    def __init__(self, base: str, key: str):
        self.base, self.key = f"{base}/api/v1", key

    def call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        # The live server's own http:// URL, never a user-supplied one.
        request = urllib.request.Request(  # noqa: S310
            self.base + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Authorization": f"Token {self.key}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())


def test_integration_pushes_corrects_and_reads_progress(live_server, transactional_db):
    call_command("load_strategy", verbosity=0)
    secretariat = Api(
        live_server.url,
        create_key("--name", "sek", "--role", "Sekretariat", "--scope", "M1"),
    )
    ssb = Api(
        live_server.url,
        create_key("--name", "ssb", "--role", "Integrasjon", "--scope", "M1"),
    )
    approver = Api(
        live_server.url,
        create_key("--name", "godkj", "--role", "Godkjenner", "--scope", "M1"),
    )

    status, indicator = secretariat.call(
        "POST",
        "/indicators/",
        {
            "code": "E2E-1",
            "goal": "M1",
            "name": "Andel digitale konsultasjoner",
            "unit": "percent",
            "direction": "increase",
            "baseline_value": "20",
            "baseline_year": 2019,
            "target_value": "60",
            "frequency": "annual",
        },
    )
    assert status == 201, indicator

    batch = [
        {
            "indicator": "E2E-1",
            "period": str(year),
            "value": f"{20 + 4 * (year - 2019)}",
        }
        for year in range(2019, 2025)
    ]
    status, first = ssb.call("POST", "/values/bulk/", batch)
    assert status == 200, first
    assert first["created"] == 6

    status, again = ssb.call("POST", "/values/bulk/", batch)  # after a timeout
    assert status == 200 and again["unchanged"] == 6 and again["created"] == 0

    correction = [
        {"indicator": "E2E-1", "period": "2024", "value": "41,5", "comment": "SSB fix"}
    ]
    status, fixed = ssb.call("POST", "/values/bulk/", correction)
    assert status == 200 and fixed["items"][0]["outcome"] == "revised", fixed

    refs = [{"indicator": "E2E-1", "period": str(y)} for y in range(2019, 2025)]
    status, own = ssb.call("POST", "/values/approve/", {"items": refs})
    assert status == 403, own  # integrations do not approve
    status, decided = approver.call("POST", "/values/approve/", {"items": refs})
    assert status == 200 and decided["approved"] == 6, decided

    status, values = ssb.call("GET", "/indicators/E2E-1/values/?status=approved")
    assert status == 200 and values["count"] == 6
    assert values["results"][-1]["value"] == "41.5"
    assert values["results"][-1]["approved_by"] == "api:godkj"

    call_command("recompute_progress", "--indicator", "E2E-1", stdout=StringIO())
    status, progress = ssb.call("GET", "/indicators/E2E-1/progress/")
    assert status == 200, progress
    assert progress["indicator"] == "E2E-1"
    assert progress["status"] != "not_available"
    assert isinstance(progress["progress_value"], float)
    assert progress["components"]
