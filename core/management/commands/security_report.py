import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.security_report import report_lines, security_report


class Command(BaseCommand):
    help = (
        "Print the security report: lockout bursts, refused and revoked API key "
        "use, throttled failed authentication, cache outages, keys about to "
        "expire or without an owner. Exits 1 when something calls for a look."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=float, default=24.0, help="The period (default 24 h)."
        )

    def handle(self, *args, **options):
        if options["hours"] <= 0:
            raise CommandError("--hours must be positive.")
        until = timezone.now()
        report = security_report(
            since=until - dt.timedelta(hours=options["hours"]), until=until
        )
        self.stdout.write("\n".join(report_lines(report)))
        if report.alarming:
            raise SystemExit(1)
