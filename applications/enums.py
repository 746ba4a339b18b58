from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationState(models.TextChoices):
    """Every state of the one lifecycle (see applications.models.Application for the transitions).

    Review and decision stages that differ per scheme are not states of their own: an application IN_REVIEW or
    a CANDIDATE carries `current_stage`, a step of its rulebook's pipeline data.
    """

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting recommendation")
    RETURNED = "returned", _("Returned for correction")
    RECOMMENDED = "recommended", _("Recommended")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")
    IN_REVIEW = "in_review", _("Under review")
    DISQUALIFIED = "disqualified", _("Disqualified")
    CANDIDATE = "candidate", _("Candidate")
    IN_NOTICE = "in_notice", _("In public notice")
    NOT_SELECTED = "not_selected", _("Not selected")
    APPROVED = "approved", _("Approved")
    AWARDED = "awarded", _("Awarded")
    REVOKED = "revoked", _("Revoked")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = ApplicationState

# The applicant may change the form and its files only in these states.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
# States that end an application; any other state is "live" (one live application per applicant and edition).
CLOSED_STATES = frozenset({S.NOT_RECOMMENDED, S.DISQUALIFIED, S.NOT_SELECTED, S.WITHDRAWN, S.REVOKED})
LIVE_STATES = frozenset(set(S) - CLOSED_STATES)
# States a coordinator acts on, and states the coordinator may still see once they are past the district.
AWAITING_RECOMMENDATION = frozenset({S.SUBMITTED})
VISIBLE_TO_COORDINATOR = frozenset(set(S) - {S.DRAFT})
# The applicant may withdraw until the office takes over.
WITHDRAWABLE_STATES = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED})
# States in which the award is held (checked by the eligibility engine for re-application rules).
HELD_STATES = frozenset({S.AWARDED})


class FileKind(models.TextChoices):
    APPLICATION_FORM = "application_form", _("Signed application form")
    SELF_EVALUATION = "self_evaluation", _("Self-evaluation report")
    EVIDENCE = "evidence", _("Supporting evidence")
    RECOMMENDATION_LETTER = "recommendation_letter", _("Recommendation letter")


APPLICANT_FILE_KINDS = (FileKind.APPLICATION_FORM, FileKind.SELF_EVALUATION, FileKind.EVIDENCE)


class MaterialKind(models.TextChoices):
    """A piece of the application a rulebook requires (applications.RequiredMaterial): the online form, or a kind
    of file the applicant uploads (the values of the applicant's FileKinds)."""

    ONLINE_FORM = "online_form", _("Online application form")
    APPLICATION_FORM = FileKind.APPLICATION_FORM.value, FileKind.APPLICATION_FORM.label
    SELF_EVALUATION = FileKind.SELF_EVALUATION.value, FileKind.SELF_EVALUATION.label
    EVIDENCE = FileKind.EVIDENCE.value, FileKind.EVIDENCE.label


class RecommendingBodyKind(models.TextChoices):
    """Who recommends under a rulebook (applications.RecommendingBody)."""

    PROVINCE_DEPARTMENT = "province_department", _("Provincial industry department")
    INDUSTRY_ASSOCIATION = "industry_association", _("National industry association")
    # A provincial pre-selection before the province recommends nationally (Shandong 2021 notice 二（一）).
    CITY_PROPOSAL = "city_proposal", _("City bureau proposing to the province")
    # Applicants who may submit straight to the province, without a city (Shandong 2021 notice 一（三）3).
    DIRECT_SUBMISSION = "direct_submission", _("Direct submission to the province")


class RecommendationDecision(models.TextChoices):
    RECOMMEND = "recommend", _("Recommend")
    RETURN = "return", _("Return for correction")
    DECLINE = "decline", _("Decline")


class EncouragedTag(models.TextChoices):
    """Encouraged applicant types (Zibo art. 8, Linyi art. 11) shown to reviewers."""

    SME = "sme", _("Small or medium-sized enterprise")
    HIGH_TECH = "high_tech", _("High-tech enterprise")
    UNICORN = "unicorn", _("Unicorn enterprise")
    GAZELLE = "gazelle", _("Gazelle enterprise")
    LITTLE_GIANT = "little_giant", _("Specialised and new 'little giant'")
    MODERN_AGRICULTURE = "modern_agriculture", _("Modern agriculture")
    STRATEGIC_EMERGING = "strategic_emerging", _("Strategic emerging industry")
    NEW_SERVICES = "new_services", _("New service industry")
    PUBLIC_SERVICES = "public_services", _("Public service")
    OWN_IP = "own_ip", _("Own intellectual property")
    LEADING_STANDARDS = "leading_standards", _("Leads national or international standards")


# Every state an application can reach once its district has recommended it (counted against the quota).
RECOMMENDED_OR_LATER = frozenset(
    {
        S.RECOMMENDED,
        S.IN_REVIEW,
        S.DISQUALIFIED,
        S.CANDIDATE,
        S.IN_NOTICE,
        S.NOT_SELECTED,
        S.APPROVED,
        S.AWARDED,
        S.REVOKED,
    }
)
# A unit's or person's single files: a re-upload replaces the current one (the old one is kept as history).
SINGLE_FILE_KINDS = frozenset({FileKind.APPLICATION_FORM, FileKind.SELF_EVALUATION, FileKind.RECOMMENDATION_LETTER})
