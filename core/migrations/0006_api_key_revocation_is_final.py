"""Revoking an API key is final: the database refuses to clear or change
``revoked_at`` once it is set, whoever asks (the admin, a shell, a script).

A trigger, on PostgreSQL and on SQLite alike. SQLite drops a table's triggers
when Django rebuilds the table for a later schema change of ``core_apikey``;
``tests/test_api_keys.py`` tries to revive a key on every run, so such a
migration cannot go unnoticed (it must create the trigger again).
"""

from django.db import migrations

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION core_apikey_revocation_is_final() RETURNS trigger AS $$
BEGIN
    IF OLD.revoked_at IS NOT NULL
       AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
        RAISE EXCEPTION USING
            ERRCODE = 'integrity_constraint_violation',
            MESSAGE = 'apikey_revocation_is_final: API key ' || OLD.id
                || ' was revoked at ' || OLD.revoked_at;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""
POSTGRESQL_TRIGGER = """
CREATE TRIGGER apikey_revocation_is_final BEFORE UPDATE ON core_apikey
    FOR EACH ROW EXECUTE FUNCTION core_apikey_revocation_is_final()
"""
POSTGRESQL_REVERSE = (
    "DROP TRIGGER IF EXISTS apikey_revocation_is_final ON core_apikey",
    "DROP FUNCTION IF EXISTS core_apikey_revocation_is_final()",
)
SQLITE = """
CREATE TRIGGER apikey_revocation_is_final BEFORE UPDATE OF revoked_at ON core_apikey
FOR EACH ROW WHEN OLD.revoked_at IS NOT NULL
    AND (NEW.revoked_at IS NULL OR NEW.revoked_at <> OLD.revoked_at)
BEGIN
    SELECT RAISE(ABORT, 'apikey_revocation_is_final');
END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS apikey_revocation_is_final;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FUNCTION)
        schema_editor.execute(POSTGRESQL_TRIGGER)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRESQL_REVERSE:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_api_key_owner_expiry_rotation")]

    operations = [migrations.RunPython(forward, backward)]
