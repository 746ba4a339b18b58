"""Certificates: issuing a winner's certificate, rendering it to PDF, rendering an edition's batch, and the public
verification answer. Writes follow applications.services: refuse (audited) before the transaction, lock, write,
audit, queue tasks on commit."""

import ctypes
import ctypes.util
import gc
import hashlib
import logging
import re
import secrets
from datetime import date

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.enums import AuditAction, AuditResult
from accounts.services import audit_record
from applications.enums import ApplicationState
from applications.models import Application
from applications.pdf import render_pdf
from applications.rules import is_applicant_of, is_office
from applications.selectors import applications_visible_to
from awards.enums import Category
from awards.models import Edition

from .enums import BatchState
from .models import Certificate, CertificateBatch

logger = logging.getLogger(__name__)

S = ApplicationState
TEMPLATE = "decisions/certificate.html"
CATEGORY_LETTER = {Category.UNIT: "U", Category.INDIVIDUAL: "P"}
_SEQUENCE = re.compile(r"-(\d+)$")

VALID, REVOKED, UNKNOWN = "valid", "revoked", "unknown"


def _refuse(by, obj, reason: str, request=None):
    # Before any transaction.atomic(), so that the audit row is not rolled back with the refused write.
    audit_record(
        action=AuditAction.PERMISSION_REFUSED,
        result=AuditResult.REFUSED,
        actor=by,
        obj=obj,
        detail=reason,
        request=request,
    )
    raise PermissionDenied(reason)


def portal_base_url() -> str:
    return settings.PORTAL_BASE_URL.rstrip("/")


def verification_url(certificate: Certificate) -> str:
    """The absolute public address printed in the QR code: by the random token, never by the number."""
    return portal_base_url() + reverse("decisions:verify", kwargs={"token": certificate.token})


# --- issuing -----------------------------------------------------------------------------------------------


def _next_number(edition: Edition, category: str) -> str:
    """Max + 1 over the edition's certificates; the caller holds the edition's row lock, so two issuers never draw
    the same number and a rolled-back issue leaves no gap."""
    taken = Certificate.objects.filter(application__edition=edition).values_list("number", flat=True)
    last = max((int(m.group(1)) for n in taken if (m := _SEQUENCE.search(n))), default=0)
    return f"{edition.scheme.number_prefix}-{edition.year}-{CATEGORY_LETTER[category]}-{last + 1:03d}"


def _winner(application: Application) -> tuple[str, str]:
    if application.category == Category.INDIVIDUAL and application.individual_id:
        person = application.individual
        return person.full_name, (person.employer.name if person.employer_id else person.employer_name)
    return application.applicant_name, ""


def _issue(*, application: Application, issued_on: date | None) -> tuple[Certificate, bool]:
    """Inside a transaction: lock the edition, then create the certificate unless it exists."""
    Edition.objects.select_for_update().filter(pk=application.edition_id).first()
    existing = Certificate.objects.filter(application_id=application.pk).first()
    if existing is not None:
        return existing, False
    application = Application.objects.select_related(
        "edition", "edition__scheme", "organisation", "individual", "individual__employer"
    ).get(pk=application.pk)
    if application.state not in (S.APPROVED, S.AWARDED):
        raise ValidationError(_("Only an approved or awarded application receives a certificate."))
    edition, scheme = application.edition, application.edition.scheme
    winner, unit = _winner(application)
    certificate = Certificate.objects.create(
        application=application,
        number=_next_number(edition, application.category),
        token=secrets.token_urlsafe(16),
        title=scheme.name,
        winner_name=winner,
        unit_name=unit,
        edition_title=edition.title,
        issuing_body=scheme.organiser,
        issued_on=issued_on or application.awarded_on or timezone.localdate(),
    )
    return certificate, True


def certificate_issue(*, application: Application, by, issued_on: date | None = None, request=None) -> Certificate:
    """Give an approved or awarded application its certificate; a second call returns the existing one. (The
    verification page calls it valid only once the award is announced, i.e. the application is AWARDED.)

    Side effects: locks the edition row, inserts the Certificate (number gapless per edition, random token) and a
    CREATE audit row. Does not render the PDF (see certificate_render). Refuses anyone but the office (audited)
    and an application neither approved nor awarded (ValidationError).
    """
    if not is_office(by):
        _refuse(by, application, "only the award office issues certificates", request)
    with transaction.atomic():
        certificate, created = _issue(application=application, issued_on=issued_on)
        if created:
            audit_record(action=AuditAction.CREATE, actor=by, obj=certificate, request=request, detail="certificate")
    return certificate


# --- rendering ---------------------------------------------------------------------------------------------


def qr_data_uri(url: str) -> str:
    # PNG, not SVG: WeasyPrint embeds it as one image, cheaper to lay out than hundreds of SVG rectangles.
    return segno.make(url, error="m").png_data_uri(scale=8, border=2)


def certificate_context(certificate: Certificate) -> dict:
    url = verification_url(certificate)
    return {"certificate": certificate, "verify_url": url, "qr_data_uri": qr_data_uri(url)}


def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc
        return None


_MALLOC_TRIM = _malloc_trim()


def release_memory() -> None:
    """Collect WeasyPrint's reference cycles and hand freed heap pages back to the system. Pango and fontconfig
    allocate outside Python, and without the trim glibc keeps those pages, so a worker rendering a batch grows by
    tens of megabytes per hundred certificates (bench/certificates.py measures it)."""
    gc.collect()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def certificate_pdf(context: dict) -> bytes:
    """The PDF bytes of a certificate from a plain context (also used by bench/certificates.py without a DB)."""
    with override(settings.LANGUAGE_CODE):
        return render_pdf(TEMPLATE, context)


