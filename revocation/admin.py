"""Office configuration screens: each rulebook's grounds, who proposes and decides, and the spot-check rules. Cases
and spot checks are kept through the portal's own pages (their states change only through the services); the admin
shows them read-only."""

from django.contrib import admin

from accounts.admin_audit import AuditedModelAdmin

from .models import CaseTrigger, RevocationCase, RevocationGround, RevocationProcedure, SpotCheck


@admin.register(RevocationGround)
class RevocationGroundAdmin(AuditedModelAdmin):
    list_display = ("rulebook", "category", "citation", "text", "periodic_evaluation", "is_active")
    list_filter = ("rulebook__scheme", "category", "periodic_evaluation", "is_active")
    search_fields = ("text", "article")
    ordering = ("rulebook", "category", "article", "number")


@admin.register(RevocationProcedure)
class RevocationProcedureAdmin(AuditedModelAdmin):
    list_display = ("rulebook", "proposing_body", "deciding_body", "article")


@admin.register(CaseTrigger)
class CaseTriggerAdmin(AuditedModelAdmin):
    list_display = ("rulebook", "kind", "count", "window_years", "min_level", "article", "is_active")
    list_filter = ("rulebook__scheme", "kind", "is_active")
    autocomplete_fields = ("ground",)


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RevocationCase)
class RevocationCaseAdmin(_ReadOnlyAdmin):
    list_display = ("reference", "application", "source", "state", "ground", "decided_on", "decision_number")
    list_filter = ("state", "source", "application__edition__scheme")
    search_fields = ("reference", "decision_number")


@admin.register(SpotCheck)
class SpotCheckAdmin(_ReadOnlyAdmin):
    list_display = ("organisation", "checked_on", "authority", "level", "product", "result")
    list_filter = ("result", "level")
    search_fields = ("organisation__name", "product")
