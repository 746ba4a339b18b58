"""Office configuration screens: schemes, rulebooks and their parameters, editions, the working-day
calendar."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_audit import AuditedModelAdmin

from .models import CalendarDay, CalendarYear, Edition, EligibilityRule, Quota, Rulebook, Scheme, Stage
from .services import edition_open


class RulebookListInline(admin.TabularInline):
    """The scheme's rulebooks as a list of links; each is edited on its own screen with its inlines."""

    model = Rulebook
    fields = ("title", "document_number", "valid_from", "valid_until")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False
    verbose_name_plural = _("rulebooks (open one to edit it)")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Scheme)
class SchemeAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "level", "edition_cycle", "is_active", "rulebook_link")
    list_filter = ("level", "is_active")
    search_fields = ("name", "short_name", "code")
    inlines = [RulebookListInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(rulebook_count=Count("rulebooks"))

    @admin.display(description=_("rulebooks"), ordering="rulebook_count")
    def rulebook_link(self, obj: Scheme) -> str:
        url = reverse("admin:awards_rulebook_changelist") + f"?scheme__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.rulebook_count)


class QuotaInline(admin.TabularInline):
    model = Quota
    extra = 0


class EligibilityRuleInline(admin.TabularInline):
    model = EligibilityRule
    extra = 0


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    ordering = ("position",)


@admin.register(Rulebook)
class RulebookAdmin(AuditedModelAdmin):
    list_display = ("title", "document_number", "scheme", "valid_from", "valid_until", "notice_working_days")
    list_filter = ("scheme",)
    list_select_related = ("scheme",)
    search_fields = ("title", "document_number", "scheme__name")
    date_hierarchy = "valid_from"
    inlines = [QuotaInline, EligibilityRuleInline, StageInline]


@admin.register(Edition)
class EditionAdmin(AuditedModelAdmin):
    # The status changes only through the services (open / close), never by editing the field.
    list_display = ("title", "scheme", "status", "window", "recommendation_deadline", "rulebook")
    list_filter = ("status", "scheme")
    list_select_related = ("scheme", "rulebook")
    search_fields = ("title", "scheme__name")
    readonly_fields = ("status", "created_at")
    actions = ["open_for_applications"]
    # The ModelForm runs Edition.full_clean(), so Edition.clean() refuses a window outside the rulebook's
    # force and puts the reasons on the rulebook field.

    @admin.display(description=_("application window"), ordering="application_opens")
    def window(self, obj: Edition) -> str:
        return f"{obj.application_opens.isoformat()} – {obj.application_closes.isoformat()}"

    @admin.action(description=_("Open for applications"), permissions=["change"])
    def open_for_applications(self, request, queryset) -> None:
        opened = 0
        for edition in queryset.select_related("scheme"):
            try:
                edition_open(edition=edition, by=request.user)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
                return
            except ValidationError as exc:
                messages.error(
                    request,
                    gettext("“%(edition)s” was not opened: %(reasons)s")
                    % {"edition": edition, "reasons": " ".join(exc.messages)},
                )
            else:
                opened += 1
        if opened:
            messages.success(
                request,
                ngettext(
                    "%(count)d edition opened for applications.",
                    "%(count)d editions opened for applications.",
                    opened,
                )
                % {"count": opened},
            )


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedModelAdmin):
    list_display = ("year", "complete", "source")
    list_filter = ("complete",)


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)
