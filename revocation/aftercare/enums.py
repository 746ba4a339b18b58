from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationState(models.TextChoices):
    """One holder's evaluation in a round (Zibo art. 30)."""

    AWAITING_REPORT = "awaiting_report", _("Awaiting the self-report")
    REPORTED = "reported", _("Self-report filed")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


# The holder may (re-)file the self-report until the evaluation is assessed.
REPORTABLE_STATES = frozenset({EvaluationState.AWAITING_REPORT, EvaluationState.REPORTED})
ASSESSED_STATES = frozenset({EvaluationState.PASSED, EvaluationState.FAILED})


class EvaluationCriterion(models.TextChoices):
    """What the periodic evaluation looks at (Zibo art. 30: 守法经营、示范引领、持续改进)."""

    LAWFUL_OPERATION = "lawful_operation", _("Lawful operation")
    EXEMPLARY_ROLE = "exemplary_role", _("Exemplary role")
    CONTINUOUS_IMPROVEMENT = "continuous_improvement", _("Continuous improvement")


class MemberKind(models.TextChoices):
    """Who sits on the supervision group (Zibo art. 12)."""

    DEPUTY = "deputy", _("People's congress deputy")
    CPPCC_MEMBER = "cppcc_member", _("CPPCC member")
    OFFICIAL = "official", _("Government official")
    JOURNALIST = "journalist", _("Journalist")
    LAWYER = "lawyer", _("Practising lawyer")


class MisconductDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting the decision")
    REMOVED = "removed", _("Removed from review work")
    NO_ACTION = "no_action", _("No action")


class StaffKind(models.TextChoices):
    """Who may be removed from the selection or review work (Zibo art. 21: 选树工作人员; Weihai art. 25, Linyi art. 26:
    评审工作人员): the experts, the staff of the third-party agency and the office's own staff."""

    EXPERT = "expert", _("Expert")
    AGENCY_STAFF = "agency_staff", _("Staff of the third-party agency")
    OFFICE_STAFF = "office_staff", _("Office staff")


class RemovalBody(models.TextChoices):
    """Which body a rulebook has remove misbehaving staff."""

    SUPERVISION_GROUP = "supervision_group", _("Supervision group")
    REVIEW_COMMITTEE = "review_committee", _("Review committee")
    OFFICE = "office", _("Award office")


class Attendance(models.TextChoices):
    """A holder's answer to an experience-sharing event (national art. 23, Weihai art. 22)."""

    INVITED = "invited", _("Invited, not yet recorded")
    ATTENDED = "attended", _("Attended")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent without excuse")
