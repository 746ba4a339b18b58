"""Duties after the award: periodic evaluation rounds (Zibo art. 30), the supervision group of an edition (Zibo
art. 12) and experience-sharing events (national art. 23, Weihai art. 22). Thin models; the writes are in
services.py, the reads in selectors.py."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from awards.models import Edition, Rulebook, Scheme

from .enums import (
    REPORTABLE_STATES,
    Attendance,
    EvaluationCriterion,
    EvaluationState,
    MemberKind,
    MisconductDecision,
    RemovalBody,
    StaffKind,
)

E = EvaluationState


class EvaluationRound(models.Model):
    """A round of periodic evaluation of a scheme's current holders, launched by the office."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    report_due = models.DateField(_("self-reports due"))
    note = models.TextField(_("note"), blank=True)
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("named evaluators"),
        blank=True,
        related_name="+",
        help_text=_("People outside the office who assess this round; office staff may always assess."),
    )
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("launched by"), on_delete=models.PROTECT, related_name="+"
    )
    launched_at = models.DateTimeField(_("launched at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-launched_at", "-id"]

    def __str__(self) -> str:
        return self.title


def _report_upload_path(instance: "Evaluation", filename: str) -> str:
    # A random name outside the web root; the display name is kept in `report_file_name`.
    return f"aftercare/evaluations/{instance.round_id}/{uuid.uuid4().hex}"


class Evaluation(FSMModelMixin, models.Model):
    """One holder's part in a round: their self-report, then the evaluators' assessment of the three criteria."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="evaluations")
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("award"),
        on_delete=models.PROTECT,
        related_name="aftercare_evaluations",
    )
    state = FSMField(
        _("state"), max_length=20, choices=EvaluationState.choices, default=E.AWAITING_REPORT, protected=True
    )
    report_text = models.TextField(_("self-report"), blank=True)
    report_file = models.FileField(upload_to=_report_upload_path, max_length=200, blank=True)
    report_file_name = models.CharField(_("file name"), max_length=130, blank=True)
    report_file_type = models.CharField(_("type"), max_length=100, blank=True)
    report_file_size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    report_file_sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    reported_at = models.DateTimeField(_("self-report filed at"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("self-report filed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The revocation case a failure opened (Zibo art. 30).
    case = models.ForeignKey(
        "revocation.RevocationCase",
        verbose_name=_("revocation case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("periodic evaluation")
        verbose_name_plural = _("periodic evaluations")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "application"], name="evaluation_once_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.application_id}"

    @property
    def may_report(self) -> bool:
        return self.state in REPORTABLE_STATES

    @transition(field=state, source=[E.AWAITING_REPORT, E.REPORTED], target=E.REPORTED)
    def file_report(self) -> None:
        pass

    @transition(field=state, source=[E.AWAITING_REPORT, E.REPORTED], target=E.PASSED)
    def pass_assessment(self) -> None:
        pass

    @transition(field=state, source=[E.AWAITING_REPORT, E.REPORTED], target=E.FAILED)
    def fail_assessment(self) -> None:
        pass


class CriterionAssessment(models.Model):
    """The evaluators' finding on one criterion of one evaluation."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="assessments")
    criterion = models.CharField(_("criterion"), max_length=30, choices=EvaluationCriterion.choices)
    passed = models.BooleanField(_("passed"))
    comment = models.TextField(_("comment"))

    class Meta:
        verbose_name = _("criterion assessment")
        verbose_name_plural = _("criterion assessments")
        ordering = ["evaluation", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="assessment_once_per_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: {self.passed}"


class SupervisionRule(models.Model):
    """What a rulebook says about its supervision group: the share of members rotated each edition and the article
    under which the group's report of misconduct removes review staff (Zibo art. 12 and art. 21)."""

    rulebook = models.OneToOneField(
        Rulebook, verbose_name=_("rulebook"), on_delete=models.CASCADE, related_name="supervision_rule"
    )
    rotation_numerator = models.PositiveSmallIntegerField(_("share rotated each edition: numerator"), default=1)
    rotation_denominator = models.PositiveSmallIntegerField(
        _("share rotated each edition: denominator"), default=3, validators=[MinValueValidator(1)]
    )
    rotation_article = models.CharField(_("article on rotation"), max_length=40, blank=True)
    misconduct_article = models.CharField(_("article on removing review staff"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("supervision-group rule")
        verbose_name_plural = _("supervision-group rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rotation_denominator__gte=1)
                & models.Q(rotation_numerator__lte=models.F("rotation_denominator")),
                name="supervision_rule_share_at_most_one",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rulebook} {self.rotation_numerator}/{self.rotation_denominator}"


class SupervisionGroup(models.Model):
    """The supervision group (选树监督小组) of one edition: appointed, confirmed by the office once its rotation
    holds, and dissolved when the edition is over (Zibo art. 12)."""

    edition = models.OneToOneField(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="supervision_group"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set up by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("set up at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervision group")
        verbose_name_plural = _("supervision groups")
        ordering = ["-edition__year", "id"]

    def __str__(self) -> str:
        return str(self.edition)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_dissolved(self) -> bool:
        return self.dissolved_on is not None

    @property
    def is_sitting(self) -> bool:
        """Confirmed and not yet dissolved: the only time its members file anything."""
        return self.is_confirmed and not self.is_dissolved


class SupervisionMember(models.Model):
    """A member of an edition's group. Linked to a portal account, the member can log in and file opinions."""

    group = models.ForeignKey(SupervisionGroup, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(_("kind"), max_length=20, choices=MemberKind.choices)
    full_name = models.CharField(_("full name"), max_length=60)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    position = models.CharField(_("position"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_memberships",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision-group member")
        verbose_name_plural = _("supervision-group members")
        ordering = ["group", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"], condition=models.Q(user__isnull=False), name="member_account_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.organisation_name})"


class SupervisionOpinion(models.Model):
    """A member's opinion on the edition's selection; the office must answer each one."""

    group = models.ForeignKey(SupervisionGroup, on_delete=models.CASCADE, related_name="opinions")
    member = models.ForeignKey(SupervisionMember, on_delete=models.PROTECT, related_name="opinions")
    text = models.TextField(_("opinion"))
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("supervision opinion")
        verbose_name_plural = _("supervision opinions")
        ordering = ["filed_at", "id"]

    def __str__(self) -> str:
        return f"{self.member} {self.filed_at:%Y-%m-%d}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class StaffRemovalRule(models.Model):
    """Which body of a rulebook removes selection or review staff who abused their position, neglected their duty or
    favoured someone, and refers them to their employer: Zibo art. 21 the supervision group (选树监督小组), Weihai
    art. 25 the office (市强市办), Linyi art. 26 the review committee (评审委)."""

    rulebook = models.OneToOneField(
        Rulebook, verbose_name=_("rulebook"), on_delete=models.CASCADE, related_name="staff_removal_rule"
    )
    body_kind = models.CharField(_("body"), max_length=30, choices=RemovalBody.choices)
    body = models.CharField(_("body as the rulebook names it"), max_length=60)
    staff = models.CharField(_("staff as the rulebook names them"), max_length=60)
    article = models.CharField(_("article"), max_length=40)

    class Meta:
        verbose_name = _("rule on removing staff")
        verbose_name_plural = _("rules on removing staff")

    def __str__(self) -> str:
        return f"{self.rulebook}: {self.body} ({self.article})"


class MisconductReport(models.Model):
    """Misconduct by someone doing the selection or review work, and the decision of the body the rulebook names
    (StaffRemovalRule) as the office records it: in Zibo a supervision-group member reports it and the group removes
    (art. 21); in Weihai and Linyi the office records the removal by itself or by the review committee. A removal
    is referred to the person's employer or competent department."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    group = models.ForeignKey(
        SupervisionGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="misconduct_reports"
    )
    member = models.ForeignKey(
        SupervisionMember, on_delete=models.PROTECT, null=True, blank=True, related_name="misconduct_reports"
    )
    staff_kind = models.CharField(_("who"), max_length=20, choices=StaffKind.choices, default=StaffKind.EXPERT)
    expert = models.ForeignKey(
        "reviews.ExpertProfile",
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    staff_name = models.CharField(_("name"), max_length=60, blank=True)
    staff_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    text = models.TextField(_("what happened"))
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=MisconductDecision.choices, default=MisconductDecision.PENDING
    )
    decided_by_body = models.CharField(_("decided by"), max_length=60, blank=True)
    article = models.CharField(_("article"), max_length=40, blank=True)
    decision_note = models.TextField(_("reasons"), blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    referred_on = models.DateField(_("referred on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    credit_record = models.OneToOneField(
        "reviews.ExpertCreditRecord",
        verbose_name=_("credit record"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("misconduct report")
        verbose_name_plural = _("misconduct reports")
        ordering = ["filed_at", "id"]

    def __str__(self) -> str:
        return f"{self.person_name} {self.filed_at:%Y-%m-%d}"

    @property
    def person_name(self) -> str:
        return self.expert.full_name if self.expert_id else self.staff_name


class SharingEvent(models.Model):
    """An experience-sharing event (经验交流活动) the holders of a scheme are invited to."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=160)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=160)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("experience-sharing event")
        verbose_name_plural = _("experience-sharing events")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class SharingInvitation(models.Model):
    """One holder invited to one event, and whether they came."""

    event = models.ForeignKey(SharingEvent, on_delete=models.CASCADE, related_name="invitations")
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("award"),
        on_delete=models.PROTECT,
        related_name="sharing_invitations",
    )
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.INVITED
    )
    excuse = models.CharField(_("reason for the excuse"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation to an event")
        verbose_name_plural = _("invitations to events")
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "application"], name="invitation_once_per_holder"),
            models.CheckConstraint(
                condition=~models.Q(attendance=Attendance.EXCUSED) | ~models.Q(excuse=""),
                name="invitation_excuse_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.application_id}"
