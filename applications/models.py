"""Applicants, the application with its one lifecycle, its files, recommendations and history."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from accounts.models import District, Organisation
from awards.enums import Category, RecommenderLevel
from awards.models import Edition, Rulebook, Scheme, Stage

from .enums import (
    LIVE_STATES,
    WITHDRAWABLE_STATES,
    ApplicationState,
    EncouragedTag,
    FileKind,
    MaterialKind,
    RecommendationDecision,
    RecommendingBodyKind,
)

S = ApplicationState


class UnitProfile(models.Model):
    """The facts of a unit that the eligibility rules and the reviewers read."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="unit_profile"
    )
    industry = models.CharField(_("industry"), max_length=100)
    founded_on = models.DateField(_("founded on"))
    operating_since = models.DateField(
        _("main business operating since"), help_text=_("The date the main business started normal operation.")
    )
    four_new_field = models.BooleanField(
        _("four-new field"), default=False, help_text=_("New technology, industry, business form or model.")
    )
    independent_legal_person = models.BooleanField(_("independent legal person"), default=True)
    encouraged_tags = models.JSONField(_("encouraged types"), default=list, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60)
    contact_phone = models.CharField(_("contact phone"), max_length=30)

    class Meta:
        verbose_name = _("unit profile")
        verbose_name_plural = _("unit profiles")

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def encouraged_labels(self) -> list[str]:
        labels = dict(EncouragedTag.choices)
        return [str(labels[tag]) for tag in self.encouraged_tags if tag in labels]


