from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseSource(models.TextChoices):
    """Where the information that opens a case came from (Weihai art. 26), plus the portal's own proposals."""

    SPECIAL_EVALUATION = "special_evaluation", _("Special evaluation")
    OPINION_SURVEY = "opinion_survey", _("Public-opinion survey")
    QUALITY_INSPECTION = "quality_inspection", _("Quality inspection")
    PUBLIC_REPORT = "public_report", _("Public report")
    MEDIA_EXPOSURE = "media_exposure", _("Media exposure")
    PERIODIC_EVALUATION = "periodic_evaluation", _("Periodic evaluation")
    SPOT_CHECK_TRIGGER = "spot_check_trigger", _("Spot-check results (proposed by the portal)")


# Sources the office chooses when it opens a case by hand.
OFFICE_SOURCES = (
    CaseSource.SPECIAL_EVALUATION,
    CaseSource.OPINION_SURVEY,
    CaseSource.QUALITY_INSPECTION,
    CaseSource.PUBLIC_REPORT,
    CaseSource.MEDIA_EXPOSURE,
)
# Sources whose service has already checked who may act (the aftercare evaluators): case_open accepts them from
# a user who is not office staff.
DELEGATED_SOURCES = frozenset({CaseSource.PERIODIC_EVALUATION})


class CaseState(models.TextChoices):
    """A case's own lifecycle (see revocation.models.RevocationCase). A citizen's report and a case the portal
    proposes from spot-check results start AWAITING the office's confirmation; a case the office opens starts
    OPENED."""

    AWAITING = "awaiting", _("Awaiting the office's confirmation")
    OPENED = "opened", _("Opened")
    INVESTIGATING = "investigating", _("Under investigation")
    PROPOSED = "proposed", _("Revocation proposed")
    REVOKED = "revoked", _("Decided: revoked")
    DISMISSED = "dismissed", _("Decided: dismissed")


C = CaseState
DECIDED_STATES = frozenset({C.REVOKED, C.DISMISSED})
LIVE_CASE_STATES = frozenset(set(C) - DECIDED_STATES)
DISMISSABLE_STATES = frozenset({C.AWAITING, C.OPENED, C.INVESTIGATING, C.PROPOSED})
# The holder sees a case once the office has taken it up; an unconfirmed report or proposal is not shown.
VISIBLE_TO_HOLDER = frozenset({C.OPENED, C.INVESTIGATING, C.PROPOSED, C.REVOKED, C.DISMISSED})


class TriggerKind(models.TextChoices):
    FAILURES_WITHIN_WINDOW = "failures_within_window", _("Failures within a rolling window of years")
    CONSECUTIVE_FAILURES = "consecutive_failures", _("Consecutive failures")


class AuthorityLevel(models.TextChoices):
    """The level of the authority that ran a spot check, lowest first (the order matters: see LEVEL_RANK)."""

    COUNTY = "county", _("District or county")
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")
    NATIONAL = "national", _("National")


LEVEL_RANK = {AuthorityLevel.COUNTY: 1, AuthorityLevel.CITY: 2, AuthorityLevel.PROVINCE: 3, AuthorityLevel.NATIONAL: 4}


class SpotCheckResult(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class RecoveryState(models.TextChoices):
    PENDING = "pending", _("To be recovered")
    RECOVERED = "recovered", _("Recovered")
    WAIVED = "waived", _("Waived")
