from django.contrib.admin.options import BaseModelAdmin

from .codes import code_valid


class ReadOnlyAdminMixin:
    """Rows written only by services or computed: shown in the admin, never edited.

    The services hold the rules (revisions, four eyes, hashes); an admin form
    would bypass them.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CodeRuleAdminMixin(BaseModelAdmin):
    """The code rule (``core.codes``) on the admin form of a model whose
    ``code`` is part of page addresses (initiatives).

    An initiative code ``1A/1`` would make every page that links to it fail;
    the seed-loaded model field carries no validator, so the admin, the only
    form that edits it, checks it. (Goal and sub-goal codes have stricter
    patterns of their own; indicator codes the model's validator.)
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "code" and field is not None:
            field.validators.append(code_valid)
        return field
