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
