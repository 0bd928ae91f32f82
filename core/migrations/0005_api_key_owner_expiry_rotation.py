"""API keys get an owner (a person), an expiry and rotation.

Keys made before get an expiry a year after they were made, but at least 30
days from now, so that integrations have time to be rotated; they have no
owner and are refused until an administrator names one.
"""

import datetime as dt

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def expiry_for_existing_keys(apps, schema_editor):
    ApiKey = apps.get_model("core", "ApiKey")
    soonest = timezone.now() + dt.timedelta(days=30)
    for key in ApiKey.objects.filter(expires_at__isnull=True):
        key.expires_at = max(key.created_at + dt.timedelta(days=365), soonest)
        key.save(update_fields=["expires_at"])


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_security_events'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='apikey',
            options={'ordering': ['name', '-created_at'], 'verbose_name': 'API key', 'verbose_name_plural': 'API keys'},
        ),
        migrations.AddField(
            model_name='apikey',
            name='expires_at',
            field=models.DateTimeField(null=True, verbose_name='expires at'),
        ),
        migrations.AddField(
            model_name='apikey',
            name='owner',
            field=models.ForeignKey(blank=True, help_text='The person answerable for the key.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='owned_api_keys', to=settings.AUTH_USER_MODEL, verbose_name='owner'),
        ),
        migrations.AddField(
            model_name='apikey',
            name='replaced_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='replaced at'),
        ),
        migrations.AddField(
            model_name='historicalapikey',
            name='expires_at',
            field=models.DateTimeField(null=True, verbose_name='expires at'),
        ),
        migrations.AddField(
            model_name='historicalapikey',
            name='owner',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The person answerable for the key.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner'),
        ),
        migrations.AddField(
            model_name='historicalapikey',
            name='replaced_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='replaced at'),
        ),
        migrations.AlterField(
            model_name='apikey',
            name='name',
            field=models.CharField(max_length=100, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='apikey',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='api_keys', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AlterField(
            model_name='historicalapikey',
            name='name',
            field=models.CharField(max_length=100, verbose_name='name'),
        ),
        migrations.RunPython(expiry_for_existing_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='apikey',
            name='expires_at',
            field=models.DateTimeField(verbose_name='expires at'),
        ),
        migrations.AlterField(
            model_name='historicalapikey',
            name='expires_at',
            field=models.DateTimeField(verbose_name='expires at'),
        ),
        migrations.AddConstraint(
            model_name='apikey',
            constraint=models.UniqueConstraint(condition=models.Q(('replaced_at__isnull', True)), fields=('name',), name='apikey_one_current_key_per_name'),
        ),
        migrations.AddConstraint(
            model_name='apikey',
            constraint=models.CheckConstraint(condition=models.Q(('owner', models.F('user')), _negated=True), name='apikey_owner_is_not_the_key_user'),
        ),
    ]
