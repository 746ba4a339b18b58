"""The office's worklist: every submitted application of the editions it runs, searched, filtered, sorted and
paged on the server, with its counts per state, an .xlsx export of exactly the filtered rows, and the bulk
"start review". The auditor reads the same list without its action buttons."""

import io

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_GET, require_POST

from accounts.bulk import BulkResult
from accounts.enums import AuditAction, Role
from accounts.listing import paginate
from accounts.rules import has_any_role, role_required
from accounts.services import audit_record
from applications import services
from applications.enums import ApplicationState
from applications.exports import XLSX_CONTENT_TYPE, _write_sheet, safe_name
from awards.enums import Category, Tier

from .. import selectors
from ..filters import SORT_LABELS, WorklistFilter

READERS = (Role.OFFICE_STAFF, Role.AUDITOR)
PAGE_SIZE = 50
# The outcome of a bulk action, kept for the one page the browser is sent back to.
BULK_RESULT_KEY = "office_bulk_result"


def _filterset(request) -> WorklistFilter:
    # Always bound (an empty query is a valid one), so that the default sort applies.
    return WorklistFilter(request.GET, queryset=selectors.office_applications(user=request.user), request=request)


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in ("page", *names):
        query.pop(name, None)
    return query.urlencode()


def _bulk_from_session(request) -> BulkResult | None:
    stored = request.session.pop(BULK_RESULT_KEY, None)
    if not stored:
        return None
    return BulkResult(done=list(stored["done"]), refused=[tuple(pair) for pair in stored["refused"]])


def _sort_columns(request, sort: str) -> list[dict]:
    """The sortable column headings: each links to its sort, ascending first, then the other way round."""
    query = _query_without(request, "o")
    columns = []
    for key, label in SORT_LABELS.items():
        direction = "ascending" if sort == key else "descending" if sort == f"-{key}" else ""
        target = f"-{key}" if direction == "ascending" else key
        columns.append(
            {
                "key": key,
                "label": label,
                "direction": direction,
                "url": f"?{query}&o={target}" if query else f"?o={target}",
            }
        )
    return columns


@role_required(*READERS)
@require_GET
def applications(request):
    filterset = _filterset(request)
    listing = paginate(request, filterset.qs, per_page=PAGE_SIZE)
    counts = selectors.state_counts(filterset.queryset_without("state"))
    current_state = filterset.form.cleaned_data.get("state") or ""
    tabs = [("", _("All"), counts["all"])] + [
        (state.value, state.label, counts.get(state.value, 0))
        for state in ApplicationState
        if state != ApplicationState.DRAFT and (counts.get(state.value) or state.value == current_state)
    ]
    edition = filterset.form.cleaned_data.get("edition")
    return render(
        request,
        "office/applications.html",
        {
            "filterset": filterset,
            "page": listing.page,
            "query": listing.query,
            "tab_query": _query_without(request, "state"),
            "tabs": tabs,
            "current_state": current_state,
            "edition": edition,
            "recommended_in_edition": counts.get(ApplicationState.RECOMMENDED, 0) if edition else 0,
            "list_query": request.GET.urlencode(),
            "here": request.get_full_path(),
            "can_act": has_any_role(request.user, Role.OFFICE_STAFF),
            "bulk": _bulk_from_session(request),
            "export_query": _query_without(request),
            "sort": filterset.sort,
            "sort_columns": _sort_columns(request, filterset.sort),
            "selected_template": _("%(n)s selected"),
        },
    )


# --- the export ---------------------------------------------------------------------------------------------------

# The columns of the office's list, in the wording of its own tables (applications.exports: annex 3).
WORKLIST_COLUMNS = (
    ("序号", 6),
    ("申报编号", 16),
    ("奖项及届别", 28),
    ("单位名称/姓名", 36),
    ("统一社会信用代码", 22),
    ("类别", 8),
    ("推荐区县（市）", 20),
    ("当前状态", 18),
    ("当前阶段", 16),
    ("奖励层级", 12),
    ("提交时间", 18),
)
OUTSIDE_QUOTAS_LABEL = "名额外"


