"""Experts, their credit and ties, and score sheets as data (GB/T 19580 and the others an office defines)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import District, Organisation
from awards.enums import Category, Tier

from .enums import (
    BARRING_KINDS,
    BODY_ROLES,
    AssignmentMethod,
    ConflictDecision,
    CreditRecordKind,
    GateOutcome,
    MemberRole,
    RemovalBodyKind,
    ReviewBodyKind,
    ScoreSheetKind,
    SheetState,
    SignOffDecision,
    TieKind,
)


class ExpertProfile(models.Model):
    """A member of the expert pool (专家库)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="expert_profile"
    )
    # Not "full name": that msgid is the unit's full name (单位全称) of an Organisation.
    full_name = models.CharField(_("name of the expert"), max_length=60)
    title = models.CharField(_("professional title"), max_length=60, blank=True)
    employer = models.ForeignKey(
        Organisation, verbose_name=_("employer"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    employer_name = models.CharField(_("employer"), max_length=200)
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fields = models.JSONField(_("fields of expertise"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    max_load = models.PositiveSmallIntegerField(
        _("most applications per stage"), default=20, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    available = models.BooleanField(_("available"), default=True)
    # Taken out of the pool by the office (not a misconduct bar, which is a credit record): no new assignment
    # while set; cleared on reactivation. The reason of the last deactivation stays in the audit trail.
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    deactivation_reason = models.CharField(_("reason for the deactivation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def active(self) -> bool:
        return self.deactivated_at is None

    @property
    def barred(self) -> bool:
        """Removed from review work: never assigned again (uses the prefetch cache when present)."""
        return any(record.kind in BARRING_KINDS for record in self.credit_records.all())


class ExpertCreditRecord(models.Model):
    """An entry of the expert's credit record. Append-only: a removal is never deleted."""

    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="credit_records")
    kind = models.CharField(_("kind"), max_length=30, choices=CreditRecordKind.choices)
    article = models.CharField(_("article"), max_length=60, blank=True)
    note = models.TextField(_("note"))
    # A removal decided for an edition: the body the rulebook names (ReviewRules.removal_body, e.g. Linyi art. 26
    # 评审委), and, where that body is the review committee, the edition's approved committee itself.
    edition = models.ForeignKey(
        "awards.Edition", verbose_name=_("edition"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.CharField(_("decided by"), max_length=60, blank=True)
    committee = models.ForeignKey(
        "ReviewBody",
        verbose_name=_("review committee that decided"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("expert credit record")
        verbose_name_plural = _("expert credit records")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.expert} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Credit records are append-only.")
        super().save(*args, **kwargs)


class ExpertTie(models.Model):
    """A tie the expert declared with a unit (e.g. consulting for it in the last 3 years)."""

    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="ties")
    organisation = models.ForeignKey(Organisation, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=TieKind.choices)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("declared tie")
        verbose_name_plural = _("declared ties")

    def __str__(self) -> str:
        return f"{self.expert} – {self.organisation} ({self.get_kind_display()})"


class ScoreSheetTemplate(models.Model):
    """A score sheet as data: its items, their points and the bands an examiner scores in."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=30, choices=ScoreSheetKind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    criteria_edition = models.CharField(
        _("criteria and edition"), max_length=80, help_text=_("e.g. GB/T 19580-2012: a criteria set names its edition.")
    )
    total_points = models.PositiveIntegerField(_("total points"))
    # Percentage bands as [low, high] pairs, e.g. the Baldrige convention [[0, 5], [10, 25], ...].
    bands = models.JSONField(_("scoring bands (%)"), default=list, blank=True)
    asks_strengths = models.BooleanField(_("asks for strengths and opportunities for improvement"), default=False)
    # National art. 19 and 20: the experts "撰写评语并打分" — a sheet is not submitted without its written comments.
    requires_comments = models.BooleanField(_("requires written comments"), default=False)
    # Which rulebooks score on this sheet: a stage of another rulebook's edition cannot use it.
    rulebooks = models.ManyToManyField(
        "awards.Rulebook", verbose_name=_("used by the rulebooks"), blank=True, related_name="score_sheets"
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    verified = models.BooleanField(
        _("checked against the standard"),
        default=False,
        help_text=_("Tick once the office has checked the points against the standard's own text."),
    )

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.criteria_edition})"

    def clean(self) -> None:
        for band in self.bands or []:
            if not (isinstance(band, list) and len(band) == 2 and 0 <= band[0] <= band[1] <= 100):
                raise ValidationError({"bands": _("Each band is a pair [low, high] of percentages from 0 to 100.")})


class ScoreItem(models.Model):
    """A category (top level) or an item of a score sheet. Items carry the points an examiner awards."""

    template = models.ForeignKey(ScoreSheetTemplate, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent item"), on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("clause"), max_length=20)
    label = models.CharField(_("label"), max_length=120)
    points = models.DecimalField(
        _("points"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    position = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("score item")
        verbose_name_plural = _("score items")
        ordering = ["template", "position"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="score_item_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.label} ({self.points})"


class ReviewBody(models.Model):
    """A review committee or group formed for one edition. Its composition is checked against the rulebook's data
    (``reviews.bodies.body_composition_problems``) before the office confirms it."""

    edition = models.ForeignKey(
        "awards.Edition", verbose_name=_("edition"), on_delete=models.PROTECT, related_name="review_bodies"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ReviewBodyKind.choices)
    name = models.CharField(_("name"), max_length=120)
    field = models.CharField(_("specialty"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The approval of the body that the rulebook names (Linyi art. 7(四): the leading group 批准成立 the review
    # committee), as the office records it from that body's meeting (``reviews.bodies.body_approval_record``).
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approval_document = models.CharField(_("approval document or minutes"), max_length=200, blank=True)
    approval_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approval recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approval_recorded_at = models.DateTimeField(_("approval recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review body")
        verbose_name_plural = _("review bodies")
        ordering = ["edition", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["edition", "name"], name="review_body_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def approved(self) -> bool:
        return self.approved_on is not None


class ReviewBodyMember(models.Model):
    body = models.ForeignKey(
        ReviewBody, verbose_name=_("review body"), on_delete=models.CASCADE, related_name="members"
    )
    expert = models.ForeignKey(
        ExpertProfile, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="body_memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)

    class Meta:
        verbose_name = _("member of a review body")
        verbose_name_plural = _("members of review bodies")
        ordering = ["body", "id"]
        constraints = [models.UniqueConstraint(fields=["body", "expert"], name="review_body_member_once")]

    def __str__(self) -> str:
        return f"{self.expert} · {self.get_role_display()}"

    def clean(self) -> None:
        if self.body_id and self.role and self.role not in BODY_ROLES[ReviewBodyKind(self.body.kind)]:
            message = _("A body of the kind %(kind)s has no role %(role)s.") % {
                "kind": self.body.get_kind_display(),
                "role": self.get_role_display(),
            }
            raise ValidationError({"role": message})


class EditionStage(models.Model):
    """One review stage of one edition: its dates and the settings the office chose for it."""

    edition = models.ForeignKey(
        "awards.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="review_stages"
    )
    stage = models.ForeignKey("awards.Stage", verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+")
    opens = models.DateField(_("opens"))
    sheets_due = models.DateField(_("score sheets due"))
    experts_per_application = models.PositiveSmallIntegerField(
        _("experts per application"), default=5, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    same_district_conflict = models.BooleanField(
        _("an expert of the applicant's district is conflicted"), default=False
    )
    score_sheet = models.ForeignKey(
        ScoreSheetTemplate,
        verbose_name=_("score sheet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consensus_spread = models.DecimalField(
        _("spread that opens a consensus step (points)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no consensus step."),
    )
    normalise = models.BooleanField(_("normalise each expert's scores (z-scores)"), default=False)
    # Set once by ``reviews.progress.stage_close``: a closed stage takes no sheet, assignment or record.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_note = models.TextField(
        _("note on closing"), blank=True, help_text=_("Why the stage was closed with score sheets missing.")
    )
    run_by = models.ForeignKey(
        Organisation,
        verbose_name=_("run by (third-party agency)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="run_stages",
        help_text=_("The agency whose staff run this stage; empty: the office runs it."),
    )

    class Meta:
        verbose_name = _("review stage of an edition")
        verbose_name_plural = _("review stages of editions")
        ordering = ["edition", "stage__position"]
        constraints = [models.UniqueConstraint(fields=["edition", "stage"], name="edition_stage_once")]

    def __str__(self) -> str:
        return f"{self.edition} · {self.stage.get_kind_display()}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def closed_on(self) -> str:
        """The day of the closing in Beijing time, as the refusals quote it ("" while open)."""
        from django.utils import timezone

        return timezone.localtime(self.closed_at).date().isoformat() if self.closed_at else ""

    def clean(self) -> None:
        errors = {}
        if self.edition_id and self.stage_id and self.stage.rulebook_id != self.edition.rulebook_id:
            errors["stage"] = _("This stage belongs to another rulebook than the edition's.")
        if self.opens and self.sheets_due and self.sheets_due < self.opens:
            errors["sheets_due"] = _("Score sheets cannot be due before the stage opens.")
        if errors:
            raise ValidationError(errors)


class Assignment(models.Model):
    """An expert assigned to an application at a review stage. A manual change withdraws the old row (kept)."""

    edition_stage = models.ForeignKey(EditionStage, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.CASCADE, related_name="+"
    )
    expert = models.ForeignKey(
        ExpertProfile, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="assignments"
    )
    method = models.CharField(_("method"), max_length=20, choices=AssignmentMethod.choices)
    draw_seed = models.BigIntegerField(_("seed of the random draw"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for the change"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["edition_stage", "application", "expert"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition_stage", "application", "expert"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="assignment_once_per_stage",
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.application_id} ({self.edition_stage})"


class ConflictDeclaration(models.Model):
    """Before first opening an application the expert declares no conflict, or recuses."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="declaration")
    decision = models.CharField(_("decision"), max_length=20, choices=ConflictDecision.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict declaration")
        verbose_name_plural = _("conflict declarations")

    def __str__(self) -> str:
        return f"{self.assignment} {self.get_decision_display()}"


class ConflictOverride(models.Model):
    """A computed conflict set aside for one expert and application: needs two office staff and a reason."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="conflict_overrides")
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conflict override")
        verbose_name_plural = _("conflict overrides")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(approved_by=models.F("requested_by")), name="override_needs_two_people"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} / {self.application_id}"


class ScoreSheet(FSMModelMixin, models.Model):
    """An expert's score sheet for one assignment. Submitted, it is locked; only the office re-opens it, with a
    reason."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="sheet")
    template = models.ForeignKey(ScoreSheetTemplate, on_delete=models.PROTECT, related_name="+")
    state = FSMField(_("state"), max_length=20, choices=SheetState.choices, default=SheetState.DRAFT, protected=True)
    total = models.DecimalField(_("total"), max_digits=8, decimal_places=2, default=Decimal(0))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reopened_reason = models.CharField(_("reason for re-opening"), max_length=300, blank=True)
    comments = models.TextField(_("written comments"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("expert score sheet")
        verbose_name_plural = _("expert score sheets")

    def __str__(self) -> str:
        return f"{self.assignment} {self.total}"

    @transition(field=state, source=SheetState.DRAFT, target=SheetState.SUBMITTED)
    def submit(self) -> None:
        pass

    @transition(field=state, source=SheetState.SUBMITTED, target=SheetState.DRAFT)
    def reopen(self) -> None:
        pass


class ItemScore(models.Model):
    """The points an expert gives one item, or, on a category, the strengths and opportunities for
    improvement written for it."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(ScoreItem, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, null=True, blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    opportunities = models.TextField(_("opportunities for improvement"), blank=True)

    class Meta:
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        constraints = [models.UniqueConstraint(fields=["sheet", "item"], name="item_score_once")]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.points}"


class ConsensusRecord(models.Model):
    """Where the experts' scores of an application spread too far, the group leader records the agreed score
    and its rationale; it replaces the computed score of that stage."""

    edition_stage = models.ForeignKey(EditionStage, on_delete=models.CASCADE, related_name="consensus_records")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    agreed_score = models.DecimalField(_("agreed score"), max_digits=8, decimal_places=2)
    rationale = models.TextField(_("rationale"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consensus record")
        verbose_name_plural = _("consensus records")
        constraints = [
            models.UniqueConstraint(fields=["edition_stage", "application"], name="consensus_once_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.agreed_score}"


class CandidateProposal(models.Model):
    """One line of the proposed candidate list of an edition: the ranking within the scheme's quotas per
    category and tier. The office may change a line only with a written reason (audited)."""

    edition = models.ForeignKey("awards.Edition", on_delete=models.CASCADE, related_name="candidate_proposals")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    tier = models.CharField(
        _("tier"),
        max_length=20,
        choices=Tier.choices,
        blank=True,
        help_text=_("Empty: ranked, but outside every quota."),
    )
    rank = models.PositiveIntegerField(_("rank"))
    score = models.DecimalField(_("combined score"), max_digits=8, decimal_places=2)
    encouraged = models.BooleanField(_("encouraged type"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    change_reason = models.TextField(_("reason for the change"), blank=True)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("candidate proposal")
        verbose_name_plural = _("candidate proposals")
        ordering = ["edition", "category", "rank"]
        constraints = [models.UniqueConstraint(fields=["edition", "application"], name="candidate_once_per_edition")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.application_id} {self.tier}"


class GateRecord(models.Model):
    """The recorded result of a gate stage for one application: public-opinion check, qualification or formal
    check, social satisfaction survey (with its score), or the supervision group's opinions (noted only)."""

    edition_stage = models.ForeignKey(EditionStage, on_delete=models.CASCADE, related_name="gate_records")
    application = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.CASCADE, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=GateOutcome.choices)
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("The social satisfaction survey's score, 0 to 100."),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("gate record")
        verbose_name_plural = _("gate records")
        ordering = ["edition_stage", "application"]
        constraints = [
            models.UniqueConstraint(fields=["edition_stage", "application"], name="gate_record_once_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_outcome_display()} ({self.edition_stage})"


class StageDepartment(models.Model):
    """A department that must sign off the qualification check of an edition stage (Linyi art. 15). The office
    keeps the list; the default comes from the rulebook's stage (``stage_records.default_departments``)."""

    edition_stage = models.ForeignKey(EditionStage, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("department"), max_length=60)
    position = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("signing department")
        verbose_name_plural = _("signing departments")
        ordering = ["edition_stage", "position"]
        constraints = [models.UniqueConstraint(fields=["edition_stage", "name"], name="stage_department_unique_name")]

    def __str__(self) -> str:
        return self.name


class DepartmentSignOff(models.Model):
    """One department's decision on one application's qualification check (Linyi art. 15)."""

    edition_stage = models.ForeignKey(EditionStage, on_delete=models.CASCADE, related_name="sign_offs")
    application = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.CASCADE, related_name="+"
    )
    department = models.CharField(_("department"), max_length=60)
    decision = models.CharField(_("decision"), max_length=10, choices=SignOffDecision.choices)
    note = models.TextField(_("note"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("department sign-off")
        verbose_name_plural = _("department sign-offs")
        ordering = ["edition_stage", "application", "signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition_stage", "application", "department"], name="department_sign_off_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department}: {self.get_decision_display()} ({self.application_id})"


class SiteVisit(models.Model):
    """The on-site review of one application: when, where, which assigned experts go, and their checklist."""

    edition_stage = models.ForeignKey(EditionStage, on_delete=models.CASCADE, related_name="site_visits")
    application = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.CASCADE, related_name="+"
    )
    scheduled_on = models.DateField(_("date of the visit"))
    place = models.CharField(_("place"), max_length=200)
    team = models.ManyToManyField(ExpertProfile, verbose_name=_("team"), related_name="site_visits")
    # [{"item": "…", "done": false}, …]
    checklist = models.JSONField(_("checklist"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scheduled by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["edition_stage", "scheduled_on"]
        constraints = [
            models.UniqueConstraint(fields=["edition_stage", "application"], name="site_visit_once_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} @ {self.place} {self.scheduled_on}"


class DefenceSession(models.Model):
    """A session of the oral defence in which several applicants present and answer the experts."""

    edition_stage = models.ForeignKey(EditionStage, on_delete=models.CASCADE, related_name="defence_sessions")
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200)
    applications = models.ManyToManyField("applications.Application", verbose_name=_("applications"), related_name="+")
    note = models.TextField(_("note"), blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scheduled by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("defence session")
        verbose_name_plural = _("defence sessions")
        ordering = ["edition_stage", "starts_at"]

    def __str__(self) -> str:
        return f"{self.edition_stage} {self.starts_at:%Y-%m-%d %H:%M} {self.place}"


class ReviewRules(models.Model):
    """What a rulebook says of its review work beyond the make-up of its bodies (which is on ``awards.Rulebook``):
    who approves the review committee before it acts (Linyi art. 7(四)), whether members are drawn from the pool by
    their fields (national art. 12), the undertaking of confidentiality and independence every expert and agency
    member signs before seeing an edition's material (Zibo art. 22, Weihai art. 24, Linyi art. 24, national art.
    15), and the body that removes misbehaving review staff (Zibo art. 21, Weihai art. 25, Linyi art. 26).
    Loaded by a data migration; read by reviews.bodies, reviews.undertakings and reviews.services."""

    rulebook = models.OneToOneField(
        "awards.Rulebook", verbose_name=_("rulebook"), on_delete=models.CASCADE, related_name="review_rules"
    )
    committee_approved_by = models.CharField(
        _("body that approves the review committee"),
        max_length=60,
        blank=True,
        help_text=_("Empty when the rulebook has no approval of the committee."),
    )
    committee_approval_article = models.CharField(_("article on the committee's approval"), max_length=40, blank=True)
    field_match_article = models.CharField(
        _("article on members of matching fields"),
        max_length=40,
        blank=True,
        help_text=_("When set, an expert is seated on a body with a specialty only if the expert has that field."),
    )
    undertaking_article = models.CharField(_("article on confidentiality"), max_length=40, blank=True)
    undertaking_text = models.TextField(_("text of the undertaking"), blank=True)
    removal_body_kind = models.CharField(
        _("body that removes review staff"), max_length=30, choices=RemovalBodyKind.choices, blank=True
    )
    removal_body = models.CharField(_("that body as the rulebook names it"), max_length=60, blank=True)
    removal_article = models.CharField(_("article on the removal of review staff"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("review rules of a rulebook")
        verbose_name_plural = _("review rules of rulebooks")

    def __str__(self) -> str:
        return str(self.rulebook)


class Undertaking(models.Model):
    """An expert's or agency member's undertaking of confidentiality and independence for one edition, signed
    before they see any of its application material. Keeps the text and the article signed."""

    edition = models.ForeignKey(
        "awards.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="undertakings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="undertakings"
    )
    article = models.CharField(_("article"), max_length=40)
    text = models.TextField(_("text of the undertaking"))
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("undertaking of confidentiality")
        verbose_name_plural = _("undertakings of confidentiality")
        ordering = ["edition", "signed_at"]
        constraints = [models.UniqueConstraint(fields=["edition", "user"], name="undertaking_once_per_edition")]

    def __str__(self) -> str:
        return f"{self.user} · {self.edition} ({self.article})"
