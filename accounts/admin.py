from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .admin_audit import AuditedModelAdmin
from .enums import AuditAction, Role
from .models import AuditEvent, Department, District, Organisation, User, role_label
from .rules import role_change_problems
from .services import audit_record


class PortalUserChangeForm(UserChangeForm):
    # Set by UserAdmin.get_form: who is making the change (the role rules depend on it).
    changed_by = None

    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        if groups is None:  # read-only for this user: nothing changes
            return groups
        new = {group.name for group in groups}
        old = set(self.instance.groups.values_list("name", flat=True)) if self.instance.pk else set()
        problems = role_change_problems(by=self.changed_by, user=self.instance, old=old, new=new)
        if problems:
            raise forms.ValidationError(problems)
        return groups


class RoleFilter(admin.SimpleListFilter):
    """The user list filtered by role, named as the roles are (not by their group codes)."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value() in Role.values:
            return queryset.filter(groups__name=self.value())
        return queryset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Only a superuser (set up outside the portal) may grant superuser status or single permissions; no one
    changes their own roles here; every change is audited."""

    form = PortalUserChangeForm
    list_display = ("username", "display_name", "organisation", "district", "is_active", "last_login")
    list_filter = (RoleFilter, "is_active", "is_staff")
    search_fields = ("username", "display_name", "email", "organisation__name")
    list_select_related = ("organisation", "district")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Portal"), {"fields": ("display_name", "phone", "organisation", "district", "department", "agency")}),
    )
    autocomplete_fields = ("organisation", "district", "agency")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.changed_by = request.user
        return form

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and field is not None:
            field.label_from_instance = lambda group: role_label(group.name)
            field.label = _("Roles")
        return field

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


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(BaseGroupAdmin):
    """The role groups, listed by the role's name; their permissions are kept by accounts.roles (roles_sync)."""

    list_display = ("role", "name")

    @admin.display(description=_("role"), ordering="name")
    def role(self, group):
        return role_label(group.name)


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ("name", "region", "is_active")
    list_filter = ("is_active", "region")
    search_fields = ("name",)
    list_select_related = ("region",)


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