class IndividualProfile(models.Model):
    """An individual applicant. An identity number, if given, is kept only masked and as a keyed digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="individual_profile"
    )
    full_name = models.CharField(_("full name"), max_length=60)
    employer = models.ForeignKey(
        Organisation, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    employer_name = models.CharField(_("employer"), max_length=200)
    position = models.CharField(_("position"), max_length=100, blank=True)
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    quality_work_since = models.DateField(_("doing quality work in the city since"))
    id_number_masked = models.CharField(_("identity number"), max_length=18, blank=True)
    id_number_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("individual profile")
        verbose_name_plural = _("individual profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_digest"],
                condition=~models.Q(id_number_digest=""),
                name="individual_unique_id_number",
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class Application(FSMModelMixin, models.Model):
    """One application to one edition. Its state changes only through the transitions below, each called by
    exactly one service in applications.services (or a later app's service)."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="applications"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant account"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    individual = models.ForeignKey(
        IndividualProfile,
        verbose_name=_("individual"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    # "org:<id>" or "person:<id>": one live application per applicant and edition, whoever of a unit applies.
    applicant_key = models.CharField(max_length=40, editable=False)
    recommender = models.ForeignKey(
        District,
        verbose_name=_("recommended by"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The district, city or province whose coordinators recommend this application."),
    )
    number = models.CharField(_("application number"), max_length=30, unique=True, null=True, blank=True)
    state = FSMField(_("state"), max_length=30, choices=ApplicationState.choices, default=S.DRAFT, protected=True)
    current_stage = models.ForeignKey(
        Stage, verbose_name=_("current stage"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    form_data = models.JSONField(_("form"), default=dict, blank=True)
    profitable_years = models.PositiveSmallIntegerField(_("consecutive profitable years"), null=True, blank=True)
    accident_free_declared = models.BooleanField(_("declares no major accident in the period required"), default=False)
    violation_free_declared = models.BooleanField(_("declares no violation in the period required"), default=False)
    # The applicant's own statement that it is a province-owned enterprise (省属企业), which a rulebook with a
    # direct-submission route (RecommendingBody DIRECT_SUBMISSION) lets submit without a city.
    province_owned = models.BooleanField(_("province-owned enterprise"), default=False)
    # The number the national online application system gave (the 申报编号 that names the package, Shandong
    # notice 二（四）); empty until the applicant enters it, and the package then falls back to `number`.
    external_number = models.CharField(_("number in the national online system"), max_length=40, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Facts later stages record here, so that eligibility (re-application rules, bans) reads them without
    # importing the apps that set them.
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_ground = models.CharField(_("ground of revocation"), max_length=300, blank=True)
    revocation_document = models.CharField(_("revocation document"), max_length=60, blank=True)
    state_changed_at = models.DateTimeField(_("state changed at"), auto_now_add=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "applicant_key"],
                condition=models.Q(state__in=[s.value for s in sorted(LIVE_STATES)]),
                name="application_one_live_per_applicant",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(category=Category.UNIT, organisation__isnull=False, individual__isnull=True)
                    | models.Q(category=Category.INDIVIDUAL, individual__isnull=False)
                ),
                name="application_category_matches_applicant",
            ),
        ]
        indexes = [models.Index(fields=["edition", "recommender", "state"])]

    def __str__(self) -> str:
        return f"{self.number or _('(draft)')} {self.applicant_name}"

    @property
    def applicant_name(self) -> str:
        if self.category == Category.UNIT and self.organisation_id:
            return self.organisation.name
        if self.individual_id:
            return self.individual.full_name
        return ""

    # The lifecycle. Guards that need data (deadlines, quotas, eligibility) live in the services, which hold the
    # row lock; these methods only declare which moves exist.

    @transition(field=state, source=[S.DRAFT, S.RETURNED], target=S.SUBMITTED)
    def submit(self) -> None:
        pass

    @transition(field=state, source=[S.DRAFT, S.RETURNED], target=S.RECOMMENDED)
    def submit_direct(self, *, recommender: District) -> None:
        """Submitted straight to the body that recommends it (a province-owned enterprise to the province)."""
        self.recommender = recommender

    @transition(field=state, source=S.SUBMITTED, target=S.RETURNED)
    def return_for_correction(self) -> None:
        pass

    @transition(field=state, source=S.SUBMITTED, target=S.RECOMMENDED)
    def recommend(self) -> None:
        pass

    @transition(field=state, source=S.SUBMITTED, target=S.NOT_RECOMMENDED)
    def decline(self) -> None:
        pass

    @transition(field=state, source=sorted(WITHDRAWABLE_STATES), target=S.WITHDRAWN)
    def withdraw(self) -> None:
        pass

    @transition(field=state, source=S.RECOMMENDED, target=S.IN_REVIEW)
    def start_review(self, *, stage: Stage) -> None:
        self.current_stage = stage

    @transition(field=state, source=S.IN_REVIEW, target=RETURN_VALUE(S.IN_REVIEW, S.CANDIDATE))
    def pass_stage(self, *, next_stage: Stage | None, candidate: bool) -> str:
        self.current_stage = next_stage
        return S.CANDIDATE if candidate else S.IN_REVIEW

    @transition(field=state, source=[S.RECOMMENDED, S.IN_REVIEW], target=S.DISQUALIFIED)
    def disqualify(self) -> None:
        pass

    @transition(field=state, source=[S.IN_REVIEW, S.CANDIDATE, S.IN_NOTICE], target=S.NOT_SELECTED)
    def reject(self) -> None:
        pass

    @transition(field=state, source=S.CANDIDATE, target=S.CANDIDATE)
    def advance_decision(self, *, next_stage: Stage) -> None:
        self.current_stage = next_stage

    @transition(field=state, source=S.CANDIDATE, target=S.IN_NOTICE)
    def open_notice(self, *, stage: Stage) -> None:
        self.current_stage = stage

    @transition(field=state, source=S.IN_NOTICE, target=RETURN_VALUE(S.CANDIDATE, S.APPROVED))
    def close_notice(self, *, next_stage: Stage | None, approved: bool) -> str:
        self.current_stage = next_stage
        return S.APPROVED if approved else S.CANDIDATE

    @transition(field=state, source=S.CANDIDATE, target=S.APPROVED)
    def approve(self, *, next_stage: Stage | None = None) -> None:
        self.current_stage = next_stage

    @transition(field=state, source=S.APPROVED, target=S.AWARDED)
    def award(self, *, on) -> None:
        self.awarded_on = on

    @transition(field=state, source=S.AWARDED, target=S.REVOKED)
    def revoke(self) -> None:
        pass


class ApplicationCounter(models.Model):
    """The last number given in an edition. Incremented under a row lock in the submitting transaction, so
    numbers have no gaps (a rolled-back submission rolls the counter back) and no duplicates."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="application_counter")
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.edition_id}: {self.last_number}"


class ApplicationTransition(models.Model):
    """One line of an application's history: who moved it from where to where, and why. Append-only."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(_("from"), max_length=30, choices=ApplicationState.choices)
    to_state = models.CharField(_("to"), max_length=30, choices=ApplicationState.choices)
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    occurred_at = models.DateTimeField(_("time"), auto_now_add=True)
    # Set once, by a compare-and-set update, when the mail about this row went out: a second delivery of the
    # same task, or the recovery sweep, finds it set and sends nothing.
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("application history")
        verbose_name_plural = _("application history")
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Application history is append-only.")
        super().save(*args, **kwargs)


def _private_upload_path(instance: "ApplicationFile", filename: str) -> str:
    # Stored under a random name outside the web root; the display name is kept in `name`.
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}"


class ApplicationFile(models.Model):
    """An uploaded file. A re-upload of a single-file kind supersedes the previous one, which is kept."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=FileKind.choices)
    file = models.FileField(_("file"), upload_to=_private_upload_path, max_length=200)
    name = models.CharField(_("file name"), max_length=130)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("application file")
        verbose_name_plural = _("application files")
        ordering = ["kind", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class Recommendation(models.Model):
    """A coordinator's signed opinion on an application: recommend, return for correction or decline."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="recommendations"
    )
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=20, choices=RecommendationDecision.choices)
    opinion = models.TextField(_("opinion"))
    letter = models.ForeignKey(
        ApplicationFile,
        verbose_name=_("signed letter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["signed_at", "id"]

    def __str__(self) -> str:
        return f"{self.application} {self.get_decision_display()}"


class RequiredMaterial(models.Model):
    """One piece of the application a rulebook requires before it can be submitted, with the article that asks
    for it (Zibo art. 15, Weihai art. 13, Linyi art. 14: the form, the self-evaluation report, evidence).
    Loaded from the rulebooks by data migration; the office may change them in the admin."""

    rulebook = models.ForeignKey(
        Rulebook, verbose_name=_("rulebook"), on_delete=models.CASCADE, related_name="required_materials"
    )
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=Category.choices,
        blank=True,
        help_text=_("Empty when every category must provide it."),
    )
    kind = models.CharField(_("material"), max_length=30, choices=MaterialKind.choices)
    label = models.CharField(_("name in the rulebook"), max_length=120)
    article = models.CharField(_("article"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")
        ordering = ["rulebook", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "category", "kind"], name="required_material_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.article}）"


class RecommendingBody(models.Model):
    """Who recommends applications under a rulebook, within which quota and by which article: the national
    rules' provincial industry departments and national industry associations (art. 7, 17), a province's
    pre-selection by its cities before it recommends nationally (Shandong 2021 notice 二（一）（二）), or a
    route straight to the province for province-owned enterprises (Shandong 2021 notice 一（三）3)."""

    rulebook = models.ForeignKey(
        Rulebook, verbose_name=_("rulebook"), on_delete=models.CASCADE, related_name="recommending_bodies"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=RecommendingBodyKind.choices)
    name = models.CharField(_("name in the rulebook"), max_length=120)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The province whose coordinators act for this body (or where its cities propose)."),
    )
    level = models.CharField(
        _("proposed by"),
        max_length=20,
        choices=RecommenderLevel.choices,
        blank=True,
        help_text=_("For a pre-selection: the level of the bodies that propose (the cities)."),
    )
    towards = models.ForeignKey(
        Scheme,
        verbose_name=_("for the scheme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a pre-selection: the scheme whose recommendation it prepares."),
    )
    quota = models.PositiveSmallIntegerField(
        _("quota given by the text"),
        null=True,
        blank=True,
        help_text=_(
            "Empty when the text gives no number; the office then sets it as a value it confirms "
            "(recommending_body_quota:<kind>)."
        ),
    )
    article = models.CharField(_("article"), max_length=60)
    selection_article = models.CharField(
        _("article on the province's choice"),
        max_length=60,
        blank=True,
        help_text=_("For a pre-selection: the article under which the province chooses among the proposals."),
    )
    applicant_label = models.CharField(
        _("who may use this route"), max_length=60, blank=True, help_text=_("For a direct route, e.g. 省属企业.")
    )

    class Meta:
        verbose_name = _("recommending body")
        verbose_name_plural = _("recommending bodies")
        ordering = ["rulebook", "kind", "id"]
        constraints = [models.UniqueConstraint(fields=["rulebook", "kind"], name="recommending_body_unique_kind")]

    def __str__(self) -> str:
        return f"{self.name}（{self.article}）"

    @property
    def quota_key(self) -> str:
        return f"recommending_body_quota:{self.kind}"


class CityProposal(models.Model):
    """A city's proposal of one application to its province's pre-selection (Shandong 2021 notice 二（一）):
    the province's experts then choose among the proposals (二（二）) and the province recommends those."""

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="city_proposal"
    )
    body = models.ForeignKey(
        RecommendingBody, verbose_name=_("pre-selection"), on_delete=models.PROTECT, related_name="proposals"
    )
    city = models.ForeignKey(District, verbose_name=_("city"), on_delete=models.PROTECT, related_name="+")
    opinion = models.TextField(_("opinion"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("city proposal")
        verbose_name_plural = _("city proposals")
        ordering = ["proposed_at", "id"]

    def __str__(self) -> str:
        return f"{self.city} → {self.application}"


def _city_upload_path(instance: "CitySubmission", filename: str) -> str:
    return f"city-submissions/{instance.edition_id}/{uuid.uuid4().hex}"


class CitySubmission(models.Model):
    """What a city sends the province for an edition (Shandong 2021 notice 一（三）3): its recommendation letter
    (推荐文件) and the statistics table of its recommended applicants (annex 3), as generated when it submitted."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="city_submissions"
    )
    district = models.ForeignKey(District, verbose_name=_("city"), on_delete=models.PROTECT, related_name="+")
    letter = models.FileField(_("recommendation letter"), upload_to=_city_upload_path, max_length=200)
    letter_name = models.CharField(_("file name"), max_length=130)
    letter_sha256 = models.CharField("SHA-256", max_length=64)
    statistics = models.FileField(_("statistics table"), upload_to=_city_upload_path, max_length=200)
    applications = models.ManyToManyField(Application, verbose_name=_("applications"), related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("city submission")
        verbose_name_plural = _("city submissions")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.edition} · {self.district}"
