"""Office configuration screens for reviews: the expert pool, credit records, declared ties and score sheets."""

from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .bodies import body_composition_problems, body_confirm
from .models import (
    ExpertCreditRecord,
    ExpertProfile,
    ExpertTie,
    ReviewBody,
    ReviewBodyMember,
    ScoreItem,
    ScoreSheetTemplate,
)


class ScoreItemInline(admin.TabularInline):
    model = ScoreItem
    fields = ("position", "code", "label", "points", "parent")
    ordering = ("position",)
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "parent" and field is not None:
            # A parent is a category of the same sheet. The choices are read once here rather than by every
            # row's select.
            object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            field.queryset = field.queryset.filter(template_id=object_id, parent__isnull=True).order_by("position")
            field.choices = list(field.choices)
        return field


@admin.register(ScoreSheetTemplate)
class ScoreSheetTemplateAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "criteria_edition", "total_points", "items_sum", "verified")
    list_filter = ("kind", "category", "verified")
    search_fields = ("code", "name", "criteria_edition")
    inlines = [ScoreItemInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(top_level_sum=Sum("items__points", filter=Q(items__parent__isnull=True)))
        )

    @admin.display(description=_("sum of items"), ordering="top_level_sum")
    def items_sum(self, obj: ScoreSheetTemplate) -> str:
        total = obj.top_level_sum or Decimal(0)
        shown = total.quantize(Decimal(1)) if total == total.to_integral_value() else total
        if total == obj.total_points:
            return str(shown)
        return format_html('<strong style="color:#ba2121">{} ≠ {}</strong>', shown, obj.total_points)


class _KeptInThePortal:
    """The expert pool is kept in the portal, not here: creating an expert (account, role, profile), changing a
    profile, deactivating, the credit record and the ties all go through reviews.services on the office's pages
    (reviews:experts), which give the role and write the audit rows. The admin shows these rows read-only, with
    a link to the portal page, so no second way of writing them exists (and no picker of every account)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        self.message_user(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("Experts are added, changed and deactivated in the portal."),
                reverse("reviews:experts"),
                _("Open the expert pool"),
            ),
            messages.INFO,
        )
        return super().changelist_view(request, extra_context)


def _portal_link(expert_id: int) -> str:
    return format_html(
        '<a href="{}">{}</a>', reverse("reviews:expert_detail", kwargs={"pk": expert_id}), _("open in the portal")
    )


@admin.register(ExpertProfile)
class ExpertProfileAdmin(_KeptInThePortal, admin.ModelAdmin):
    list_display = ("full_name", "employer_name", "district", "available", "deactivated_at", "max_load", "portal")
    list_filter = ("available",)
    search_fields = ("full_name", "employer_name", "user__username")
    list_select_related = ("district", "district__parent")
    exclude = ("user",)  # shown as text (readonly), never as a picker of every account

    @admin.display(description=_("portal"))
    def portal(self, obj: ExpertProfile) -> str:
        return _portal_link(obj.pk)


@admin.register(ExpertCreditRecord)
class ExpertCreditRecordAdmin(_KeptInThePortal, admin.ModelAdmin):
    """Append-only: a record is added on the expert's portal page (reviews.services.expert_credit_record_add,
    which also bars the expert for a removal for misconduct), never changed or deleted."""

    list_display = ("recorded_at", "expert", "kind", "article", "recorded_by", "portal")
    list_filter = ("kind",)
    search_fields = ("expert__full_name", "article", "note")
    list_select_related = ("expert", "recorded_by")
    fields = ("expert", "kind", "article", "note", "recorded_by", "recorded_at")

    @admin.display(description=_("portal"))
    def portal(self, obj: ExpertCreditRecord) -> str:
        return _portal_link(obj.expert_id)


@admin.register(ExpertTie)
class ExpertTieAdmin(_KeptInThePortal, admin.ModelAdmin):
    list_display = ("expert", "organisation", "kind", "since", "until", "portal")
    list_filter = ("kind",)
    search_fields = ("expert__full_name", "organisation__name")
    list_select_related = ("expert", "organisation")

    @admin.display(description=_("portal"))
    def portal(self, obj: ExpertTie) -> str:
        return _portal_link(obj.expert_id)


class ReviewBodyMemberInline(admin.TabularInline):
    """Read-only once the body is confirmed: a change goes through reviews.bodies, which withdraws the
    confirmation and audits it."""

    model = ReviewBodyMember
    fields = ("expert", "role")
    autocomplete_fields = ("expert",)
    extra = 0

    def _editable(self, obj) -> bool:
        return obj is None or obj.confirmed_at is None

    def has_add_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(ReviewBody)
class ReviewBodyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "edition", "field", "confirmed_at", "composition")
    list_filter = ("kind", "edition__scheme")
    search_fields = ("name", "field", "edition__title")
    list_select_related = ("edition", "edition__scheme", "edition__rulebook")
    fields = ("edition", "kind", "name", "field", "confirmed_at", "confirmed_by")
    readonly_fields = ("confirmed_at", "confirmed_by")
    inlines = [ReviewBodyMemberInline]
    actions = ["confirm"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("members__expert")

    @admin.display(description=_("composition"))
    def composition(self, obj: ReviewBody) -> str:
        problems = body_composition_problems(obj)
        if not problems:
            return "✓"
        return format_html('<span style="color:#ba2121">{}</span>', " ".join(problems))

    @admin.action(description=_("Confirm the composition of the selected review bodies"))
    def confirm(self, request, queryset):
        for body in queryset:
            try:
                body_confirm(body=body, by=request.user, request=request)
            except ValidationError as error:
                self.message_user(request, f"{body.name}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("%(body)s confirmed.") % {"body": body.name}, messages.SUCCESS)


class RulebookScoreSheetInline(admin.TabularInline):
    """On the rulebook screen: the score sheets the rulebook's scored stages may use (a stage of an edition
    of another rulebook cannot choose them; see reviews.stages)."""

    model = ScoreSheetTemplate.rulebooks.through
    extra = 0
    verbose_name = _("score sheet the rulebook uses")
    verbose_name_plural = _("score sheets the rulebook uses")


def _add_score_sheets_to_the_rulebook_screen() -> None:
    from awards.models import Rulebook

    rulebook_admin = admin.site._registry.get(Rulebook)
    if rulebook_admin is not None and RulebookScoreSheetInline not in rulebook_admin.inlines:
        rulebook_admin.inlines = [*rulebook_admin.inlines, RulebookScoreSheetInline]


_add_score_sheets_to_the_rulebook_screen()
