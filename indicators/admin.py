from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_mixins import ReadOnlyAdminMixin
from core.models import ApiKey
from core.services import (
    ApiKeyError,
    api_key_owner_valid,
    api_key_revoke,
    api_key_scopes_check,
)

from .models import (
    Indicator,
    IndicatorTargetChange,
    IndicatorValue,
    ProgressSnapshot,
    ValueImport,
)
from .selectors import scope_codes


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = (
        "code",
        "name_nb",
        "goal",
        "direction",
        "unit",
        "frequency",
        "is_demo",
    )
    list_filter = ("goal", "direction", "frequency", "is_demo")
    search_fields = ("code", "name_nb", "name_en")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "indicator",
        "period_label",
        "value",
        "status",
        "source",
        "entered_by",
        "entered_at",
        "approved_by",
    )
    list_filter = ("status", "source", "indicator__goal", "indicator__is_demo")
    search_fields = ("indicator__code",)
    list_select_related = ("indicator", "entered_by", "approved_by")


@admin.register(ProgressSnapshot)
class ProgressSnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("indicator", "as_of", "status", "score", "method", "computed_at")
    list_filter = ("status", "method")
    list_select_related = ("indicator",)


@admin.register(IndicatorTargetChange)
class IndicatorTargetChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("indicator", "effective_from", "changed_by", "changed_at")
    list_select_related = ("indicator", "changed_by")


@admin.register(ValueImport)
class ValueImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("filename", "status", "total_rows", "created_by", "created_at")
    list_select_related = ("created_by",)
    exclude = ("content", "report")


class ApiKeyForm(forms.ModelForm):
    """Scopes must name goals and indicators that exist, as everywhere they are
    set; an owner must be an active person, not a key."""

    class Meta:
        model = ApiKey
        fields = ["scopes", "owner"]

    def clean_scopes(self):
        scopes = self.cleaned_data["scopes"]
        codes = scopes if isinstance(scopes, list) else []
        known = scope_codes(among=[c for c in codes if isinstance(c, str)])
        try:
            return api_key_scopes_check(scopes, known)
        except ApiKeyError as exc:
            raise forms.ValidationError(str(exc), code="scopes") from exc

    def clean_owner(self):
        owner = self.cleaned_data.get("owner")
        if problem := api_key_owner_valid(owner):
            raise forms.ValidationError(problem, code="owner")
        return owner


# Here, not in core: the scopes are the indicators app's codes.
@admin.register(ApiKey)
class ApiKeyAdmin(SimpleHistoryAdmin):
    """Keys are made and rotated with ``manage.py create_api_key`` and
    ``rotate_api_key`` (which show the key once); here an administrator reads
    them, narrows their scopes, names the owner of a key made before keys had
    owners, and revokes them, for good."""

    form = ApiKeyForm
    list_display = (
        "name",
        "prefix",
        "owner",
        "created_at",
        "expires_at",
        "last_used_at",
        "replaced_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    list_select_related = ("owner",)
    search_fields = ("name", "prefix", "owner__username")
    readonly_fields = (
        "name",
        "prefix",
        "key_hash",
        "user",
        "created_at",
        "expires_at",
        "replaced_at",
        "revoked_at",
        "last_used_at",
    )
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # An owner, once named, is for good: four eyes relies on it.
        if obj is not None and obj.owner_id is not None:
            return (*self.readonly_fields, "owner")
        return self.readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the key's history stays

    @admin.action(description=_("Revoke the chosen keys (for good)"))
    def revoke(self, request, queryset):
        names = sorted(set(queryset.values_list("name", flat=True)))
        for name in names:
            api_key_revoke(name=name)
        self.message_user(
            request,
            _("Revoked: %(names)s.") % {"names": ", ".join(names)},
            messages.SUCCESS,
        )
