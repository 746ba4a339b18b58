"""Configuration changes made in the admin go into the audit trail as well as Django's own admin log:
an office lowering a quota or a threshold in the middle of an edition must leave a trace for the auditor."""

from django.contrib import admin

from .enums import AuditAction
from .services import audit_record


class AuditedModelAdmin(admin.ModelAdmin):
    """Writes an audit row for every add, change and delete made through this screen and its inlines."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            obj=obj,
            request=request,
            detail="admin: " + ",".join(sorted(form.changed_data)),
        )

    def delete_model(self, request, obj):
        audit_record(action=AuditAction.DELETE, obj=obj, request=request, detail="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(action=AuditAction.DELETE, obj=obj, request=request, detail="admin")
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        deleted = [obj for obj in getattr(formset, "deleted_forms", []) if obj.instance.pk]
        for inline_form in deleted:
            audit_record(action=AuditAction.DELETE, obj=inline_form.instance, request=request, detail="admin inline")
        super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            if inline_form in getattr(formset, "deleted_forms", []) or not inline_form.has_changed():
                continue
            if inline_form.instance.pk:
                audit_record(
                    action=AuditAction.UPDATE if inline_form.initial else AuditAction.CREATE,
                    obj=inline_form.instance,
                    request=request,
                    detail="admin inline: " + ",".join(sorted(inline_form.changed_data)),
                )
