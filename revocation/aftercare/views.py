"""Pages after the award: the office's evaluation rounds, the holder's self-report, the evaluators' assessment,
the supervision group of an edition with its members' opinions, experience-sharing events with attendance, the
office's holder pages and everyone's "my obligations". Thin: parse, call a service or a selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.enums import AuditAction, Role
from accounts.listing import paginate
from accounts.rules import role_required
from accounts.services import audit_record

from . import selectors, services
from .enums import EvaluationCriterion
from .forms import (
    AnswerForm,
    AssessmentForm,
    AttendanceForm,
    DissolveForm,
    EvaluatorsForm,
    EventForm,
    InviteForm,
    MemberForm,
    MisconductDecisionForm,
    MisconductForm,
    OpinionForm,
    RoundLaunchForm,
    SelfReportForm,
    StaffRemovalForm,
)
from .rules import is_office, member_of, same_person

PAGE_SIZE = 25


def _errors(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def _flash(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- periodic evaluation --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def rounds(request):
    office = is_office(request.user)
    rows = selectors.rounds_for(request.user)
    if not office and not rows.exists():
        raise PermissionDenied("neither office staff nor an evaluator")
    form = RoundLaunchForm(request.POST or None) if office else None
    if request.method == "POST":
        if not office:
            raise PermissionDenied("only office staff launch an evaluation round")
        if form.is_valid():
            try:
                launched = services.evaluation_round_launch(**form.cleaned_data, by=request.user, request=request)
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(
                    request,
                    _("The round has been launched for %(count)d holders.") % {"count": launched.evaluations.count()},
                )
                return redirect("aftercare:round", pk=launched.pk)
    return render(request, "aftercare/rounds.html", {"rows": rows, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def round_detail(request, pk: int):
    evaluation_round = selectors.round_for(request.user, pk)
    office = is_office(request.user)
    form = None
    if office:
        form = EvaluatorsForm(request.POST or None, initial={"evaluators": list(evaluation_round.evaluators.all())})
    if request.method == "POST":
        if not office:
            raise PermissionDenied("only office staff name evaluators")
        if form.is_valid():
            services.evaluation_round_evaluators_set(
                evaluation_round=evaluation_round,
                evaluators=form.cleaned_data["evaluators"],
                by=request.user,
                request=request,
            )
            messages.success(request, _("The evaluators have been saved."))
            return redirect("aftercare:round", pk=evaluation_round.pk)
    return render(
        request,
        "aftercare/round.html",
        {
            "round": evaluation_round,
            "evaluations": selectors.round_evaluations(evaluation_round),
            "evaluators": selectors.round_evaluators(evaluation_round=evaluation_round),
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.APPLICANT)
def evaluation_report(request, pk: int):
    evaluation = selectors.evaluation_for_holder(request.user, pk)
    form = SelfReportForm(request.POST or None, request.FILES or None, initial={"text": evaluation.report_text})
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_report_file(
                evaluation=evaluation,
                text=form.cleaned_data["text"],
                uploaded=form.cleaned_data["file"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Your self-report has been filed."))
            return redirect("aftercare:mine")
    return render(request, "aftercare/report.html", {"evaluation": evaluation, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def evaluation_assess(request, pk: int):
    evaluation = selectors.evaluation_for_evaluator(request.user, pk)
    form = AssessmentForm(request.POST or None) if evaluation.may_report else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This evaluation has already been assessed."))
            return redirect("aftercare:assess", pk=evaluation.pk)
        if form.is_valid():
            try:
                assessed = services.evaluation_assess(
                    evaluation=evaluation, findings=form.findings(), by=request.user, request=request
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                if assessed.case_id:
                    messages.warning(
                        request,
                        _("The holder failed the evaluation; revocation case %(case)s has been opened.")
                        % {"case": assessed.case},
                    )
                else:
                    messages.success(request, _("The assessment has been recorded."))
                return redirect("aftercare:round", pk=evaluation.round_id)
    assessments = {a.criterion: a for a in evaluation.assessments.all()}
    findings = [(criterion, assessments.get(criterion.value)) for criterion in EvaluationCriterion]
    return render(
        request,
        "aftercare/assess.html",
        {
            "evaluation": evaluation,
            "form": form,
            "findings": findings,
            "sharing": selectors.sharing_record(evaluation.application),
        },
    )


@require_GET
@login_required
def evaluation_file(request, pk: int):
    evaluation = selectors.evaluation_for_file(request.user, pk)
    if not evaluation.report_file:
        raise Http404("no file with this self-report")
    audit_record(action=AuditAction.EXPORT, obj=evaluation, detail="self-report file", request=request)
    response = FileResponse(
        evaluation.report_file.open("rb"),
        as_attachment=True,
        filename=evaluation.report_file_name,
        content_type=evaluation.report_file_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- supervision group ----------------------------------------------------------------------------------------


@require_GET
@role_required(Role.OFFICE_STAFF)
def groups(request):
    return render(request, "aftercare/groups.html", {"rows": selectors.groups_for_office(request.user)})


def _group_page(request, edition, *, member_form=None, dissolve_form=None, status=200):
    group = selectors.group_of(edition)
    office = is_office(request.user)
    context = {"edition": edition, "group": group, "office": office}
    if group is not None:
        member = None if office else member_of(request.user, group)
        rotation, previous, previous_members = selectors.group_rotation(group)
        members = [(m, not any(same_person(m, p) for p in previous_members)) for m in selectors.group_members(group)]
        opinions = list(selectors.group_opinions(group))
        context.update(
            members=members,
            rotation=rotation,
            rotation_message=services.rotation_message(rotation) if previous else "",
            previous=previous,
            rule=selectors.supervision_rule(edition),
            removal_rule=selectors.staff_removal_rule(edition),
            opinions=opinions,
            unanswered=[o for o in opinions if not o.is_answered],
            reports=selectors.group_misconduct_reports(group, member=member if not office else None),
            me=member,
        )
        if office:
            context.update(
                member_form=member_form or MemberForm(),
                dissolve_form=dissolve_form or DissolveForm(),
                answer_form=AnswerForm(),
                decision_form=MisconductDecisionForm(),
            )
    return render(request, "aftercare/group.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def group(request, edition_id: int):
    edition = selectors.edition_for_group(request.user, edition_id)
    if request.method == "POST":
        if not is_office(request.user):
            raise PermissionDenied("only office staff set up a supervision group")
        try:
            services.supervision_group_create(edition=edition, by=request.user, request=request)
        except ValidationError as error:
            _flash(request, error)
        else:
            messages.success(request, _("The supervision group has been set up; appoint its members."))
        return redirect("aftercare:group", edition_id=edition.pk)
    return _group_page(request, edition)


def _office_group(request, edition_id: int):
    edition = selectors.edition_for_group(request.user, edition_id)
    group = selectors.group_of(edition)
    if group is None:
        raise Http404("no supervision group for this edition")
    return edition, group


@require_POST
@role_required(Role.OFFICE_STAFF)
def member_add(request, edition_id: int):
    edition, group = _office_group(request, edition_id)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            services.supervision_member_add(group=group, **form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The member has been appointed."))
            return redirect("aftercare:group", edition_id=edition.pk)
    return _group_page(request, edition, member_form=form, status=400)


@require_POST
@role_required(Role.OFFICE_STAFF)
def member_remove(request, pk: int):
    member = selectors.member_for_office(request.user, pk)
    try:
        services.supervision_member_remove(member=member, by=request.user, request=request)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("The member has been taken off the group."))
    return redirect("aftercare:group", edition_id=member.group.edition_id)


@require_POST
@role_required(Role.OFFICE_STAFF)
def group_confirm(request, edition_id: int):
    edition, group = _office_group(request, edition_id)
    try:
        services.supervision_group_confirm(group=group, by=request.user, request=request)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("The group's membership has been confirmed."))
    return redirect("aftercare:group", edition_id=edition.pk)


@require_POST
@role_required(Role.OFFICE_STAFF)
def group_dissolve(request, edition_id: int):
    edition, group = _office_group(request, edition_id)
    form = DissolveForm(request.POST)
    if form.is_valid():
        try:
            services.supervision_group_dissolve(
                group=group, on=form.cleaned_data["on"], by=request.user, request=request
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The group has been dissolved."))
            return redirect("aftercare:group", edition_id=edition.pk)
    return _group_page(request, edition, dissolve_form=form, status=400)


def _member_group(request, edition_id: int):
    """The group of the edition and the requesting user's membership; anyone else gets a 404."""
    edition = selectors.edition_for_group(request.user, edition_id)
    group = selectors.group_of(edition)
    member = member_of(request.user, group) if group is not None else None
    if member is None:
        raise Http404("not a member of this edition's supervision group")
    return edition, group


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def opinion_new(request, edition_id: int):
    edition, group = _member_group(request, edition_id)
    form = OpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_opinion_file(
                group=group, text=form.cleaned_data["text"], by=request.user, request=request
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Your opinion has been filed; the office will answer it."))
            return redirect("aftercare:group", edition_id=edition.pk)
    return render(request, "aftercare/opinion_form.html", {"edition": edition, "group": group, "form": form})


@require_POST
@role_required(Role.OFFICE_STAFF)
def opinion_answer(request, pk: int):
    opinion = selectors.opinion_for_office(request.user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.supervision_opinion_answer(
                opinion=opinion, answer=form.cleaned_data["answer"], by=request.user, request=request
            )
        except ValidationError as error:
            _flash(request, error)
        else:
            messages.success(request, _("The answer has been recorded."))
    else:
        messages.error(request, _("Write the answer."))
    return redirect("aftercare:group", edition_id=opinion.group.edition_id)


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def misconduct_new(request, edition_id: int):
    edition, group = _member_group(request, edition_id)
    form = MisconductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.misconduct_report_file(group=group, **form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Your report has been filed; the office will decide on it."))
            return redirect("aftercare:group", edition_id=edition.pk)
    return render(request, "aftercare/misconduct_form.html", {"edition": edition, "group": group, "form": form})


@require_POST
@role_required(Role.OFFICE_STAFF)
def misconduct_decide(request, pk: int):
    report = selectors.misconduct_report_for_office(request.user, pk)
    form = MisconductDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.misconduct_report_decide(
                report=report,
                remove=form.cleaned_data["decision"] == "remove",
                note=form.cleaned_data["note"],
                referred_to=form.cleaned_data["referred_to"],
                referred_on=form.cleaned_data["referred_on"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            _flash(request, error)
        else:
            messages.success(request, _("The decision has been recorded."))
    else:
        messages.error(request, _("Choose a decision and give the reasons."))
    return redirect("aftercare:group", edition_id=report.group.edition_id)


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICE_STAFF)
def removals(request):
    """Every report of misconduct and every removal from the selection or review work, with the body that decided
    it; the office records a removal decided by a body other than a supervision group (Weihai art. 25: the office;
    Linyi art. 26: the review committee)."""
    editions = selectors.removal_editions()
    form = StaffRemovalForm(request.POST or None, editions=editions)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_removal_record(**form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The removal has been recorded."))
            return redirect("aftercare:removals")
    listing = paginate(request, selectors.removals_for_office(request.user), per_page=PAGE_SIZE)
    return render(request, "aftercare/removals.html", {"form": form, "page": listing.page, "query": listing.query})


# --- experience-sharing events --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICE_STAFF)
def events(request):
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.sharing_event_create(**form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The event has been recorded; invite the holders."))
            return redirect("aftercare:event", pk=event.pk)
    return render(request, "aftercare/events.html", {"rows": selectors.events_for_office(request.user), "form": form})


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICE_STAFF)
def event_detail(request, pk: int):
    event = selectors.event_for_office(request.user, pk)
    form = InviteForm(request.POST or None, holders=selectors.holders_not_invited(event))
    if request.method == "POST" and form.is_valid():
        try:
            created = services.sharing_event_invite(
                event=event, applications=form.cleaned_data["applications"], by=request.user, request=request
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("%(count)d holders have been invited.") % {"count": len(created)})
            return redirect("aftercare:event", pk=event.pk)
    return render(
        request,
        "aftercare/event.html",
        {
            "event": event,
            "invitations": selectors.event_invitations(event),
            "form": form,
            "attendance_form": AttendanceForm(),
        },
    )


@require_POST
@role_required(Role.OFFICE_STAFF)
def attendance(request, pk: int):
    invitation = selectors.invitation_for_office(request.user, pk)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.sharing_attendance_record(
                invitation=invitation, **form.cleaned_data, by=request.user, request=request
            )
        except ValidationError as error:
            _flash(request, error)
        else:
            messages.success(request, _("The attendance has been recorded."))
    else:
        messages.error(request, _("Choose attended, excused or absent."))
    return redirect("aftercare:event", pk=invitation.event_id)


# --- holders --------------------------------------------------------------------------------------------------


@require_GET
@role_required(Role.OFFICE_STAFF)
def holders(request):
    return render(request, "aftercare/holders.html", {"rows": selectors.holders_for_office(request.user)})


@require_GET
@role_required(Role.OFFICE_STAFF)
def holder(request, application_id: int):
    application = selectors.holder_for_office(request.user, application_id)
    return render(
        request,
        "aftercare/holder.html",
        {
            "application": application,
            "sharing": selectors.sharing_record(application),
            "invitations": selectors.holder_invitations(application=application),
            "evaluations": selectors.evaluations_of_holder(application),
        },
    )


@require_GET
@login_required
def mine(request):
    return render(request, "aftercare/mine.html", selectors.obligations_of(request.user))
