from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from .admin_audit import AuditedModelAdmin
from .enums import AuditAction, Role
from .models import AuditEvent, District, Organisation, User
from .services import audit_record


class PortalUserChangeForm(UserChangeForm):
    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        names = {group.name for group in groups} if groups is not None else set()
        if {Role.AUDITOR.value, Role.SYSADMIN.value} <= names:
            raise forms.ValidationError(
                _("The auditor and the system administrator are separate roles; one person cannot hold both.")
            )
        return groups


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Only a superuser (set up outside the portal) may grant superuser status or single permissions; no one
    changes their own roles here; every change is audited."""

    form = PortalUserChangeForm
    list_display = ("username", "display_name", "organisation", "district", "is_active", "last_login")
    list_filter = ("groups", "is_active", "is_staff")
    search_fields = ("username", "display_name", "email", "organisation__name")
    list_select_related = ("organisation", "district")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Portal"), {"fields": ("display_name", "phone", "organisation", "district")}),
    )
    autocomplete_fields = ("organisation", "district")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj)) + ["last_login", "date_joined"]
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
            if obj is not None and obj.pk == request.user.pk:
                fields += ["groups", "is_staff", "is_active"]
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._changed = sorted(form.changed_data)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        roles = ",".join(sorted(form.instance.groups.values_list("name", flat=True)))
        audit_record(
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            obj=form.instance,
            request=request,
            detail=f"fields: {','.join(getattr(self, '_changed', []))}; roles: {roles}",
        )


@admin.register(District)
class DistrictAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "level", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("parent",)


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
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
