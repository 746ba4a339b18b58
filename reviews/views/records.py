"""The stages recorded rather than scored: gates, department sign-offs, site visits, defence sessions."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.enums import Role
from accounts.rules import has_any_role, role_required
from applications.rules import can_run_stage
from awards.enums import StageKind

from .. import selectors as select
from ..forms import (
    DefenceSessionForm,
    GateRecordForm,
    SignOffForm,
    SiteVisitForm,
    StageDepartmentsForm,
)
from ..models import EditionStage
from ..stage_records import (
    GATE_STAGES,
    SURVEY_STAGES,
    defence_session_schedule,
    department_sign_off,
    gate_record,
    site_visit_schedule,
    stage_departments_set,
)
from .progress import GATE_BULK_ACTIONS, gate_bulk_post

# --- the stages recorded rather than scored: gates, department sign-offs, site visits, defence sessions ------------


def _stage_of_kind(pk: int, kinds) -> EditionStage:
    """The edition stage if it is of one of `kinds`; any other stage has no such page: 404."""
    return select.edition_stage_of_kind(pk=pk, kinds=kinds)


def _posted_pk(request, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise Http404 from None


def _gate_context(edition_stage, user) -> dict:
    """The applications still to record (at the stage, no record yet) and the recorded ones, read-only."""
    records = select.gate_records(edition_stage=edition_stage)
    recorded = {record.application_id for record in records}
    pending = [
        application
        for application in select.stage_applicants(edition_stage=edition_stage)
        if application.pk not in recorded
    ]
    signed_by_departments = select.stage_signed_by_departments(edition_stage=edition_stage)
    return {
        "edition_stage": edition_stage,
        "pending": pending,
        "records": records,
        "signed_by_departments": signed_by_departments,
        "can_record": has_any_role(user, Role.OFFICE_STAFF, Role.AGENCY_STAFF) and not signed_by_departments,
        "is_survey": edition_stage.stage.kind in SURVEY_STAGES,
    }


@role_required(Role.OFFICE_STAFF, Role.AGENCY_STAFF, Role.QUALIFICATION_DEPARTMENT)
@require_http_methods(["GET", "POST"])
def gate(request, pk: int):
    edition_stage = _stage_of_kind(pk, GATE_STAGES)
    if not can_run_stage(request.user, edition_stage):
        raise PermissionDenied("only the office, the agency that runs it or, for a qualification check, a department")
    context = _gate_context(edition_stage, request.user)
    kind = edition_stage.stage.kind
    bound = None
    if request.method == "POST" and request.POST.get("action") in GATE_BULK_ACTIONS:
        return gate_bulk_post(request, edition_stage, context)
    if request.method == "POST":
        application_id = _posted_pk(request, "application")
        application = next((a for a in context["pending"] if a.pk == application_id), None)
        if application is None or not context["can_record"]:
            raise Http404
        bound = GateRecordForm(request.POST, kind=kind, prefix=f"gate-{application_id}")
        if bound.is_valid():
            try:
                gate_record(
                    edition_stage=edition_stage,
                    application=application,
                    outcome=bound.cleaned_data["outcome"],
                    note=bound.cleaned_data["note"],
                    score=bound.cleaned_data.get("score"),
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                bound.add_error(None, error)
            else:
                messages.success(
                    request, _("The result of %(number)s has been recorded.") % {"number": _number(application)}
                )
                return redirect("reviews:gate", pk=edition_stage.pk)
    context["rows"] = [
        {
            "application": application,
            "form": bound
            if bound is not None and bound.prefix == f"gate-{application.pk}"
            else GateRecordForm(kind=kind, prefix=f"gate-{application.pk}"),
        }
        for application in context["pending"]
    ]
    return render(request, "reviews/gate.html", context, status=400 if bound is not None else 200)


def _number(application) -> str:
    return application.number or f"#{application.pk}"


def _signoff_page(request, edition_stage, *, bound=None, departments_form=None, status=200):
    departments = select.stage_department_names(edition_stage=edition_stage)
    # The office signs on behalf of any department; a department account only for its own (department_sign_off).
    own = getattr(request.user, "department", None)
    office = has_any_role(request.user, Role.OFFICE_STAFF)
    mine = departments if office else [name for name in departments if own is not None and name == own.name]
    pending_ids = select.stage_application_ids(edition_stage=edition_stage)
    sign_offs = select.department_sign_offs(edition_stage=edition_stage)
    by_application = defaultdict(dict)
    for sign_off in sign_offs:
        by_application[sign_off.application_id][sign_off.department] = sign_off
    applications = select.applications_with_applicant(pks=pending_ids | set(by_application))
    rows = []
    for application in applications:
        prefix = f"signoff-{application.pk}"
        signed = by_application.get(application.pk, {})
        rows.append(
            {
                "application": application,
                "cells": [(name, signed.get(name)) for name in departments],
                "at_stage": application.pk in pending_ids,
                "form": bound
                if bound is not None and bound.prefix == prefix
                else SignOffForm(departments=[n for n in mine if n not in signed], prefix=prefix),
            }
        )
    is_office_user = has_any_role(request.user, Role.OFFICE_STAFF)
    return render(
        request,
        "reviews/signoff.html",
        {
            "edition_stage": edition_stage,
            "departments": departments,
            "rows": rows,
            "can_edit_departments": is_office_user and not sign_offs,
            "departments_form": departments_form or StageDepartmentsForm(initial={"names": "\n".join(departments)}),
        },
        status=status,
    )


@role_required(Role.OFFICE_STAFF, Role.QUALIFICATION_DEPARTMENT)
@require_http_methods(["GET", "POST"])
def signoff(request, pk: int):
    edition_stage = _stage_of_kind(pk, {StageKind.QUALIFICATION_CHECK})
    if request.method == "GET":
        return _signoff_page(request, edition_stage)
    if request.POST.get("action") == "departments":
        form = StageDepartmentsForm(request.POST)
        form.is_valid()  # one optional text field: always valid
        try:
            stage_departments_set(
                edition_stage=edition_stage, names=form.names_list(), by=request.user, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
            return _signoff_page(request, edition_stage, departments_form=form, status=400)
        messages.success(request, _("The departments that sign off have been saved."))
        return redirect("reviews:signoff", pk=edition_stage.pk)
    application_id = _posted_pk(request, "application")
    application = select.stage_applicant(edition_stage=edition_stage, pk=application_id)
    if application is None:
        raise Http404
    departments = select.stage_department_names(edition_stage=edition_stage)
    bound = SignOffForm(request.POST, departments=departments, prefix=f"signoff-{application_id}")
    if bound.is_valid():
        try:
            department_sign_off(
                edition_stage=edition_stage,
                application=application,
                department=bound.cleaned_data["department"],
                decision=bound.cleaned_data["decision"],
                note=bound.cleaned_data["note"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            bound.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(department)s's decision on %(number)s has been recorded.")
                % {"department": bound.cleaned_data["department"], "number": _number(application)},
            )
            return redirect("reviews:signoff", pk=edition_stage.pk)
    return _signoff_page(request, edition_stage, bound=bound, status=400)


def _visit_form(edition_stage, data=None) -> SiteVisitForm:
    return SiteVisitForm(
        data,
        applications=select.stage_applicants(edition_stage=edition_stage),
        experts=select.stage_experts(edition_stage=edition_stage),
    )


@role_required(Role.OFFICE_STAFF, Role.AGENCY_STAFF)
@require_http_methods(["GET", "POST"])
def visits(request, pk: int):
    edition_stage = _stage_of_kind(pk, {StageKind.ONSITE_REVIEW})
    if not can_run_stage(request.user, edition_stage):
        raise PermissionDenied("only the office or the agency that runs this stage")
    form = _visit_form(edition_stage, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        try:
            site_visit_schedule(edition_stage=edition_stage, **arguments, by=request.user, request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The visit to %(number)s has been scheduled.") % {"number": _number(arguments["application"])},
            )
            return redirect("reviews:visits", pk=edition_stage.pk)
    scheduled = select.site_visits(edition_stage=edition_stage)
    return render(
        request,
        "reviews/visits.html",
        {"edition_stage": edition_stage, "form": form, "visits": scheduled},
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.OFFICE_STAFF, Role.AGENCY_STAFF)
@require_http_methods(["GET", "POST"])
def defence(request, pk: int):
    edition_stage = _stage_of_kind(pk, {StageKind.ORAL_DEFENCE})
    if not can_run_stage(request.user, edition_stage):
        raise PermissionDenied("only the office or the agency that runs this stage")
    form = DefenceSessionForm(
        request.POST if request.method == "POST" else None,
        applications=select.stage_applicants(edition_stage=edition_stage),
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = defence_session_schedule(
                edition_stage=edition_stage, **form.service_arguments(), by=request.user, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The defence session of %(time)s has been scheduled.")
                % {"time": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")},
            )
            return redirect("reviews:defence", pk=edition_stage.pk)
    sessions = select.defence_sessions(edition_stage=edition_stage)
    return render(
        request,
        "reviews/defence.html",
        {"edition_stage": edition_stage, "form": form, "sessions": sessions},
        status=400 if request.method == "POST" else 200,
    )
