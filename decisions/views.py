"""Thin views of the certificates: the public verification page, the winner's download and the office's batch."""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.enums import AuditAction, Role
from accounts.rules import role_required
from accounts.services import audit_record, client_ip
from awards.models import Edition

from . import certificates
from .models import CertificateBatch

# At most this many look-ups per client address in this many seconds: enough for a person checking a handful of
# certificates, far too few to walk the token space. Overridable in settings for tests and busy reception desks.
VERIFY_RATE_LIMIT = (30, 600)


def _over_limit(request) -> bool:
    limit, window = getattr(settings, "CERTIFICATE_VERIFY_RATE_LIMIT", VERIFY_RATE_LIMIT)
    key = f"decisions:verify:{client_ip(request) or 'unknown'}"
    # add() starts the window only for the first request; incr() is atomic on Redis and in the local-memory cache.
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


@require_GET
@never_cache
def verify(request, token: str):
    """Public, no login: valid (winner, edition, date, number), revoked (with its date) or unknown, nothing else."""
    if _over_limit(request):
        return render(request, "decisions/verify.html", {"status": "limited"}, status=429)
    status, certificate = certificates.verification_status(token)
    context = {"status": status}
    if certificate is not None:
        context.update(
            number=certificate.number,
            title=certificate.title,
            winner_name=certificate.winner_name,
            unit_name=certificate.unit_name,
            edition_title=certificate.edition_title,
            issuing_body=certificate.issuing_body,
            issued_on=certificate.issued_on,
            revoked_on=certificate.application.revoked_on if status == certificates.REVOKED else None,
        )
    response = render(request, "decisions/verify.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@role_required(Role.APPLICANT, Role.OFFICE_STAFF)
def download(request, pk: int):
    certificate = certificates.certificate_for_download(user=request.user, pk=pk)
    if not certificate.pdf:
        raise Http404("the certificate has not been rendered yet")
    audit_record(action=AuditAction.EXPORT, obj=certificate, detail="certificate PDF", request=request)
    response = FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"{certificate.number}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICE_STAFF)
def batch(request, edition_id: int):
    edition = get_object_or_404(Edition.objects.select_related("scheme"), pk=edition_id)
    if request.method == "POST":
        started = certificates.certificate_batch_start(edition=edition, by=request.user, request=request)
        messages.success(
            request,
            _("Rendering of %(total)d certificates has been queued.") % {"total": started.total},
        )
        return redirect("decisions:batch", edition_id=edition.pk)
    summary = certificates.edition_certificate_summary(edition)
    return render(request, "decisions/batch.html", {"edition": edition, **summary})


@require_GET
@never_cache
@role_required(Role.OFFICE_STAFF)
def batch_progress(request, pk: int):
    batch = get_object_or_404(CertificateBatch, pk=pk)
    return JsonResponse(
        {
            "state": batch.state,
            "state_label": str(batch.get_state_display()),
            "total": batch.total,
            "done": batch.done,
            "failed": batch.failed,
            "percent": batch.percent,
            "finished": batch.finished_at is not None,
        }
    )
