"""Thin views: the citizen's report form, the public announcements, the holder's page, and the office's case list,
case page, decisions, evidence, recovery and spot checks."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.enums import AuditAction, Role
from accounts.listing import paginate
from accounts.ratelimit import over_limit
from accounts.rules import role_required
from accounts.services import audit_record
from awards.confirmations import REVOCATION_PROCEDURE, problem

from . import selectors, services
from .enums import CaseState
from .forms import (
    CaseFilterForm,
    CaseOpenForm,
    CommentForm,
    DismissForm,
    EvidenceForm,
    ProposeForm,
    RecoveryForm,
    ReportForm,
    RevokeForm,
    SpotCheckForm,
)
from .rules import can_act_on_cases

# A person files a report or two; far fewer than a script would.
REPORT_RATE_LIMIT = (5, 3600)
PAGE_SIZE = 50


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _private_file(field_file, name: str, content_type: str = "application/octet-stream") -> FileResponse:
    response = FileResponse(field_file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


# --- public ----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
def report(request):
    """Public, no login: a citizen reports facts about a current award holder."""
    holders = selectors.current_holders()
    if request.method == "POST":
        if over_limit(request, "revocation:report", *REPORT_RATE_LIMIT):
            return render(request, "revocation/report.html", {"limited": True}, status=429)
        form = ReportForm(request.POST, request.FILES, holders=holders)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.report_file(
                    application=data["application"],
                    full_name=data["full_name"],
                    contact=data["contact"],
                    facts=data["facts"],
                    evidence=data.get("evidence"),
                    request=request,
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                request.session["revocation_report"] = case.reference
                return redirect("revocation:report_done")
    else:
        form = ReportForm(holders=holders)
    return render(request, "revocation/report.html", {"form": form})


@require_GET
@never_cache
def report_done(request):
    reference = request.session.get("revocation_report")
    if not reference:
        return redirect("revocation:report")
    return render(request, "revocation/report_done.html", {"reference": reference})


@require_GET
def announcements(request):
    listing = paginate(request, selectors.announcements(), per_page=PAGE_SIZE)
    return render(request, "revocation/announcements.html", {"page": listing.page, "query": listing.query})


@require_GET
def announcement(request, reference: str):
    case = selectors.announcement(reference=reference)
    return render(request, "revocation/announcement.html", {"case": case})


# --- the holder ------------------------------------------------------------------------------------------


@require_GET
@role_required(Role.APPLICANT)
def mine(request):
    return render(request, "revocation/mine.html", {"awards": selectors.holder_awards(user=request.user)})


# --- the office ------------------------------------------------------------------------------------------


@require_GET
@role_required(Role.OFFICE_STAFF, Role.AUDITOR)
def case_list(request):
    schemes = list(selectors.schemes())
    form = CaseFilterForm(request.GET or None, schemes=schemes)
    cases = selectors.cases_for_office(user=request.user, **form.filters())
    listing = paginate(request, cases, per_page=PAGE_SIZE)
    counts = selectors.case_counts(user=request.user)
    return render(
        request,
        "revocation/case_list.html",
        {
            "form": form,
            "page": listing.page,
            "query": listing.query,
            "state_counts": [(value, label, counts.get(value, 0)) for value, label in CaseState.choices],
            "can_act": can_act_on_cases(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICE_STAFF)
def case_open(request):
    holders = selectors.current_holders()
    form = CaseOpenForm(request.POST or None, holders=holders, initial={"application": request.GET.get("award")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(
                application=data["application"],
                source=data["source"],
                by=request.user,
                summary=data["summary"],
                request=request,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Case %(reference)s opened.") % {"reference": case.reference})
            return redirect("revocation:case", pk=case.pk)
    return render(request, "revocation/case_open.html", {"form": form})


def _case_page(request, case, **forms):
    grounds = selectors.grounds_for(case.application)
    context = {
        "case": case,
        "can_act": can_act_on_cases(request.user),
        "comment_form": CommentForm(),
        "propose_form": ProposeForm(grounds=grounds, initial={"ground": case.ground_id}),
        "revoke_form": RevokeForm(grounds=grounds, initial={"ground": case.ground_id}),
        "dismiss_form": DismissForm(),
        "evidence_form": EvidenceForm(),
        "recovery_forms": [
            (
                item,
                RecoveryForm(
                    prefix=f"r{item.pk}",
                    initial={
                        "state": item.state,
                        "done_on": item.done_on,
                        "amount_recovered": item.amount_recovered,
                        "note": item.note,
                    },
                ),
            )
            for item in case.recovery.all()
        ],
        "procedure": services.procedure_for(case.application.edition.rulebook),
        # Zibo 第二十九条: a procedure left to separate rules is refused until the office confirms it.
        "procedure_problem": problem(case.application.edition.rulebook, REVOCATION_PROCEDURE),
    }
    context.update(forms)
    return render(request, "revocation/case.html", context, status=400 if forms else 200)


@require_GET
@role_required(Role.OFFICE_STAFF, Role.AUDITOR)
def case_detail(request, pk: int):
    return _case_page(request, selectors.case_for_office(user=request.user, pk=pk))


_SIMPLE_STEPS = {
    "confirm": services.case_confirm,
    "investigate": services.case_investigate,
}


@require_POST
@role_required(Role.OFFICE_STAFF)
def case_step(request, pk: int, step: str):
    case = selectors.case_for_office(user=request.user, pk=pk)
    grounds = selectors.grounds_for(case.application)
    try:
        if step in _SIMPLE_STEPS:
            form = CommentForm(request.POST)
            if not form.is_valid():
                return _case_page(request, case, comment_form=form)
            _SIMPLE_STEPS[step](case=case, by=request.user, comment=form.cleaned_data["comment"], request=request)
        elif step == "propose":
            form = ProposeForm(request.POST, grounds=grounds)
            if not form.is_valid():
                return _case_page(request, case, propose_form=form)
            services.case_propose(
                case=case,
                by=request.user,
                ground=form.cleaned_data["ground"],
                findings=form.cleaned_data["findings"],
                request=request,
            )
        elif step == "revoke":
            form = RevokeForm(request.POST, request.FILES, grounds=grounds)
            if not form.is_valid():
                return _case_page(request, case, revoke_form=form)
            data = form.cleaned_data
            services.case_revoke(
                case=case,
                by=request.user,
                ground=data["ground"],
                document_number=data["document_number"],
                decided_on=data["decided_on"],
                document=data.get("document"),
                comment=data["comment"],
                request=request,
            )
        elif step == "dismiss":
            form = DismissForm(request.POST, request.FILES)
            if not form.is_valid():
                return _case_page(request, case, dismiss_form=form)
            data = form.cleaned_data
            services.case_dismiss(
                case=case,
                by=request.user,
                reason=data["reason"],
                document_number=data["document_number"],
                decided_on=data["decided_on"],
                document=data.get("document"),
                request=request,
            )
        else:
            raise Http404("no such step")
    except ValidationError as error:
        _errors_to_form(form, error)
        name = {"revoke": "revoke_form", "dismiss": "dismiss_form", "propose": "propose_form"}.get(step, "comment_form")
        return _case_page(request, selectors.case_for_office(user=request.user, pk=pk), **{name: form})
    messages.success(request, _("The case has been updated."))
    return redirect("revocation:case", pk=case.pk)


@require_POST
@role_required(Role.OFFICE_STAFF)
def evidence_upload(request, pk: int):
    case = selectors.case_for_office(user=request.user, pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                case=case,
                by=request.user,
                uploaded=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                request=request,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("The file has been added."))
            return redirect("revocation:case", pk=case.pk)
    return _case_page(request, case, evidence_form=form)


@require_GET
@role_required(Role.OFFICE_STAFF, Role.AUDITOR)
def evidence_download(request, pk: int, evidence_pk: int):
    evidence = selectors.evidence_for_office(user=request.user, case_pk=pk, pk=evidence_pk)
    audit_record(action=AuditAction.EXPORT, obj=evidence, detail=f"evidence of {evidence.case}", request=request)
    return _private_file(evidence.file, evidence.name, evidence.content_type)


@require_GET
@role_required(Role.OFFICE_STAFF, Role.AUDITOR)
def decision_download(request, pk: int):
    case = selectors.decision_file_for_office(user=request.user, pk=pk)
    audit_record(action=AuditAction.EXPORT, obj=case, detail="decision document", request=request)
    return _private_file(case.decision_file, case.decision_file_name or f"{case.reference}.pdf")


@require_POST
@role_required(Role.OFFICE_STAFF)
def recovery_update(request, pk: int, item_pk: int):
    item = selectors.recovery_item_for_office(user=request.user, case_pk=pk, pk=item_pk)
    form = RecoveryForm(request.POST, prefix=f"r{item.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.recovery_update(
                item=item,
                by=request.user,
                state=data["state"],
                done_on=data["done_on"],
                amount_recovered=data["amount_recovered"],
                note=data["note"],
                request=request,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Recovery updated."))
            return redirect("revocation:case", pk=pk)
    # The recovery forms are small lines of the case page: show what was wrong there.
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("revocation:case", pk=pk)


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICE_STAFF, Role.AUDITOR)
def spot_checks(request):
    can_act = can_act_on_cases(request.user)
    organisations = selectors.organisation_choices()
    form = SpotCheckForm(request.POST or None, organisations=organisations) if can_act else None
    if request.method == "POST":
        if not can_act:
            raise PermissionDenied("the auditor reads spot checks only")
        if form.is_valid():
            data = form.cleaned_data
            try:
                _check, proposed = services.spot_check_record(by=request.user, request=request, **data)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("The spot check has been recorded."))
                for case in proposed:
                    messages.warning(
                        request,
                        _("The results meet %(rule)s: case %(reference)s is proposed for your confirmation.")
                        % {"rule": case.trigger, "reference": case.reference},
                    )
                return redirect("revocation:spot_checks")
    organisation_id = request.GET.get("organisation")
    checks = selectors.spot_checks_for_office(
        user=request.user, organisation_id=int(organisation_id) if (organisation_id or "").isdigit() else None
    )
    listing = paginate(request, checks, per_page=PAGE_SIZE)
    return render(
        request,
        "revocation/spot_checks.html",
        {"form": form, "page": listing.page, "query": listing.query},
        status=400 if request.method == "POST" else 200,
    )