def _tier_label(tier) -> str:
    if tier is None:
        return ""
    return str(Tier(tier).label) if tier else OUTSIDE_QUOTAS_LABEL


def worklist_rows(applications) -> list[list]:
    """One row per application of the filtered list (``selectors.office_applications``, annotated)."""
    rows = []
    for index, application in enumerate(applications, start=1):
        unit = application.category == Category.UNIT
        submitted = application.submitted_at
        rows.append(
            [
                index,
                application.number,
                f"{application.edition.scheme.name} {application.edition.title}",
                application.applicant_name,
                application.organisation.credit_code if unit and application.organisation_id else "",
                application.get_category_display(),
                str(application.recommender),
                application.get_state_display(),
                application.current_stage.get_kind_display() if application.current_stage_id else "",
                _tier_label(application.tier),
                # Excel has no time zones: write the wall-clock time in Asia/Shanghai.
                timezone.localtime(submitted).replace(tzinfo=None, microsecond=0) if submitted else None,
            ]
        )
    return rows


def build_worklist_xlsx(applications) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "申报工作清单"
    _write_sheet(
        sheet,
        [heading for heading, _w in WORKLIST_COLUMNS],
        worklist_rows(applications),
        [width for _h, width in WORKLIST_COLUMNS],
    )
    for (cell,) in sheet.iter_rows(min_row=2, min_col=len(WORKLIST_COLUMNS), max_col=len(WORKLIST_COLUMNS)):
        cell.number_format = "yyyy-mm-dd hh:mm"
    workbook.properties.title = "申报工作清单"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@role_required(*READERS)
@require_GET
def applications_export(request):
    """Exactly the rows the list shows with the same search, filters and sort, on every page at once."""
    filterset = _filterset(request)
    rows = list(filterset.qs)
    edition = filterset.form.cleaned_data.get("edition")
    stem = f"{edition.scheme.number_prefix}-{edition.year}-" if edition else ""
    filename = safe_name(f"{stem}申报工作清单-{timezone.localdate():%Y%m%d}.xlsx")
    with override(settings.LANGUAGE_CODE):
        data = build_worklist_xlsx(rows)
    audit_record(
        action=AuditAction.EXPORT,
        obj=edition,
        detail=f"{filename}: {len(rows)} rows, {request.GET.urlencode()}"[:500],
        request=request,
    )
    response = FileResponse(io.BytesIO(data), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


# --- the bulk "start review" ---------------------------------------------------------------------------------------


def back_to(request, default: str) -> str:
    """The page the form was sent from (its `next`), if it is one of this site's; else `default`."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return default


def _pks(values) -> list[int]:
    try:
        return sorted({int(value) for value in values})
    except (TypeError, ValueError):
        raise Http404("bad application id") from None


@role_required(Role.OFFICE_STAFF)
@require_POST
def applications_start_review(request):
    """Start the review of the selected applications, or of every recommended one of an edition."""
    back = back_to(request, reverse("office:applications"))
    if request.POST.get("scope") == "edition":
        edition = get_object_or_404(
            selectors.office_editions(user=request.user), pk=_pks([request.POST.get("edition")])[0]
        )
        chosen = list(selectors.edition_recommended(user=request.user, edition=edition))
        if not chosen:
            messages.info(
                request, _("No application of %(edition)s waits for its review to start.") % {"edition": edition}
            )
            return redirect(back)
    else:
        pks = _pks(request.POST.getlist("application"))
        if not pks:
            messages.error(request, _("Select at least one application first."))
            return redirect(back)
        chosen = list(selectors.office_applications_chosen(user=request.user, pks=pks))
    result = services.applications_start_review(applications=chosen, by=request.user, request=request)
    request.session[BULK_RESULT_KEY] = {
        "done": [str(application) for application in result.done],
        "refused": [[str(application), reason] for application, reason in result.refused],
    }
    return redirect(back)


def worklist_url(list_query: str) -> str:
    """The worklist with the filters the dossier was opened from (a query string, re-encoded so that only
    parameters reach the link)."""
    query = QueryDict(list_query or "").urlencode()
    url = reverse("office:applications")
    return f"{url}?{query}" if query else url
