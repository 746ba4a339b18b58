"""Downloads of the exports: thin views that scope with the selectors and hand the files to the builders."""

import io

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import override
from django.views.decorators.http import require_GET

from accounts.enums import AuditAction, Role
from accounts.rules import role_required
from accounts.services import audit_record

from . import exports, selectors
from .rules import is_office
from .selectors import application_for, applications_visible_to, coordinator_districts


def _private(response):
    # Personal data of applicants: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@role_required(Role.OFFICE_STAFF, Role.DISTRICT_COORDINATOR)
def statistics_xlsx(request, edition_id: int):
    """Annex 3 of an edition: every application the user may see, or those of one of their districts."""
    edition = selectors.edition_for_export(pk=edition_id)
    scope = applications_visible_to(request.user)
    districts = None
    if not is_office(request.user):
        # A coordinator who also applies sees their own application elsewhere, but tabulates only their districts.
        districts = coordinator_districts(request.user)
        scope = scope.filter(recommender__in=districts)
    district = None
    if request.GET.get("district"):
        try:
            district_id = int(request.GET["district"])
        except ValueError:
            raise Http404("bad district") from None
        district = selectors.district_for_export(pk=district_id, within=districts)
    applications = exports.statistics_applications(scope, edition=edition, district=district)
    with override(settings.LANGUAGE_CODE):
        data = exports.build_statistics_xlsx(edition=edition, applications=applications)
        filename = exports.statistics_filename(edition, district)
    audit_record(action=AuditAction.EXPORT, obj=edition, detail=filename, request=request)
    response = FileResponse(
        io.BytesIO(data), as_attachment=True, filename=filename, content_type=exports.XLSX_CONTENT_TYPE
    )
    return _private(response)


@require_GET
@role_required(Role.OFFICE_STAFF, Role.DISTRICT_COORDINATOR, Role.APPLICANT)
def application_package(request, pk: int):
    """The ZIP of one application: the form as PDF, the current attachments and a manifest of SHA-256 sums."""
    application = application_for(user=request.user, pk=pk)
    try:
        package = exports.build_package(application)
    except exports.PackageUnavailable as refusal:
        status = 404 if not application.number else 409
        return render(request, "exports/package_unavailable.html", {"reason": str(refusal)}, status=status)
    audit_record(action=AuditAction.EXPORT, obj=application, detail="package", request=request)
    response = FileResponse(
        package, as_attachment=True, filename=exports.package_filename(application), content_type="application/zip"
    )
    return _private(response)
