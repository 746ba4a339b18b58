from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditRecordKind(models.TextChoices):
    LATE_SHEET = "late_sheet", _("Score sheet submitted late")
    MISCONDUCT_REMOVAL = "misconduct_removal", _("Removed from review work for misconduct")
    COMMENDATION = "commendation", _("Commendation")


# Records that bar an expert from any later assignment (Zibo art. 21, Weihai art. 25, Linyi art. 26).
BARRING_KINDS = frozenset({CreditRecordKind.MISCONDUCT_REMOVAL})


class TieKind(models.TextChoices):
    """A declared tie between an expert and a unit that makes the expert conflicted for that unit."""

    CONSULTING = "consulting", _("Consulted for the unit")
    FORMER_EMPLOYEE = "former_employee", _("Worked for the unit")
    RELATIVE = "relative", _("A close relative works for the unit")
    OTHER = "other", _("Other interest")


class ConflictReason(models.TextChoices):
    """Why the portal considers an expert conflicted for an application (computed from data)."""

    WORKS_FOR_APPLICANT = "works_for_applicant", _("Works for the applicant")
    SAME_EMPLOYER = "same_employer", _("Same employer as the individual applicant")
    SAME_DISTRICT = "same_district", _("Same district as the applicant")
    DECLARED_TIE = "declared_tie", _("Declared tie with the applicant")
    RECUSED = "recused", _("Recused")


class ScoreSheetKind(models.TextChoices):
    PERFORMANCE_EXCELLENCE = "performance_excellence", _("Performance excellence (GB/T 19580) for units")
    INDIVIDUAL = "individual", _("Individual")
    BENCHMARK = "benchmark", _("Quality benchmark (three criteria)")


class ReviewBodyKind(models.TextChoices):
    """A body of experts formed for one edition (Linyi art. 9, national art. 12–14, Zibo/Weihai review groups)."""

    REVIEW_COMMITTEE = "review_committee", _("Review committee")
    REVIEW_GROUP = "review_group", _("Review group")
    SPECIALTY_GROUP = "specialty_group", _("Specialty group")


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice chair")
    LEADER = "leader", _("Group leader")
    MEMBER = "member", _("Member")


# A committee has chairs and vice chairs (Linyi art. 9, national art. 13); a group has a leader (national art. 14).
BODY_ROLES = {
    ReviewBodyKind.REVIEW_COMMITTEE: frozenset({MemberRole.CHAIR, MemberRole.VICE_CHAIR, MemberRole.MEMBER}),
    ReviewBodyKind.REVIEW_GROUP: frozenset({MemberRole.LEADER, MemberRole.MEMBER}),
    ReviewBodyKind.SPECIALTY_GROUP: frozenset({MemberRole.LEADER, MemberRole.MEMBER}),
}


class AssignmentMethod(models.TextChoices):
    OPTIMAL = "optimal", _("Optimal assignment")
    RANDOM = "random", _("Recorded random draw")
    MANUAL = "manual", _("Manual change")


class ConflictDecision(models.TextChoices):
    NO_CONFLICT = "no_conflict", _("I declare no conflict of interest")
    RECUSE = "recuse", _("I recuse myself")


class SheetState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class GateOutcome(models.TextChoices):
    """What the office or the agency recorded at a gate stage (public opinion, qualification, survey, …)."""

    PASS = "pass", _("Passed")
    FAIL = "fail", _("Failed")
    NOTED = "noted", _("Noted")


class SignOffDecision(models.TextChoices):
    """A qualification department's decision on an application (Linyi art. 15)."""

    APPROVE = "approve", _("Approve")
    REFUSE = "refuse", _("Refuse")


class RemovalBodyKind(models.TextChoices):
    """The body a rulebook gives the removal of misbehaving review staff to."""

    OFFICE = "office", _("Award office")
    REVIEW_COMMITTEE = "review_committee", _("Review committee")
    SUPERVISION_GROUP = "supervision_group", _("Supervision group")