def certificate_render(*, certificate: Certificate) -> Certificate:
    """Render the certificate to PDF and store it.

    Side effects: writes the file to the default storage (replacing an earlier rendering), saves pdf, sha256 and
    rendered_at, and collects garbage so that a worker rendering hundreds stays flat in memory.
    """
    try:
        data = certificate_pdf(certificate_context(certificate))
        if certificate.pdf:
            certificate.pdf.delete(save=False)
        certificate.pdf.save(f"{certificate.token}.pdf", ContentFile(data), save=False)
        certificate.sha256 = hashlib.sha256(data).hexdigest()
        certificate.rendered_at = timezone.now()
        certificate.save(update_fields=["pdf", "sha256", "rendered_at"])
        return certificate
    finally:
        release_memory()


# --- batches -----------------------------------------------------------------------------------------------


def _awarded_certificates(edition_id: int) -> QuerySet[Certificate]:
    return Certificate.objects.filter(application__edition_id=edition_id, application__state=S.AWARDED)


def certificate_batch_start(*, edition: Edition, by, request=None) -> CertificateBatch:
    """Issue a certificate to every awarded application of the edition and queue their rendering.

    Side effects: inserts the missing Certificates (see certificate_issue), a CertificateBatch whose total is the
    number of awarded certificates, a CREATE audit row, and queues decisions.render_certificate_batch on commit.
    Refuses anyone but the office (audited).
    """
    if not is_office(by):
        _refuse(by, edition, "only the award office renders certificates", request)
    with transaction.atomic():
        awarded = Application.objects.filter(edition=edition, state=S.AWARDED).order_by("awarded_on", "number", "pk")
        for application in awarded:
            _issue(application=application, issued_on=None)
        batch = CertificateBatch.objects.create(
            edition=edition, total=_awarded_certificates(edition.pk).count(), requested_by=by
        )
        audit_record(action=AuditAction.CREATE, actor=by, obj=batch, request=request, detail="certificate batch")
        from .tasks import render_certificate_batch

        transaction.on_commit(lambda: render_certificate_batch.delay(batch.pk))
    return batch


def _render_one(certificate_id: int) -> bool | None:
    """Render one certificate under its row lock; None when another worker holds it or it is already rendered."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update(skip_locked=True)
            .filter(pk=certificate_id, rendered_at__isnull=True)
            .first()
        )
        if certificate is None:
            return None
        certificate_render(certificate=certificate)
        return True


def certificate_batch_run(*, batch_id: int) -> CertificateBatch:
    """Render every certificate of the batch's edition that is not rendered yet. Running it again (a redelivered
    task, a second worker) renders only what is missing.

    Side effects: batch state queued → running → finished; `done` starts at the certificates already rendered and
    grows with F() increments as each one is stored, `failed` counts renderings that raised (logged); finished_at
    and a final recount at the end.
    """
    batch = CertificateBatch.objects.get(pk=batch_id)
    awarded = _awarded_certificates(batch.edition_id)
    pending = list(awarded.filter(rendered_at__isnull=True).values_list("pk", flat=True))
    CertificateBatch.objects.filter(pk=batch_id).update(
        state=BatchState.RUNNING,
        done=_awarded_certificates(batch.edition_id).filter(rendered_at__isnull=False).count(),
        failed=0,
        finished_at=None,
    )
    for certificate_id in pending:
        try:
            rendered = _render_one(certificate_id)
        except Exception:
            logger.exception("certificate %s of batch %s failed to render", certificate_id, batch_id)
            CertificateBatch.objects.filter(pk=batch_id).update(failed=F("failed") + 1)
            continue
        if rendered:
            CertificateBatch.objects.filter(pk=batch_id).update(done=F("done") + 1)
    # The recount is the truth when another worker rendered some of them meanwhile.
    CertificateBatch.objects.filter(pk=batch_id).update(
        state=BatchState.FINISHED,
        done=_awarded_certificates(batch.edition_id).filter(rendered_at__isnull=False).count(),
        finished_at=timezone.now(),
    )
    batch.refresh_from_db()
    return batch


# --- reads (selectors; they belong in decisions/selectors.py once the app has one) ---------------------------


def verification_status(token: str) -> tuple[str, Certificate | None]:
    """("valid", certificate), ("revoked", certificate) or ("unknown", None): one query, whatever the answer."""
    certificate = Certificate.objects.select_related("application").filter(token=token).first()
    if certificate is None:
        return UNKNOWN, None
    application = certificate.application
    if application.state == S.REVOKED or application.revoked_on is not None:
        return REVOKED, certificate
    if application.state != S.AWARDED:
        return UNKNOWN, None
    return VALID, certificate


def certificate_for_download(*, user, pk: int) -> Certificate:
    """The winner's own certificate (their unit's, or their own as an individual) while the award stands, or any
    for the office; anything else is a 404 that admits nothing."""
    certificate = (
        Certificate.objects.select_related("application")
        .filter(pk=pk, application__in=applications_visible_to(user))
        .first()
    )
    if certificate is None or not (is_office(user) or is_applicant_of(user, certificate.application)):
        raise Http404("no such certificate")
    if not is_office(user) and certificate.application.state != S.AWARDED:
        # Before the announcement there is nothing to show; after a revocation the holder may not use the title.
        raise Http404("certificate not available to the holder")
    return certificate


def edition_certificate_summary(edition: Edition) -> dict:
    return {
        "awarded": Application.objects.filter(edition=edition, state=S.AWARDED).count(),
        "issued": _awarded_certificates(edition.pk).count(),
        "rendered": _awarded_certificates(edition.pk).filter(rendered_at__isnull=False).count(),
        "batch": CertificateBatch.objects.filter(edition=edition).first(),
    }
