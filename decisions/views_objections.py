"""The office's pages on objections: those filed against a notice, one objection with its evidence, and the form
that records the findings and the outcome. Nobody else sees an objection."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.enums import AuditAction, Role
from accounts.rules import role_required
from accounts.services import audit_record

from . import selectors
from .enums import ObjectionState
from .forms_notice import DeliberationForm
from .objections import deliberation_rule, objection_decide, objection_deliberation_record

UPHELD, DISMISSED = "upheld", "dismissed"


class ObjectionDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[
            (UPHELD, gettext_lazy("Upheld: the candidate leaves the list")),
            (DISMISSED, gettext_lazy("Dismissed: the candidate stays on the list")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    findings = forms.CharField(
        label=gettext_lazy("Findings of the investigation"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
        help_text=gettext_lazy("What was checked and found. If upheld, this is the reason the name leaves the list."),
    )


@require_GET
@role_required(Role.OFFICE_STAFF)
def objection_list(request, pk: int):
    notice = selectors.notice_for_office(pk)
    objections = selectors.notice_objections(notice)
    return render(
        request,
        "decisions/objections/list.html",
        {
            "notice": notice,
            "objections": objections,
            "open_count": sum(1 for objection in objections if objection.state == ObjectionState.OPEN),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICE_STAFF)
def objection_detail(request, pk: int):
    objection = selectors.objection_get(pk)
    form = None
    if objection.state == ObjectionState.OPEN:
        form = ObjectionDecideForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                objection_decide(
                    objection=objection,
                    upheld=form.cleaned_data["outcome"] == UPHELD,
                    findings=form.cleaned_data["findings"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The outcome of objection %(reference)s is recorded.") % {"reference": objection.reference},
                )
                return redirect("decisions:objection_detail", pk=objection.pk)
    elif request.method == "POST":
        messages.error(request, _("This objection has already been decided."))
        return redirect("decisions:objection_detail", pk=objection.pk)
    return render(
        request,
        "decisions/objections/detail.html",
        {
            "objection": objection,
            "form": form,
            "deliberation_rule": deliberation_rule(objection.notice.edition.rulebook_id),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICE_STAFF)
def objection_deliberation(request, pk: int):
    """The review committee's deliberation of the findings on an objection, where the rulebook has them reported
    to it (national 第二十一条); elsewhere a 404."""
    objection = selectors.objection_get(pk)
    rule = deliberation_rule(objection.notice.edition.rulebook_id)
    if rule is None:
        raise Http404("this rulebook does not report objections to a committee")
    recorded = getattr(objection, "deliberation", None)
    form = None
    if recorded is None and objection.state != ObjectionState.OPEN:
        form = DeliberationForm(request.POST or None, initial={"held_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            try:
                objection_deliberation_record(
                    objection=objection,
                    held_on=form.cleaned_data["held_on"],
                    conclusion=form.cleaned_data["conclusion"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The committee's deliberation is recorded."))
                return redirect("decisions:objection_detail", pk=objection.pk)
    elif request.method == "POST":
        messages.error(
            request,
            _("The committee's deliberation of this objection is already recorded.")
            if recorded
            else _("Record the findings of the investigation first; the committee deliberates them."),
        )
        return redirect("decisions:objection_detail", pk=objection.pk)
    return render(
        request,
        "decisions/objections/deliberation.html",
        {"objection": objection, "rule": rule, "form": form, "recorded": recorded},
    )


@require_GET
@role_required(Role.OFFICE_STAFF)
def objection_evidence(request, pk: int):
    objection = selectors.objection_get(pk)
    if not objection.evidence:
        raise Http404("no evidence file")
    audit_record(action=AuditAction.EXPORT, obj=objection, detail="objection evidence", request=request)
    response = FileResponse(objection.evidence.open("rb"), as_attachment=True, filename=objection.evidence_name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
