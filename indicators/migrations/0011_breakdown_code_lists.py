"""The built-in breakdown dimensions and their code lists (indicators.code_lists)."""

from django.db import migrations


def code_lists_create(apps, schema_editor):
    from indicators.code_lists import code_lists_load

    code_lists_load(
        apps.get_model("indicators", "BreakdownDimension"),
        apps.get_model("indicators", "BreakdownCategory"),
    )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0010_breakdowns")]

    # Backwards: 0010's tables go with their rows.
    operations = [migrations.RunPython(code_lists_create, migrations.RunPython.noop)]
