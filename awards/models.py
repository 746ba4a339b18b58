"""Schemes and their rulebooks as data: an office can set up a new award without a programmer."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import District

from .enums import (
    STAGE_PHASE,
    AwardItemKind,
    CalendarDayKind,
    Category,
    EditionCycle,
    EditionStatus,
    EligibilityKind,
    QuotaScope,
    RecommenderLevel,
    SchemeLevel,
    StageKind,
    Tier,
)


class Scheme(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=40)
    level = models.CharField(_("level"), max_length=20, choices=SchemeLevel.choices)
    region = models.ForeignKey(
        District,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The city or province whose applicants may take part; empty for a national scheme."),
        null=True,
        blank=True,
    )
    organiser = models.CharField(
        _("organiser"), max_length=120, help_text=_("The body that runs the scheme.")
    )
    office = models.CharField(
        _("office"), max_length=120, blank=True, help_text=_("The office that runs it day to day.")
    )
    edition_cycle = models.CharField(_("edition cycle"), max_length=20, choices=EditionCycle.choices)
    number_prefix = models.CharField(
        _("application number prefix"),
        max_length=6,
        unique=True,
        help_text=_("Two to six capital letters that start this scheme's application numbers, e.g. WH."),
        validators=[RegexValidator(r"^[A-Z]{2,6}$", _("Use two to six capital letters."))],
    )
    edition_label = models.CharField(
        _("edition word"),
        max_length=10,
        default="届",
        help_text=_("届 for numbered editions, 年度 for years."),
    )
    categories = models.JSONField(
        _("categories"), default=list, help_text=_("Which of unit / individual may apply.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        bad = [c for c in self.categories or [] if c not in Category.values]
        if bad or not self.categories:
            raise ValidationError({"categories": _("Choose one or both of: unit, individual.")})


class Rulebook(models.Model):
    """The legal text a scheme runs under, with its validity window and every parameter the portal enforces."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="rulebooks"
    )
    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=120)
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    validity_article = models.CharField(_("article on validity"), max_length=40, blank=True)
    edition_article = models.CharField(_("article on the edition cycle"), max_length=40, blank=True)
    notice_working_days = models.PositiveSmallIntegerField(
        _("public notice (working days)"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    notice_article = models.CharField(_("article on the public notice"), max_length=40, blank=True)
    recommender_level = models.CharField(
        _("recommended by"),
        max_length=20,
        choices=RecommenderLevel.choices,
        default=RecommenderLevel.COUNTY,
        help_text=_(
            "The level whose coordinators recommend applicants: a district or county (city awards), a city "
            "(provincial benchmark) or the province (national benchmark)."
        ),
    )
    recommendation_quota = models.PositiveSmallIntegerField(
        _("recommendations per recommending body"),
        null=True,
        blank=True,
        help_text=_("Empty when a recommending body may recommend any number of applicants."),
    )
    recommendation_quota_article = models.CharField(
        _("article on the recommendation quota"), max_length=40, blank=True
    )
    free_of_charge = models.BooleanField(_("free of charge"), default=True)
    source = models.CharField(_("source text"), max_length=60, blank=True)
    # The composition of an edition's review committee (read by reviews.bodies, never restated in code).
    committee_size_odd = models.BooleanField(
        _("review committee of an odd number of members"), default=False
    )
    committee_chairs = models.PositiveSmallIntegerField(_("chairs of the review committee"), default=1)
    committee_vice_chairs_min = models.PositiveSmallIntegerField(
        _("vice chairs of the review committee, at least"),
        null=True,
        blank=True,
        help_text=_("Empty when the rulebook sets no lower limit."),
    )
    committee_vice_chairs_max = models.PositiveSmallIntegerField(
        _("vice chairs of the review committee, at most"),
        null=True,
        blank=True,
        help_text=_("Empty when the rulebook sets no upper limit."),
    )
    committee_article = models.CharField(_("article on the review committee"), max_length=40, blank=True)
    plenary_quorum_numerator = models.PositiveSmallIntegerField(
        _("quorum of the committee plenary: numerator"),
        default=2,
        help_text=_("The plenary may decide only when at least numerator/denominator of its members are present."),
    )
    plenary_quorum_denominator = models.PositiveSmallIntegerField(
        _("quorum of the committee plenary: denominator"), default=3, validators=[MinValueValidator(1)]
    )
    plenary_majority_numerator = models.PositiveSmallIntegerField(
        _("majority of the committee plenary: numerator"),
        default=1,
        help_text=_("A candidate passes with more than numerator/denominator of the members present voting for."),
    )
    plenary_majority_denominator = models.PositiveSmallIntegerField(
        _("majority of the committee plenary: denominator"), default=2, validators=[MinValueValidator(1)]
    )
    plenary_article = models.CharField(
        _("article on the committee plenary"),
        max_length=40,
        blank=True,
        help_text=_("Where the rulebook states no quorum or majority, say where the office's rule comes from."),
    )
    group_article = models.CharField(
        _("article on review and specialty groups"),
        max_length=40,
        blank=True,
        help_text=_("The article that gives each group one leader."),
    )
    # The application window and the recommending bodies' submission deadline, where the text fixes them as dates
    # (the Shandong notice: 一（三）1 and 3); empty where each edition's own notice sets them.
    application_window_from = models.DateField(_("applications open, at the earliest"), null=True, blank=True)
    application_window_until = models.DateField(_("applications close, at the latest"), null=True, blank=True)
    application_window_article = models.CharField(
        _("article on the application window"), max_length=40, blank=True
    )
    submission_deadline = models.DateField(
        _("recommendations due, at the latest"),
        null=True,
        blank=True,
        help_text=_("The date by which the text has the recommending bodies send their recommendations."),
    )
    submission_deadline_article = models.CharField(
        _("article on the submission deadline"), max_length=40, blank=True
    )
    application_notice_article = models.CharField(
        _("article on the edition's application notice"),
        max_length=40,
        blank=True,
        help_text=_(
            "The article that has the office issue each edition's application notice before it opens; when set, "
            "an edition cannot open without its notice."
        ),
    )

    class Meta:
        verbose_name = _("rulebook")
        verbose_name_plural = _("rulebooks")
        ordering = ["scheme", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="rulebook_valid_until_after_from",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.document_number}".strip()

    # Values the rulebook's text gives: changing one on the rulebook screen needs the new text it comes from.
    TEXT_GIVEN_FIELDS = (
        "valid_from",
        "valid_until",
        "notice_working_days",
        "recommender_level",
        "recommendation_quota",
        "application_window_from",
        "application_window_until",
        "submission_deadline",
        "committee_size_odd",
        "committee_chairs",
        "committee_vice_chairs_min",
        "committee_vice_chairs_max",
        "plenary_quorum_numerator",
        "plenary_quorum_denominator",
        "plenary_majority_numerator",
        "plenary_majority_denominator",
    )

    def clean(self) -> None:
        errors = {}
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end of validity cannot be before its start.")
        if (
            self.application_window_from
            and self.application_window_until
            and self.application_window_until < self.application_window_from
        ):
            errors["application_window_until"] = _("The application window cannot close before it opens.")
        if errors:
            raise ValidationError(errors)

    def in_force_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    @property
    def pipeline(self) -> list["Stage"]:
        return list(self.stages.order_by("position"))


class Quota(models.Model):
    """At most `max_count` winners of a category (or in total) and tier per edition."""

    rulebook = models.ForeignKey(
        Rulebook, verbose_name=_("rulebook"), on_delete=models.CASCADE, related_name="quotas"
    )
    scope = models.CharField(_("applies to"), max_length=20, choices=QuotaScope.choices)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.AWARD)
    max_count = models.PositiveSmallIntegerField(_("at most"))
    article = models.CharField(_("article"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["rulebook", "tier", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "scope", "tier"], name="quota_unique_scope_tier")
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} · {self.get_scope_display()} ≤ {self.max_count}"


class AwardItem(models.Model):
    """Something a rulebook gives its winners of a category: a certificate, a plaque, a trophy or award money."""

    rulebook = models.ForeignKey(
        Rulebook, verbose_name=_("rulebook"), on_delete=models.CASCADE, related_name="award_items"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    kind = models.CharField(_("item"), max_length=20, choices=AwardItemKind.choices)
    article = models.CharField(_("article"), max_length=40, blank=True)
    recovered_on_revocation = models.BooleanField(
        _("recovered on revocation"), default=False, help_text=_("The rulebook has it taken back when revoked.")
    )

    class Meta:
        verbose_name = _("award item")
        verbose_name_plural = _("award items")
        ordering = ["rulebook", "category", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "category", "kind"], name="award_item_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.get_kind_display()} ({self.article})"


class EligibilityRule(models.Model):
    """One eligibility condition of a rulebook: the engine evaluates `kind` with `years` and cites `article`."""

    rulebook = models.ForeignKey(
        Rulebook, verbose_name=_("rulebook"), on_delete=models.CASCADE, related_name="eligibility_rules"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    kind = models.CharField(_("condition"), max_length=40, choices=EligibilityKind.choices)
    years = models.PositiveSmallIntegerField(_("years"), null=True, blank=True)
    inclusive = models.BooleanField(
        _("inclusive"),
        default=True,
        help_text=_("The rulebook says 'N years (inclusive)': exactly N years passes."),
    )
    article = models.CharField(_("article"), max_length=40)
    text = models.CharField(
        _("wording"), max_length=300, blank=True, help_text=_("The rule as the rulebook says it.")
    )
    source_scheme = models.ForeignKey(
        "Scheme",
        verbose_name=_("earlier winners of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a rule about earlier winners: the scheme whose winners it means."),
    )
    options = models.JSONField(
        _("options"),
        default=list,
        blank=True,
        help_text=_("For a choice: the rulebook's list, each as {\"key\": item number, \"text\": its words}."),
    )

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["rulebook", "category", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "category", "kind"], name="eligibility_unique_kind")
        ]

    _NEEDS_YEARS = {
        EligibilityKind.OPERATING_YEARS,
        EligibilityKind.FOUR_NEW_OPERATING_YEARS,
        EligibilityKind.QUALITY_WORK_YEARS,
        EligibilityKind.PROFITABLE_YEARS,
        EligibilityKind.ACCIDENT_FREE_YEARS,
        EligibilityKind.VIOLATION_FREE_YEARS,
        EligibilityKind.REVOCATION_BAN_YEARS,
    }

    def __str__(self) -> str:
        years = f" {self.years}" if self.years is not None else ""
        return f"{self.get_category_display()} · {self.get_kind_display()}{years} ({self.article})"

    def clean(self) -> None:
        if self.kind in self._NEEDS_YEARS and not self.years:
            raise ValidationError({"years": _("This condition needs a number of years.")})
        if self.kind == EligibilityKind.PREVIOUS_PROVINCIAL_BENCHMARK and not self.source_scheme_id:
            raise ValidationError({"source_scheme": _("Name the scheme whose earlier winners this rule means.")})
        if self.kind == EligibilityKind.FOCUS_FIELD:
            options = self.options if isinstance(self.options, list) else []
            if not options or not all(
                isinstance(o, dict) and str(o.get("key", "")).strip() and str(o.get("text", "")).strip()
                for o in options
            ):
                raise ValidationError(
                    {"options": _("List the rulebook's fields, each with its item number (key) and its words (text).")}
                )


class Stage(models.Model):
    """One step of the ordered pipeline an edition's applications go through, from intake to announcement."""

    rulebook = models.ForeignKey(
        Rulebook, verbose_name=_("rulebook"), on_delete=models.CASCADE, related_name="stages"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("stage"), max_length=40, choices=StageKind.choices)
    body = models.CharField(_("who acts"), max_length=120, blank=True)
    article = models.CharField(_("article"), max_length=40, blank=True)
    conditional = models.BooleanField(
        _("only where needed"), default=False, help_text=_("The rulebook runs this stage only where needed.")
    )
    weight = models.DecimalField(
        _("weight in the ranking"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For scored stages: the share of this stage in the final ranking."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["rulebook", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "position"], name="stage_unique_position"),
            models.UniqueConstraint(fields=["rulebook", "kind"], name="stage_unique_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.get_kind_display()}"

    @property
    def phase(self) -> str:
        return STAGE_PHASE[StageKind(self.kind)]


class Edition(models.Model):
    """One round of a scheme (届 / 年度) with its application window and deadlines."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="editions"
    )
    rulebook = models.ForeignKey(
        Rulebook, verbose_name=_("rulebook"), on_delete=models.PROTECT, related_name="editions"
    )
    number = models.PositiveSmallIntegerField(_("edition number"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=120)
    status = models.CharField(
        _("status"), max_length=20, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    application_opens = models.DateField(_("applications open"))
    application_closes = models.DateField(_("applications close"))
    recommendation_deadline = models.DateField(_("recommendations due"))
    review_ends = models.DateField(_("review ends"), null=True, blank=True)
    # The office's application notice (申报通知) of this edition, published on the scheme's page.
    notice_title = models.CharField(_("application notice: title"), max_length=200, blank=True)
    notice_document_number = models.CharField(_("application notice: document number"), max_length=60, blank=True)
    notice_issued_on = models.DateField(_("application notice: issued on"), null=True, blank=True)
    notice_text = models.TextField(
        _("application notice: text"),
        blank=True,
        help_text=_("The notice as issued, with the arrangements of this edition's applications."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["scheme", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "year"], name="edition_unique_year"),
            models.CheckConstraint(
                condition=models.Q(application_closes__gte=models.F("application_opens")),
                name="edition_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.short_name} {self.title}"

    def window_problems(self) -> list[str]:
        """Why this edition cannot run under its rulebook on its dates; empty when it can."""
        from .rules import edition_window_problems

        return edition_window_problems(self)

    def clean(self) -> None:
        errors = {}
        if (
            self.application_opens
            and self.application_closes
            and self.application_closes < self.application_opens
        ):
            errors["application_closes"] = _("Applications cannot close before they open.")
        if (
            self.application_closes
            and self.recommendation_deadline
            and (self.recommendation_deadline < self.application_closes)
        ):
            errors["recommendation_deadline"] = _("Recommendations cannot be due before applications close.")
        if self.rulebook_id and self.scheme_id and self.rulebook.scheme_id != self.scheme_id:
            errors["rulebook"] = _("This rulebook belongs to another scheme.")
        if errors:
            raise ValidationError(errors)
        if self.rulebook_id and self.application_opens and self.application_closes:
            problems = self.window_problems()
            if problems:
                raise ValidationError({"rulebook": problems})
        if self.rulebook_id and self.scheme_id and self.year:
            from .rules import edition_cycle_problems

            problems = edition_cycle_problems(self)
            if problems:
                raise ValidationError({"year": problems})

    @property
    def has_notice(self) -> bool:
        return bool(self.notice_title.strip() and self.notice_text.strip())


class CalendarYear(models.Model):
    """A year whose holiday schedule the office has entered in full; it lets the calendar run past the years
    the built-in schedule covers."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=[MinValueValidator(2000)])
    source = models.CharField(
        _("source"), max_length=200, help_text=_("e.g. the State Council notice and its number.")
    )
    complete = models.BooleanField(
        _("schedule complete"),
        default=True,
        help_text=_("Tick once every holiday and make-up working day of the year has been entered."),
    )

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An office entry that overrides the built-in schedule for one date: a holiday or a make-up working day."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True, help_text=_("e.g. 春节, 国庆节."))

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class OfficeSetValue(models.Model):
    """A value the portal needs but the rulebook's text does not give (e.g. a notice length, a validity end,
    a score split): it is marked as set by the office, and the portal refuses to use it until a named office
    user has confirmed it (awards.confirmations)."""

    rulebook = models.ForeignKey(
        Rulebook, verbose_name=_("rulebook"), on_delete=models.CASCADE, related_name="office_set_values"
    )
    key = models.CharField(
        _("value"),
        max_length=80,
        help_text=_("Which value: a rulebook field name, or e.g. score_sheet:<code>, revocation_procedure."),
    )
    label = models.CharField(_("what it is"), max_length=120)
    value = models.CharField(_("value set by the office"), max_length=200)
    silence = models.CharField(
        _("what the text says"),
        max_length=300,
        help_text=_("Where the rulebook is silent on it, e.g. “一（三）4 gives no period”."),
    )
    basis = models.CharField(
        _("basis of the office's value"),
        max_length=300,
        blank=True,
        help_text=_("The document or decision the office's value comes from; required to confirm it."),
    )
    confirmed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("value set by the office")
        verbose_name_plural = _("values set by the office")
        ordering = ["rulebook", "key"]
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "key"], name="office_set_value_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.rulebook} · {self.label}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None
