"""Office configuration screens: schemes, rulebooks and their parameters, editions, the working-day
calendar."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_audit import AuditedModelAdmin
from accounts.enums import AuditAction
from accounts.services import audit_record

from .models import (
    AwardItem,
    CalendarDay,
    CalendarYear,
    Edition,
    EligibilityRule,
    OfficeSetValue,
    Quota,
    Rulebook,
    Scheme,
    Stage,
)
from .services import edition_open

# The name of the rulebook form's field that says which new rulebook text a change of a text-given value comes
# from; the inlines read it from the same POST.
CHANGE_SOURCE = "change_source"


def _change_source(data) -> str:
    return (data.get(CHANGE_SOURCE) or "").strip()


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


class TextGivenInlineFormSet(BaseInlineFormSet):
    """Rows of a rulebook's values its text gives (quotas, eligibility years): adding, deleting or changing one on
    an existing rulebook needs the source of the change named on the rulebook form."""

    text_given: tuple[str, ...] = ()

    def _changes_text(self) -> bool:
        for form in self.forms:
            if form.instance.pk and self.can_delete and self._should_delete_form(form):
                return True
            if not form.has_changed():
                continue
            if not form.instance.pk or set(form.changed_data) & set(self.text_given):
                return True
        return False

    def clean(self) -> None:
        super().clean()
        if self.instance.pk and self._changes_text() and not _change_source(self.data):
            raise ValidationError(
                gettext(
                    "These rows hold values the rulebook's text gives: name the new rulebook text the change "
                    "comes from in “source of the change” below, or leave them as they are."
                )
            )


class QuotaFormSet(TextGivenInlineFormSet):
    text_given = ("scope", "tier", "max_count")


class EligibilityRuleFormSet(TextGivenInlineFormSet):
    text_given = ("category", "kind", "years", "inclusive")


class QuotaInline(admin.TabularInline):
    model = Quota
    formset = QuotaFormSet
    extra = 0


class EligibilityRuleInline(admin.TabularInline):
    model = EligibilityRule
    formset = EligibilityRuleFormSet
    extra = 0


class AwardItemInline(admin.TabularInline):
    model = AwardItem
    extra = 0


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    ordering = ("position",)


class RulebookAdminForm(forms.ModelForm):
    change_source = forms.CharField(
        label=_("source of the change"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text=_(
            "Required when you change a value the rulebook's text gives (validity, notice days, quotas, "
            "eligibility years, windows, the committee): the new rulebook text it comes from, with its document "
            "number. It is kept in the audit trail."
        ),
    )

    # No Meta: RulebookAdmin builds the form of Rulebook with the fields of its fieldsets.

    def text_given_changes(self) -> list[str]:
        return [name for name in self.changed_data if name in Rulebook.TEXT_GIVEN_FIELDS]

    def clean(self):
        cleaned = super().clean()
        changed = self.text_given_changes()
        if self.instance.pk and changed and not _change_source(cleaned):
            self.add_error(
                CHANGE_SOURCE,
                gettext(
                    "You changed %(fields)s, which the rulebook's text gives: name the new rulebook text the "
                    "change comes from."
                )
                % {"fields": get_text_list([str(self.fields[name].label) for name in changed], gettext("and"))},
            )
        return cleaned


@admin.register(Rulebook)
class RulebookAdmin(AuditedModelAdmin):
    form = RulebookAdminForm
    list_display = ("title", "document_number", "scheme", "valid_from", "valid_until", "notice_working_days")
    list_filter = ("scheme",)
    list_select_related = ("scheme",)
    search_fields = ("title", "document_number", "scheme__name")
    date_hierarchy = "valid_from"
    inlines = [QuotaInline, EligibilityRuleInline, StageInline, AwardItemInline]
    # Every field of the rulebook is on this screen (tests/awards/test_rulebook_admin.py checks it).
    fieldsets = (
        (None, {"fields": ("scheme", "title", "document_number", "issued_by", "source", "free_of_charge")}),
        (
            _("Validity and edition cycle"),
            {"fields": ("valid_from", "valid_until", "validity_article", "edition_article")},
        ),
        (
            _("Applications and recommendations"),
            {
                "fields": (
                    "application_notice_article",
                    ("application_window_from", "application_window_until", "application_window_article"),
                    ("submission_deadline", "submission_deadline_article"),
                    "recommender_level",
                    ("recommendation_quota", "recommendation_quota_article"),
                )
            },
        ),
        (_("Public notice"), {"fields": ("notice_working_days", "notice_article")}),
        (
            _("Review committee and groups"),
            {
                "fields": (
                    "committee_size_odd",
                    "committee_chairs",
                    ("committee_vice_chairs_min", "committee_vice_chairs_max"),
                    "committee_article",
                    ("plenary_quorum_numerator", "plenary_quorum_denominator"),
                    ("plenary_majority_numerator", "plenary_majority_denominator"),
                    "plenary_article",
                    "group_article",
                )
            },
        ),
        (_("Source of the change"), {"fields": (CHANGE_SOURCE,)}),
    )

    def get_fieldsets(self, request, obj=None):
        # A field added to Rulebook later is on the screen too, under "Other", until it is given its place above.
        fieldsets = list(super().get_fieldsets(request, obj))
        listed = set()
        for _name, options in fieldsets:
            for entry in options["fields"]:
                listed.update(entry if isinstance(entry, tuple) else (entry,))
        rest = [
            f.name
            for f in Rulebook._meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in listed
        ]
        if rest:
            fieldsets.insert(len(fieldsets) - 1, (_("Other"), {"fields": rest}))
        return fieldsets

    def save_model(self, request, obj, form, change):
        # As AuditedModelAdmin, with the source of the change in the audit row.
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        detail = "admin: " + ",".join(sorted(name for name in form.changed_data if name != CHANGE_SOURCE))
        source = _change_source(form.cleaned_data)
        if source:
            detail += f"; source: {source}"
        audit_record(
            action=AuditAction.UPDATE if change else AuditAction.CREATE, obj=obj, request=request, detail=detail
        )


@admin.register(OfficeSetValue)
class OfficeSetValueAdmin(admin.ModelAdmin):
    """Read-only: a value is confirmed on the office's page (awards:office_values), through the audited service."""

    list_display = ("rulebook", "label", "value", "silence", "confirmed_by", "confirmed_at")
    list_filter = ("rulebook__scheme",)
    list_select_related = ("rulebook", "confirmed_by")
    search_fields = ("label", "key", "rulebook__title")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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
