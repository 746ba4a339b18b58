from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, District, Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "organisation", "district", "is_active", "last_login")
    list_filter = ("groups", "is_active", "is_staff")
    search_fields = ("username", "display_name", "email", "organisation__name")
    list_select_related = ("organisation", "district")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Portal"), {"fields": ("display_name", "phone", "organisation", "district")}),
    )
    autocomplete_fields = ("organisation", "district")


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("parent",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "kind", "district")
    list_filter = ("kind",)
    search_fields = ("name", "credit_code")
    list_select_related = ("district", "district__parent")
    autocomplete_fields = ("district",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for everyone: the audit trail is append-only."""

    list_display = (
        "occurred_at",
        "actor_username",
        "action",
        "result",
        "object_type",
        "object_id",
        "ip_address",
    )
    list_filter = ("action", "result")
    search_fields = ("actor_username", "object_repr", "detail")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        from .rules import can_read_audit_log

        return can_read_audit_log(request.user)
