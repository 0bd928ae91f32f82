"""The indicator page's numbers come from core.numbers, with units, in the
language's format: no "2899,900", "0,9500" or "-4,20" next to "−4,2"."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_strategy", verbosity=0)
    call_command("load_demo", verbosity=0)


def page(client, user, code: str) -> str:
    client.force_login(user)
    with translation.override("nb"):
        html = client.get(reverse("indicators:detail", args=[code])).content.decode()
    # The figures' JSON is data for the chart, not text people read.
    return re.sub(r"<script[^>]*>.*?</script>", "", html, flags=re.S)


def explainer(html: str) -> str:
    return html.split('id="status-explainer-title"', 1)[1].split("</section>", 1)[0]


def test_the_score_reads_the_same_in_the_header_and_the_explainer(
    demo, client, council_member
):
    html = page(client, council_member, "DEMO-M2-2")  # score −4,204…
    assert "−4,2" in html.split('id="progress-title"', 1)[1].split("<figure", 1)[0]
    assert "Skår −4,2 på en skala" in explainer(html)
    assert not re.search(r"-\d", explainer(html))  # no hyphen for a minus
    assert "4,20" not in html


def test_explainer_values_carry_their_unit_and_no_padding_zeros(
    demo, client, council_member
):
    html = page(client, council_member, "DEMO-M1-3")  # baseline 2 899,9 pasienter
    text = explainer(html)
    assert "2\xa0899,9 pasienter" in text
    assert "2899,900" not in html and "2\xa0899,900" not in html
    thresholds = re.findall(r"<td>(\d+,\d+)</td>", text)
    assert "0,95" in thresholds and "0,6" in thresholds
    assert not any(t.endswith("0") for t in thresholds)


def test_percentages_carry_the_percent_sign(demo, client, council_member):
    html = page(client, council_member, "DEMO-M4-1")
    assert "90,6\xa0%" in explainer(html) or "90,6 %" in explainer(html)
