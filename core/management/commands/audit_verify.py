from django.core.management.base import BaseCommand

from core.audit_chain import audit_verify


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chains (every history row and security "
        "event sealed so far) against the tables; report each chain's first "
        "broken link. Exits 1 when a chain is broken."
    )

    def handle(self, *args, **options):
        broken = False
        for state in audit_verify():
            if state.broken:
                broken = True
                self.stdout.write(f"BROKEN {state.name}: {state.broken}")
            else:
                self.stdout.write(
                    f"ok     {state.name}: {state.sealed} rows sealed and intact, "
                    f"{state.unsealed} not sealed yet"
                )
        if broken:
            raise SystemExit(1)
