"""What happens to the candidate list: the steps of each scheme's decision chain, the public notice and its
objections, certificates, their batches and the items issued to winners."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from awards.enums import Category, Tier

from .enums import BatchState, EntryOutcome, IssuedItemKind, ObjectionState


def _certificate_path(instance: "Certificate", filename: str) -> str:
    return f"certificates/{instance.token}.pdf"


class Certificate(models.Model):
    """A winner's certificate. `number` is printed and readable; `token` is random and is what the QR code and the
    public verification page use, so certificate numbers cannot be enumerated."""

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    token = models.CharField(_("verification token"), max_length=40, unique=True, editable=False)
    title = models.CharField(_("title awarded"), max_length=120)
    winner_name = models.CharField(_("winner"), max_length=200)
    unit_name = models.CharField(_("unit"), max_length=200, blank=True)
    edition_title = models.CharField(_("edition"), max_length=120)
    issuing_body = models.CharField(_("issuing body"), max_length=120)
    issued_on = models.DateField(_("issued on"))
    pdf = models.FileField(upload_to=_certificate_path, max_length=200, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class CertificateBatch(models.Model):
    """The rendering of an edition's certificates, with its progress for the office."""

    edition = models.ForeignKey("awards.Edition", on_delete=models.CASCADE, related_name="certificate_batches")
    state = models.CharField(_("state"), max_length=20, choices=BatchState.choices, default=BatchState.QUEUED)
    total = models.PositiveIntegerField(_("certificates"), default=0)
    done = models.PositiveIntegerField(_("rendered"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.edition} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return int(100 * (self.done + self.failed) / self.total) if self.total else 100


class IssuedItem(models.Model):
    """Something handed to a winner: a certificate, a plaque (Weihai, Linyi), a trophy (Linyi) or award money
    (amount and the date it was paid)."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("item"), max_length=20, choices=IssuedItemKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("issued item")
        verbose_name_plural = _("issued items")
        ordering = ["application", "kind"]
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="issued_item_once")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_kind_display()}"


class AwardMoneyPurpose(models.Model):
    """One purpose a rulebook lists for award money (Weihai art. 19, Linyi art. 21: 主要用于质量持续改进、质量攻关…,
    不得挪作他用), in the rulebook's words. Money recorded as used for these counts as used as required."""

    rulebook = models.ForeignKey(
        "awards.Rulebook", verbose_name=_("rulebook"), on_delete=models.CASCADE, related_name="award_money_purposes"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("purpose"), max_length=100)
    article = models.CharField(_("article"), max_length=40)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("purpose of award money")
        verbose_name_plural = _("purposes of award money")
        ordering = ["rulebook", "position"]
        constraints = [models.UniqueConstraint(fields=["rulebook", "text"], name="award_money_purpose_once")]

    def __str__(self) -> str:
        return self.text


def _money_use_path(instance, filename: str) -> str:
    # Private storage under a random name; the display name is kept beside it.
    return f"decisions/money/{uuid.uuid4().hex}"


class AwardMoneyUse(models.Model):
    """How a winner used part of the award money paid: the purpose, the amount, the date, optional evidence, as the
    office recorded it. A revocation takes back only what is not recorded as used as required."""

    item = models.ForeignKey(IssuedItem, verbose_name=_("award money"), on_delete=models.PROTECT, related_name="uses")
    purpose = models.ForeignKey(
        AwardMoneyPurpose, verbose_name=_("purpose"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    used_on = models.DateField(_("used on"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    evidence = models.FileField(_("evidence"), upload_to=_money_use_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=130, blank=True)
    evidence_sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("use of award money")
        verbose_name_plural = _("uses of award money")
        ordering = ["item", "used_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="award_money_use_positive")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.used_on} {self.amount}"


def _document_path(instance, filename: str) -> str:
    # Private storage under a random name; the display name is kept beside it.
    return f"decisions/{uuid.uuid4().hex}"


class DecisionStep(models.Model):
    """One step of an edition's decision chain, i.e. one decision-phase stage of its rulebook's pipeline, as the
    body that took it recorded it: the office's proposal, the supervision group's opinions, the review committee's
    plenary, the leading group's meeting, the ministry's comments, the government's or organiser's approval, the
    announcement. Each candidate's result at the step is a StepOutcome."""

    edition = models.ForeignKey(
        "awards.Edition", verbose_name=_("edition"), on_delete=models.PROTECT, related_name="decision_steps"
    )
    stage = models.ForeignKey("awards.Stage", verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+")
    body = models.CharField(_("decided by"), max_length=120)
    held_on = models.DateField(_("date"))
    minutes = models.TextField(_("minutes or opinions"), blank=True)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    document = models.FileField(_("document"), upload_to=_document_path, max_length=200, blank=True)
    document_name = models.CharField(_("document file name"), max_length=130, blank=True)
    document_sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    members_total = models.PositiveSmallIntegerField(_("members"), null=True, blank=True)
    members_present = models.PositiveSmallIntegerField(_("members present"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision step")
        verbose_name_plural = _("decision steps")
        ordering = ["edition", "stage__position"]
        constraints = [models.UniqueConstraint(fields=["edition", "stage"], name="decision_step_once")]

    def __str__(self) -> str:
        return f"{self.edition_id} {self.stage}"


class StepOutcome(models.Model):
    """One candidate's result at one decision step: kept on the list or not (with the reason), and the votes where
    the body voted."""

    step = models.ForeignKey(DecisionStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="outcomes")
    application = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.PROTECT, related_name="+"
    )
    kept = models.BooleanField(_("kept on the list"))
    votes_for = models.PositiveSmallIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("decision of a step on a candidate")
        verbose_name_plural = _("decisions of a step on candidates")
        ordering = ["step", "id"]
        constraints = [models.UniqueConstraint(fields=["step", "application"], name="step_outcome_once")]

    def __str__(self) -> str:
        return f"{self.step_id} {self.application_id} {'kept' if self.kept else 'dropped'}"


class PublicNotice(models.Model):
    """The public notice (公示) of an edition's proposed names. `ends_at` is the deadline column the sweep reads:
    the first moment after the last working day of the notice, in the portal's time zone."""

    edition = models.ForeignKey(
        "awards.Edition", verbose_name=_("edition"), on_delete=models.PROTECT, related_name="notices"
    )
    stage = models.ForeignKey("awards.Stage", verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    body = models.CharField(_("published by"), max_length=120)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    starts_on = models.DateField(_("published on"))
    ends_on = models.DateField(_("last day"))
    ends_at = models.DateTimeField(_("ends at"), db_index=True)
    how_to_object = models.TextField(
        _("how to object"), help_text=_("Where and how objections are received, with a contact telephone.")
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "stage"], name="notice_once_per_stage"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="notice_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.title


class NoticeEntry(models.Model):
    """A name on a public notice, copied when the notice is published so that a past notice reads as it was."""

    notice = models.ForeignKey(PublicNotice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=200)
    unit_name = models.CharField(_("unit"), max_length=200, blank=True)
    district_name = models.CharField(_("district"), max_length=60, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.AWARD)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=EntryOutcome.choices, default=EntryOutcome.PENDING
    )
    outcome_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("name on a public notice")
        verbose_name_plural = _("names on public notices")
        ordering = ["notice", "position"]
        constraints = [models.UniqueConstraint(fields=["notice", "application"], name="notice_entry_once")]

    def __str__(self) -> str:
        return self.name


class Objection(models.Model):
    """An objection (异议) to a name on a public notice, filed by anyone under a real name. Only the office sees it;
    it investigates and records its findings and the outcome."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    notice = models.ForeignKey(
        PublicNotice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="objections"
    )
    entry = models.ForeignKey(
        NoticeEntry, verbose_name=_("objection to"), on_delete=models.PROTECT, related_name="objections"
    )
    full_name = models.CharField(_("real name"), max_length=60)
    phone = models.CharField(_("telephone"), max_length=30)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.CharField(_("unit (if objecting for one)"), max_length=200, blank=True)
    statement = models.TextField(_("facts and reasons"))
    evidence = models.FileField(_("evidence"), upload_to=_document_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=130, blank=True)
    evidence_size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    evidence_sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=ObjectionState.choices, default=ObjectionState.OPEN)
    findings = models.TextField(_("findings of the investigation"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["entry", "state"])]

    def __str__(self) -> str:
        return self.reference


class NoticeSpec(models.Model):
    """What a rulebook's public notice is called and where it is published, in the rulebook's words: the name
    of the list published (Zibo 拟选树名单, Weihai 认定候选名单, Linyi 拟获奖名单, national 推荐名单, Shandong
    评审结果) and the channels its text names (NoticeChannel). `objections_to_committee`: the text has objections
    investigated and the findings reported to the review committee before approval (national 第二十一条)."""

    rulebook = models.OneToOneField(
        "awards.Rulebook", verbose_name=_("rulebook"), on_delete=models.CASCADE, related_name="notice_spec"
    )
    list_name = models.CharField(_("name of the list published"), max_length=60)
    text = models.TextField(_("the rulebook's words"), blank=True)
    article = models.CharField(_("article"), max_length=40)
    objections_to_committee = models.BooleanField(_("objections reported to the review committee"), default=False)
    objections_article = models.CharField(_("article on objections"), max_length=40, blank=True)
    committee_body = models.CharField(_("committee deliberating objections"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("public notice rule")
        verbose_name_plural = _("public notice rules")

    def __str__(self) -> str:
        return f"{self.list_name} ({self.article})"


class NoticeChannel(models.Model):
    """One channel a rulebook names for its public notice (e.g. 新闻媒体; 工信部网站), in its words."""

    spec = models.ForeignKey(
        NoticeSpec, verbose_name=_("notice rule"), on_delete=models.CASCADE, related_name="channels"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("channel"), max_length=60)

    class Meta:
        verbose_name = _("notice channel")
        verbose_name_plural = _("notice channels")
        ordering = ["spec", "position"]
        constraints = [models.UniqueConstraint(fields=["spec", "name"], name="notice_channel_once")]

    def __str__(self) -> str:
        return self.name


class NoticePublication(models.Model):
    """Where and when the office published a notice on one channel its rulebook names."""

    notice = models.ForeignKey(
        PublicNotice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="publications"
    )
    channel = models.ForeignKey(NoticeChannel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="+")
    published_on = models.DateField(_("published on"))
    where = models.CharField(_("where (outlet, page or address)"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("publication of a notice")
        verbose_name_plural = _("publications of notices")
        ordering = ["notice", "channel__position"]
        constraints = [models.UniqueConstraint(fields=["notice", "channel"], name="notice_publication_once")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.channel_id} {self.published_on}"


class ObjectionDeliberation(models.Model):
    """The review committee's deliberation (审议) of the findings on an objection, where the rulebook has them
    reported to it (national 第二十一条): the date and the committee's conclusion."""

    objection = models.OneToOneField(
        Objection, verbose_name=_("objection"), on_delete=models.PROTECT, related_name="deliberation"
    )
    body = models.CharField(_("deliberated by"), max_length=60)
    held_on = models.DateField(_("date"))
    conclusion = models.TextField(_("conclusion"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("committee deliberation of an objection")
        verbose_name_plural = _("committee deliberations of objections")

    def __str__(self) -> str:
        return f"{self.objection_id} {self.held_on}"


class OnwardAward(models.Model):
    """An award a rulebook has its winners recommended on to (Zibo 第二十六条, Weihai 第二十条: 山东省省长质量奖), with
    the rulebook's words."""

    rulebook = models.OneToOneField(
        "awards.Rulebook", verbose_name=_("rulebook"), on_delete=models.CASCADE, related_name="onward_award"
    )
    award_name = models.CharField(_("onward award"), max_length=120)
    text = models.TextField(_("the rulebook's words"))
    article = models.CharField(_("article"), max_length=40)

    class Meta:
        verbose_name = _("onward recommendation rule")
        verbose_name_plural = _("onward recommendation rules")

    def __str__(self) -> str:
        return f"{self.award_name} ({self.article})"


class OnwardRecommendation(models.Model):
    """The office's recommendation of an edition's winners on to the award its rulebook names: the letter's
    number, date and addressee, and the winners recommended (OnwardNominee, copied so the letter reads as made)."""

    edition = models.ForeignKey(
        "awards.Edition", verbose_name=_("edition"), on_delete=models.PROTECT, related_name="onward_recommendations"
    )
    award_name = models.CharField(_("onward award"), max_length=120)
    article = models.CharField(_("article"), max_length=40)
    addressee = models.CharField(_("addressed to"), max_length=120)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    made_on = models.DateField(_("date"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        verbose_name = _("onward recommendation")
        verbose_name_plural = _("onward recommendations")
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"{self.edition_id} {self.award_name} {self.made_on}"


class OnwardNominee(models.Model):
    recommendation = models.ForeignKey(
        OnwardRecommendation, verbose_name=_("recommendation"), on_delete=models.CASCADE, related_name="nominees"
    )
    application = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=200)
    unit_name = models.CharField(_("unit"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("winner recommended onward")
        verbose_name_plural = _("winners recommended onward")
        ordering = ["recommendation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "application"], name="onward_nominee_once")
        ]

    def __str__(self) -> str:
        return self.name
