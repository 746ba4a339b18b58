"""Revocation as data and as cases: each rulebook's grounds and who acts, the facts that trigger a case (quality
spot checks and the rules that read them), the case with its evidence and timeline, and what a revocation takes
back from the holder."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Organisation
from awards.enums import AwardItemKind, Category
from awards.models import Rulebook

from .enums import (
    DISMISSABLE_STATES,
    AuthorityLevel,
    CaseSource,
    CaseState,
    RecoveryState,
    SpotCheckResult,
    TriggerKind,
)

C = CaseState


class RevocationProcedure(models.Model):
    """Who acts in a rulebook's revocation: the body that investigates and proposes, and the body that decides
    (Weihai: the office proposes, the city government revokes; Linyi: the leading group via the city government;
    national: the association's office). The office records each step; these names go into the case timeline."""

    rulebook = models.OneToOneField(
        Rulebook, verbose_name=_("rulebook"), on_delete=models.CASCADE, related_name="revocation_procedure"
    )
    proposing_body = models.CharField(_("investigates and proposes"), max_length=120)
    deciding_body = models.CharField(_("decides the revocation"), max_length=120)
    article = models.CharField(_("article"), max_length=60, blank=True)
    holder_duties = models.TextField(
        _("duties of the holder"),
        blank=True,
        help_text=_("What the rulebook asks of a holder after the award, shown on the holder's page."),
    )
    duties_article = models.CharField(_("article on the duties"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("revocation procedure")
        verbose_name_plural = _("revocation procedures")
        ordering = ["rulebook"]

    def __str__(self) -> str:
        return f"{self.rulebook}: {self.proposing_body} → {self.deciding_body}"


class RevocationGround(models.Model):
    """One ground on which a rulebook revokes an award of a category, as the rulebook words it."""

    rulebook = models.ForeignKey(
        Rulebook, verbose_name=_("rulebook"), on_delete=models.CASCADE, related_name="revocation_grounds"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    article = models.CharField(_("article"), max_length=40)
    number = models.PositiveSmallIntegerField(_("item"), help_text=_("The item's number within the article."))
    citation = models.CharField(
        _("citation"),
        max_length=60,
        default="",
        help_text=_("The article and item as the rulebook's own text numbers them, e.g. 第二十七条第（三）项."),
    )
    text = models.CharField(_("wording"), max_length=400)
    periodic_evaluation = models.BooleanField(
        _("ground of a failed periodic evaluation"),
        default=False,
        help_text=_("A holder who fails a periodic evaluation round is proposed for revocation on this ground."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("ground of revocation")
        verbose_name_plural = _("grounds of revocation")
        ordering = ["rulebook", "category", "article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "category", "article", "number"], name="ground_unique_item")
        ]

    def __str__(self) -> str:
        return f"{self.citation} {self.text}"


class CaseTrigger(models.Model):
    """A rule that has the portal propose a case from a unit's spot-check results, for the office to confirm:
    `count` failures within `window_years` (rolling), or `count` failures in a row; only checks by an authority
    of `min_level` or above count."""

    rulebook = models.ForeignKey(
        Rulebook, verbose_name=_("rulebook"), on_delete=models.CASCADE, related_name="case_triggers"
    )
    kind = models.CharField(_("rule"), max_length=30, choices=TriggerKind.choices)
    count = models.PositiveSmallIntegerField(_("failures"))
    window_years = models.PositiveSmallIntegerField(_("within years"), null=True, blank=True)
    min_level = models.CharField(
        _("checks by authorities of at least"),
        max_length=20,
        choices=AuthorityLevel.choices,
        blank=True,
        help_text=_("Empty: checks at every level count."),
    )
    ground = models.ForeignKey(
        RevocationGround, verbose_name=_("ground"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    article = models.CharField(_("article"), max_length=40)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("case trigger")
        verbose_name_plural = _("case triggers")
        ordering = ["rulebook", "id"]

    def __str__(self) -> str:
        if self.kind == TriggerKind.FAILURES_WITHIN_WINDOW:
            return _("%(count)d failures within %(years)d years (%(article)s)") % {
                "count": self.count,
                "years": self.window_years or 0,
                "article": self.article,
            }
        return _("%(count)d consecutive failures (%(article)s)") % {"count": self.count, "article": self.article}

    def clean(self) -> None:
        if self.count < 1:
            raise ValidationError({"count": _("At least one failure.")})
        if self.kind == TriggerKind.FAILURES_WITHIN_WINDOW and not self.window_years:
            raise ValidationError({"window_years": _("This rule needs a number of years.")})


class SpotCheck(models.Model):
    """One quality supervision spot check of a unit's product, as the authority reported it."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="spot_checks"
    )
    checked_on = models.DateField(_("date of the check"))
    authority = models.CharField(_("authority"), max_length=120)
    level = models.CharField(_("level of the authority"), max_length=20, choices=AuthorityLevel.choices)
    product = models.CharField(_("product"), max_length=200)
    result = models.CharField(_("result"), max_length=10, choices=SpotCheckResult.choices)
    reference = models.CharField(_("report number"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quality spot check")
        verbose_name_plural = _("quality spot checks")
        ordering = ["-checked_on", "-id"]
        indexes = [models.Index(fields=["organisation", "checked_on"])]

    def __str__(self) -> str:
        return f"{self.organisation} {self.checked_on} {self.product}: {self.get_result_display()}"


def _evidence_path(instance: "CaseEvidence", filename: str) -> str:
    # Private storage under a random name; the display name is kept in `name`.
    return f"revocation/{instance.case_id}/{uuid.uuid4().hex}"


def _decision_path(instance: "RevocationCase", filename: str) -> str:
    return f"revocation/{instance.pk}/decision-{uuid.uuid4().hex}"


class RevocationCase(FSMModelMixin, models.Model):
    """A case against one award. Its state changes only through the transitions below, each called by one
    service in revocation.services."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    application = models.ForeignKey(
        "applications.Application", verbose_name=_("award"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=30, choices=CaseSource.choices)
    state = FSMField(_("state"), max_length=20, choices=CaseState.choices, default=C.OPENED, protected=True)
    ground = models.ForeignKey(
        RevocationGround,
        verbose_name=_("ground"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    summary = models.TextField(_("facts"))
    findings = models.TextField(_("findings"), blank=True)
    # A citizen's report: shown to the office only, never to the holder.
    reporter_name = models.CharField(_("reporter's real name"), max_length=60, blank=True)
    reporter_contact = models.CharField(_("reporter's contact"), max_length=100, blank=True)
    reporter_addr = models.GenericIPAddressField(_("reporter's address"), null=True, blank=True)
    # A case the portal proposed from spot checks: the rule and the checks that met it (once per set).
    trigger = models.ForeignKey(
        CaseTrigger, verbose_name=_("rule met"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    trigger_key = models.CharField(max_length=200, blank=True, editable=False)
    spot_checks = models.ManyToManyField(SpotCheck, verbose_name=_("spot checks"), blank=True, related_name="+")
    # The decision, recorded by the office from the deciding body's document.
    decided_by_body = models.CharField(_("decided by"), max_length=120, blank=True)
    decision_number = models.CharField(_("decision document number"), max_length=60, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_file = models.FileField(_("decision document"), upload_to=_decision_path, max_length=200, blank=True)
    decision_file_name = models.CharField(_("decision file name"), max_length=130, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    state_changed_at = models.DateTimeField(_("state changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("revocation case")
        verbose_name_plural = _("revocation cases")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "trigger_key"],
                condition=~models.Q(trigger_key=""),
                name="case_once_per_trigger_set",
            ),
        ]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return self.reference

    # The lifecycle. Guards that need data (document number, ground, the award's state) live in the services.

    @transition(field=state, source=C.AWAITING, target=C.OPENED)
    def confirm(self) -> None:
        pass

    @transition(field=state, source=C.OPENED, target=C.INVESTIGATING)
    def investigate(self) -> None:
        pass

    @transition(field=state, source=C.INVESTIGATING, target=C.PROPOSED)
    def propose(self) -> None:
        pass

    @transition(field=state, source=C.PROPOSED, target=C.REVOKED)
    def revoke(self) -> None:
        pass

    @transition(field=state, source=sorted(DISMISSABLE_STATES), target=C.DISMISSED)
    def dismiss(self) -> None:
        pass


class CaseEvent(models.Model):
    """One line of a case's timeline: who moved it, for which body, and why. Append-only."""

    case = models.ForeignKey(RevocationCase, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=20, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=CaseState.choices)
    body = models.CharField(_("acting body"), max_length=120, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    occurred_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("case history")
        verbose_name_plural = _("case history")
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Case history is append-only.")
        super().save(*args, **kwargs)


class CaseEvidence(models.Model):
    """A file on a case: the reporter's evidence or what the office gathered. Downloaded only by the office."""

    case = models.ForeignKey(RevocationCase, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=_evidence_path, max_length=200)
    name = models.CharField(_("file name"), max_length=130)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    content_type = models.CharField(_("type"), max_length=100)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case evidence")
        verbose_name_plural = _("case evidence")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class RecoveryItem(models.Model):
    """Something a revocation takes back (the rulebook's award items marked as recovered), tracked until done."""

    case = models.ForeignKey(RevocationCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="recovery")
    kind = models.CharField(_("item"), max_length=20, choices=AwardItemKind.choices)
    article = models.CharField(_("article"), max_length=40, blank=True)
    amount_issued = models.DecimalField(
        _("amount issued (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount_used = models.DecimalField(
        _("amount used as required (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Recorded as used for the purposes the rulebook lists, when the revocation was decided."),
    )
    amount_due = models.DecimalField(
        _("amount to recover (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "The amount issued less the amount used as required: only money not used as required is taken back."
        ),
    )
    amount_recovered = models.DecimalField(
        _("amount recovered (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    state = models.CharField(_("state"), max_length=20, choices=RecoveryState.choices, default=RecoveryState.PENDING)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("item to recover")
        verbose_name_plural = _("items to recover")
        ordering = ["case", "kind"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="recovery_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}: {self.get_state_display()}"
