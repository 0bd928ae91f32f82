from django.db import migrations

# Frozen here on purpose: a migration must not import code that may change.
ROLE_NAMES = ["Rådsmedlem", "Sekretariat", "Godkjenner", "Integrasjon", "Administrator"]


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
