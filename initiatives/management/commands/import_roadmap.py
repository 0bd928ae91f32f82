from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from initiatives.roadmap import RoadmapFileError, decode_roadmap
from initiatives.services import RoadmapImportResult, roadmap_import


class Command(BaseCommand):
    help = (
        "Import a roadmap delivery list (semicolon-separated CSV) as a version. "
        "All or nothing; matched by delivery ID; safe to run again."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version names the roadmap version here, not Django's version.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="The roadmap CSV file.")
        parser.add_argument(
            "--version", required=True, help="The roadmap version, e.g. 2026-08."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show the changes without writing anything.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            content = decode_roadmap(path.read_bytes())
            result = roadmap_import(
                content=content,
                version=options["version"],
                file_name=path.name,
                dry_run=options["dry_run"],
            )
        except OSError as exc:
            raise CommandError(f"Nothing was imported. {exc}") from None
        except RoadmapFileError as exc:
            raise CommandError(f"Nothing was imported.\n{exc}") from None
        self._report(result, dry_run=options["dry_run"])

    def _report(self, result: RoadmapImportResult, *, dry_run: bool) -> None:
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
        for change in result.changes:
            line = f"{change.kind:9} {change.roadmap_id} {change.name}"
            if change.field:
                line += f": {change.field} {change.old!r} -> {change.new!r}"
            self.stdout.write(line)
        counts = result.counts
        summary = (
            f"Version {result.version}: {result.delivery_count} deliveries in the "
            f"file; {counts['added']} added, {counts['changed']} changed, "
            f"{counts['removed']} removed, {counts['restored']} restored."
        )
        if dry_run:
            self.stdout.write(f"{summary} Dry run: nothing was written.")
        elif result.roadmap_import is None:
            self.stdout.write(f"{summary} Nothing to change.")
        else:
            self.stdout.write(self.style.SUCCESS(f"{summary} Imported."))
