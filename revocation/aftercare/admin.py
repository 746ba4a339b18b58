"""Office configuration of the aftercare app: the rulebooks' supervision-group rules. Rounds, groups and events
are run from the portal's own pages, which go through the services; the admin only reads them."""

from django.contrib import admin

from .models import EvaluationRound, SharingEvent, StaffRemovalRule, SupervisionGroup, SupervisionRule


@admin.register(SupervisionRule)
class SupervisionRuleAdmin(admin.ModelAdmin):
    list_display = ("rulebook", "rotation_numerator", "rotation_denominator", "rotation_article", "misconduct_article")


@admin.register(StaffRemovalRule)
class StaffRemovalRuleAdmin(admin.ModelAdmin):
    list_display = ("rulebook", "body_kind", "body", "staff", "article")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(ReadOnlyAdmin):
    list_display = ("title", "scheme", "report_due", "launched_at")


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(ReadOnlyAdmin):
    list_display = ("edition", "confirmed_at", "dissolved_on")


@admin.register(SharingEvent)
class SharingEventAdmin(ReadOnlyAdmin):
    list_display = ("held_on", "title", "scheme", "place")
