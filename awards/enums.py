from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeLevel(models.TextChoices):
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")
    NATIONAL = "national", _("National")


class RecommenderLevel(models.TextChoices):
    """Which coordinators recommend an applicant: those of its county-level district, its city or its province."""

    COUNTY = "county", _("District or county")
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")


class EditionCycle(models.TextChoices):
    ANNUAL = "annual", _("Every year")
    BIENNIAL = "biennial", _("Every two years")
    PER_NOTICE = "per_notice", _("Per notice")


class Category(models.TextChoices):
    UNIT = "unit", _("Unit")
    INDIVIDUAL = "individual", _("Individual")


class QuotaScope(models.TextChoices):
    UNIT = "unit", _("Units")
    INDIVIDUAL = "individual", _("Individuals")
    TOTAL = "total", _("Units and individuals together")


class Tier(models.TextChoices):
    AWARD = "award", _("Award")
    NOMINATION = "nomination", _("Nomination award")


class StagePhase(models.TextChoices):
    INTAKE = "intake", _("Application and recommendation")
    REVIEW = "review", _("Review")
    DECISION = "decision", _("Decision")


class StageKind(models.TextChoices):
    APPLICATION = "application", _("Application")
    DISTRICT_RECOMMENDATION = "district_recommendation", _("Recommendation")
    QUALIFICATION_CHECK = "qualification_check", _("Qualification check")
    FORMAL_CHECK = "formal_check", _("Formal check")
    PUBLIC_OPINION = "public_opinion", _("Public-opinion check")
    MATERIAL_REVIEW = "material_review", _("Material review")
    ONSITE_REVIEW = "onsite_review", _("On-site review")
    ORAL_DEFENCE = "oral_defence", _("Oral defence")
    SATISFACTION_SURVEY = "satisfaction_survey", _("Social satisfaction survey")
    SUPERVISION_OPINIONS = "supervision_opinions", _("Supervision-group opinions")
    CANDIDATE_LIST = "candidate_list", _("Candidate list proposed")
    REVIEW_COMMITTEE = "review_committee", _("Review-committee plenary")
    LEADING_GROUP = "leading_group", _("Leading-group decision")
    MINISTRY_CONSULTATION = "ministry_consultation", _("Consultation of the ministry")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    GOVERNMENT_APPROVAL = "government_approval", _("Government approval")
    ORGANISER_APPROVAL = "organiser_approval", _("Approval by the organiser")
    ANNOUNCEMENT = "announcement", _("Announcement")


STAGE_PHASE = {
    StageKind.APPLICATION: StagePhase.INTAKE,
    StageKind.DISTRICT_RECOMMENDATION: StagePhase.INTAKE,
    StageKind.QUALIFICATION_CHECK: StagePhase.REVIEW,
    StageKind.FORMAL_CHECK: StagePhase.REVIEW,
    StageKind.PUBLIC_OPINION: StagePhase.REVIEW,
    StageKind.MATERIAL_REVIEW: StagePhase.REVIEW,
    StageKind.ONSITE_REVIEW: StagePhase.REVIEW,
    StageKind.ORAL_DEFENCE: StagePhase.REVIEW,
    StageKind.SATISFACTION_SURVEY: StagePhase.REVIEW,
    StageKind.SUPERVISION_OPINIONS: StagePhase.DECISION,
    StageKind.CANDIDATE_LIST: StagePhase.DECISION,
    StageKind.REVIEW_COMMITTEE: StagePhase.DECISION,
    StageKind.LEADING_GROUP: StagePhase.DECISION,
    StageKind.MINISTRY_CONSULTATION: StagePhase.DECISION,
    StageKind.PUBLIC_NOTICE: StagePhase.DECISION,
    StageKind.GOVERNMENT_APPROVAL: StagePhase.DECISION,
    StageKind.ORGANISER_APPROVAL: StagePhase.DECISION,
    StageKind.ANNOUNCEMENT: StagePhase.DECISION,
}

# Stages scored by experts (the reviews app gives them score sheets).
SCORED_STAGES = frozenset({StageKind.MATERIAL_REVIEW, StageKind.ONSITE_REVIEW, StageKind.ORAL_DEFENCE})


class EligibilityKind(models.TextChoices):
    """Each kind is one check of the eligibility engine; its numbers and article come from the rulebook data."""

    OPERATING_YEARS = "operating_years", _("Years of operation of the main business")
    FOUR_NEW_OPERATING_YEARS = "four_new_operating_years", _("Years of operation in a four-new field")
    QUALITY_WORK_YEARS = "quality_work_years", _("Years of quality work")
    PROFITABLE_YEARS = "profitable_years", _("Consecutive profitable years")
    ACCIDENT_FREE_YEARS = (
        "accident_free_years",
        _("Years without a major quality, safety, environmental or public-health accident"),
    )
    VIOLATION_FREE_YEARS = "violation_free_years", _("Years without other violations of laws or regulations")
    INDEPENDENT_LEGAL_PERSON = "independent_legal_person", _("Independent legal person")
    NO_REPEAT_WINNER = "no_repeat_winner", _("Past winners may not apply again")
    REVOCATION_BAN_YEARS = "revocation_ban_years", _("Years barred after a revocation")
    PREVIOUS_PROVINCIAL_BENCHMARK = (
        "previous_provincial_benchmark",
        _("Must be an earlier winner of the scheme the rule names"),
    )
    # Declarations: the applicant ticks the rule's own words (EligibilityRule.text) on the form.
    INDEPENDENT_LIABILITY = (
        "independent_liability",
        _("Set up by law and bearing its own legal liability (declaration)"),
    )
    INTEGRITY = "integrity", _("Political integrity and professional ethics (declaration)")
    CLEAN_RECORD = "clean_record", _("No bad record and no violation (declaration)")
    METHOD_APPLIED = "method_applied", _("The method is maturely applied in the unit (declaration)")
    SHARING_COMMITMENT = "sharing_commitment", _("Takes part in sharing and exchange (commitment)")
    # A choice: the applicant picks one of the rule's options (EligibilityRule.options).
    FOCUS_FIELD = "focus_field", _("Field or category the application falls in (one of the rulebook's list)")


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("In preparation")
    OPEN = "open", _("Open for applications")
    CLOSED = "closed", _("Applications closed")
    FINISHED = "finished", _("Finished")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (no work)")
    WORKDAY = "workday", _("Make-up working day")


class AwardItemKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Honour certificate")
    PLAQUE = "plaque", _("Plaque")
    TROPHY = "trophy", _("Trophy")
    AWARD_MONEY = "award_money", _("Award money")
