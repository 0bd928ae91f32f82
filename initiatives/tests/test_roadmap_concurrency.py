"""Two roadmap imports at once, against PostgreSQL: one imports, one finds it done."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.core.management import call_command
from django.db import connection

from initiatives.models import Delivery, DeliveryChange, RoadmapImport
from initiatives.services import roadmap_import

pytestmark = pytest.mark.real_services


def test_two_imports_of_the_same_file_at_once_import_it_once(
    transactional_db, roadmap_text
):
    assert connection.vendor == "postgresql"
    call_command("load_strategy", verbosity=0)
    start = Barrier(2)

    def job():
        try:
            start.wait(timeout=10)
            return roadmap_import(content=roadmap_text, version="2026-08")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(job) for _ in range(2)]
        results = [future.result(timeout=60) for future in futures]

    assert sorted(r.roadmap_import is None for r in results) == [False, True]
    assert Delivery.objects.count() == 263
    assert RoadmapImport.objects.count() == 1
    assert DeliveryChange.objects.count() == 263
