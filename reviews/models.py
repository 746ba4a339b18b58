"""Experts, their credit and ties, and score sheets as data (GB/T 19580 and the others an office defines)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import District, Organisation
from awards.enums import Category

from .enums import BARRING_KINDS, BODY_ROLES, CreditRecordKind, MemberRole, ReviewBodyKind, ScoreSheetKind, TieKind


class ExpertProfile(models.Model):
    """A member of the expert pool (专家库)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="expert_profile"
    )
    full_name = models.CharField(_("full name"), max_length=60)
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

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

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
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
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

    class Meta:
        verbose_name = _("review body")
        verbose_name_plural = _("review bodies")
        ordering = ["edition", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["edition", "name"], name="review_body_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


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
