"""Read-only screens of applications for the office and the auditor. Every change goes through the services
(and the FSM field is protected), so nothing here adds, changes or deletes."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Application,
    ApplicationFile,
    ApplicationTransition,
    CityProposal,
    CitySubmission,
    IndividualProfile,
    Recommendation,
    RecommendingBody,
    RequiredMaterial,
    UnitProfile,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TransitionInline(ReadOnlyInline):
    model = ApplicationTransition
    fields = ("occurred_at", "from_state", "to_state", "stage", "actor", "comment")
    readonly_fields = fields
    show_change_link = False


class FileInline(ReadOnlyInline):
    model = ApplicationFile
    fields = ("kind", "name", "size", "sha256", "content_type", "uploaded_by", "uploaded_at", "superseded_at")
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("number", "applicant", "edition", "category", "recommender", "state", "submitted_at")
    list_filter = ("state", "category", "edition__scheme", "edition")
    search_fields = ("number", "organisation__name", "organisation__credit_code", "individual__full_name")
    list_select_related = (
        "edition",
        "edition__scheme",
        "organisation",
        "individual",
        "recommender",
        "recommender__parent",
    )
    date_hierarchy = "created_at"
    inlines = [FileInline, TransitionInline]

    @admin.display(description=_("applicant"))
    def applicant(self, obj: Application) -> str:
        return obj.applicant_name


@admin.register(ApplicationFile)
class ApplicationFileAdmin(ReadOnlyAdmin):
    list_display = ("name", "application", "kind", "size", "uploaded_by", "uploaded_at", "superseded_at")
    list_filter = ("kind",)
    search_fields = ("name", "sha256", "application__number")
    list_select_related = ("application", "application__organisation", "application__individual", "uploaded_by")
    exclude = ("file",)  # downloaded through the portal's checked view, never from a media URL


@admin.register(ApplicationTransition)
class ApplicationTransitionAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "application", "from_state", "to_state", "stage", "actor")
    list_filter = ("to_state",)
    search_fields = ("application__number", "comment")
    list_select_related = (
        "application",
        "application__organisation",
        "application__individual",
        "stage",
        "actor",
    )
    date_hierarchy = "occurred_at"


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ("application", "district", "decision", "signed_by", "signed_at")
    list_filter = ("decision",)
    search_fields = ("application__number", "opinion")
    list_select_related = (
        "application",
        "application__organisation",
        "application__individual",
        "district",
        "district__parent",
        "signed_by",
    )


@admin.register(UnitProfile)
class UnitProfileAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "industry", "operating_since", "four_new_field", "independent_legal_person")
    list_filter = ("four_new_field", "independent_legal_person")
    search_fields = ("organisation__name", "organisation__credit_code", "industry")
    list_select_related = ("organisation",)


@admin.register(IndividualProfile)
class IndividualProfileAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "employer_name", "district", "quality_work_since", "id_number_masked")
    search_fields = ("full_name", "employer_name")
    list_select_related = ("district", "district__parent")
    exclude = ("id_number_digest",)


# Rule data the office configures: the materials each rulebook requires and its recommending bodies.


@admin.register(RequiredMaterial)
class RequiredMaterialAdmin(admin.ModelAdmin):
    list_display = ("rulebook", "category", "kind", "label", "article", "position")
    list_filter = ("rulebook__scheme", "kind")
    list_select_related = ("rulebook",)


@admin.register(RecommendingBody)
class RecommendingBodyAdmin(admin.ModelAdmin):
    list_display = ("rulebook", "kind", "name", "district", "level", "quota", "article", "towards")
    list_filter = ("rulebook__scheme", "kind")
    list_select_related = ("rulebook", "district", "towards")


@admin.register(CityProposal)
class CityProposalAdmin(ReadOnlyAdmin):
    list_display = ("application", "city", "body", "proposed_by", "proposed_at")
    list_select_related = ("application", "city", "body", "proposed_by")


@admin.register(CitySubmission)
class CitySubmissionAdmin(ReadOnlyAdmin):
    list_display = ("edition", "district", "letter_name", "submitted_by", "submitted_at")
    list_select_related = ("edition", "district", "submitted_by")
