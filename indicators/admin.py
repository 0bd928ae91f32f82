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
    BreakdownCategory,
    BreakdownDimension,
    Indicator,
    IndicatorTargetChange,
    IndicatorValue,
    ProgressSnapshot,
    SeriesSnapshot,
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


@admin.register(SeriesSnapshot)
class SeriesSnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("indicator", "breakdown", "as_of", "status", "score")
    list_filter = ("status",)
    search_fields = ("indicator__code", "breakdown")
    list_select_related = ("indicator",)


class BreakdownCategoryInline(admin.TabularInline):
    model = BreakdownCategory
    fk_name = "dimension"
    fields = ("code", "name_nb", "name_en", "order")
    extra = 3
    show_change_link = False

    def get_queryset(self, request):
        # The region list has 376 codes: shown and kept in its own page.
        return super().get_queryset(request).filter(dimension__is_builtin=False)


@admin.register(BreakdownDimension)
class BreakdownDimensionAdmin(admin.ModelAdmin):
    """Dimensions the secretariat defines, with their code lists; the built-in
    ones (region, sector) come from indicators/code_lists.py and are read-only
    here."""

    list_display = ("code", "name_nb", "name_en", "is_builtin")
    fields = ("code", "name_nb", "name_en", "order")
    inlines = [BreakdownCategoryInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_builtin:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_builtin or obj.indicators.exists()):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(BreakdownCategory)
class BreakdownCategoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("dimension", "code", "name_nb", "level", "parent")
    list_filter = ("dimension", "level")
    search_fields = ("code", "name_nb", "name_en")
    list_select_related = ("dimension", "parent")


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
