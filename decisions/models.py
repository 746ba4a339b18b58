"""What happens to the candidate list: (for now) certificates, their batches and the items issued to winners."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import BatchState, IssuedItemKind


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

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_kind_display()}"
