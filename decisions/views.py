"""Thin views of the certificates: the public verification page, the winner's download and the office's batch."""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.enums import AuditAction, Role
from accounts.listing import paginate
from accounts.rules import has_any_role, role_required
from accounts.services import audit_record, client_ip
from applications.enums import ApplicationState
from awards.enums import StageKind

from . import certificates, forms, onward, selectors, selectors_board, services
from . import notice as notice_services
from .forms_notice import OnwardForm, PublicationForm

# At most this many look-ups per client address in this many seconds: enough for a person checking a handful of
# certificates, far too few to walk the token space. Overridable in settings for tests and busy reception desks.
VERIFY_RATE_LIMIT = (30, 600)
S = ApplicationState


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
        if status == certificates.REVOKED:
            context.update(
                revocation_ground=certificate.application.revocation_ground,
                revocation_document=certificate.application.revocation_document,
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
    edition = selectors.edition_for_office(pk=edition_id)
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
    batch = selectors.certificate_batch_for_office(pk=pk)
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


# --- the office's decision board and the steps of the chain ---------------------------------------------------


def _stage_of(edition, stage_id: int):
    return selectors.edition_stage(edition=edition, stage_id=stage_id)


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_GET
@role_required(Role.OFFICE_STAFF, Role.AUDITOR)
def editions(request):
    """The editions, to open one's decision board."""
    return render(request, "decisions/editions.html", {"editions": selectors_board.editions_overview()})


@require_GET
@role_required(Role.OFFICE_STAFF, Role.AUDITOR)
def board(request, edition_id: int):
    """Where every candidate of the edition stands, what waits for whom, the notice's countdown."""
    edition = selectors_board.board_edition(edition_id)
    candidates = selectors_board.board_candidates(edition)
    stages = selectors_board.board_stages(edition, candidates)
    notice = next((item.notice for item in stages if item.notice is not None), None)
    context = {
        "edition": edition,
        "candidates": candidates,
        "stages": stages,
        "notice": notice,
        "countdown": selectors_board.notice_countdown(notice, timezone.localdate()),
        "channels_refusal": (
            notice_services.channels_refusal(notice_services.channels_missing(notice))
            if notice is not None and notice.closed_at is None
            else None
        ),
        "can_act": has_any_role(request.user, Role.OFFICE_STAFF),
    }
    return render(request, "decisions/board.html", context)


def _step_form(request, edition, stage, candidates):
    kwargs = {
        "candidates": candidates,
        "voting": stage.kind in services.VOTING_KINDS,
        "choosing": stage.kind != StageKind.CANDIDATE_LIST,
    }
    if request.method == "POST":
        return forms.StepForm(request.POST, request.FILES, **kwargs)
    return forms.StepForm(initial={"held_on": timezone.localdate()}, **kwargs)


def _decisions(form) -> dict[int, services.CandidateDecision]:
    data, result = form.cleaned_data, {}
    for application in form.candidates:
        reason = data.get(f"reason_{application.pk}", "")
        if form.voting:
            result[application.pk] = services.CandidateDecision(
                reason=reason,
                votes_for=data[f"for_{application.pk}"],
                votes_against=data[f"against_{application.pk}"],
                votes_abstain=data[f"abstain_{application.pk}"],
            )
        elif form.choosing:
            result[application.pk] = services.CandidateDecision(kept=data[f"keep_{application.pk}"], reason=reason)
    return result


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICE_STAFF)
def step(request, edition_id: int, stage_id: int):
    """Record one step of the chain; the form follows the stage's kind."""
    edition = selectors_board.board_edition(edition_id)
    stage = _stage_of(edition, stage_id)
    if stage.kind == StageKind.PUBLIC_NOTICE:
        return _notice_step(request, edition, stage)
    if stage.kind in services.APPROVAL_KINDS:
        return _approval_step(request, edition, stage)
    if stage.kind == StageKind.ANNOUNCEMENT:
        return _announcement_step(request, edition, stage)
    if stage.kind not in services.STEP_KINDS:
        raise Http404("not a decision step")
    candidates = [
        row
        for row in selectors_board.board_candidates(edition)
        if row.current_stage_id == stage.pk and row.state == S.CANDIDATE
    ]
    form = _step_form(request, edition, stage, candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_step_record(
                edition=edition,
                stage=stage,
                by=request.user,
                held_on=data["held_on"],
                minutes=data["minutes"],
                document_number=data["document_number"],
                document=data["document"],
                members_total=data.get("members_total"),
                members_present=data.get("members_present"),
                decisions=_decisions(form),
                request=request,
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("“%(stage)s” has been recorded.") % {"stage": stage.get_kind_display()})
            return redirect("decisions:board", edition_id=edition.pk)
    return render(request, "decisions/step.html", {"edition": edition, "stage": stage, "form": form})


def _notice_step(request, edition, stage):
    form = forms.NoticeForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            notice_services.notice_open(
                edition=edition,
                by=request.user,
                starts_on=form.cleaned_data["starts_on"],
                how_to_object=form.cleaned_data["how_to_object"],
                request=request,
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The public notice has been published."))
            return redirect("decisions:board", edition_id=edition.pk)
    try:
        preview = notice_services.notice_end(edition=edition, starts_on=timezone.localdate())[0]
    except ValidationError:
        preview = None
    return render(
        request,
        "decisions/notice_open.html",
        {"edition": edition, "stage": stage, "form": form, "preview": preview},
    )


def _approval_step(request, edition, stage):
    recorded = selectors.step_recorded(edition=edition, stage=stage)
    form = forms.ApprovalForm(request.POST or None, request.FILES or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and recorded is None and form.is_valid():
        data = form.cleaned_data
        try:
            services.approval_record(
                edition=edition,
                stage=stage,
                by=request.user,
                held_on=data["held_on"],
                document_number=data["document_number"],
                document=data["document"],
                minutes=data["minutes"],
                request=request,
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The approval document has been recorded; approve the candidates now."))
            return redirect("decisions:step", edition_id=edition.pk, stage_id=stage.pk)
    candidates = [row for row in selectors_board.board_candidates(edition) if row.current_stage_id == stage.pk]
    return render(
        request,
        "decisions/approval.html",
        {
            "edition": edition,
            "stage": stage,
            "form": form,
            "recorded": recorded,
            "candidates": candidates,
            "not_approved_form": forms.NotApprovedForm(),
        },
    )


@require_POST
@role_required(Role.OFFICE_STAFF)
def approve(request, edition_id: int, stage_id: int):
    """Approve one candidate (`application`) or all waiting (`all`), each within the quotas."""
    edition = selectors_board.board_edition(edition_id)
    stage = _stage_of(edition, stage_id)
    chosen = None if "all" in request.POST else request.POST.get("application", "")
    waiting = selectors.candidates_waiting(edition=edition, stage=stage, chosen=chosen)
    if chosen is not None:
        if not waiting.exists():
            raise Http404("no such candidate waiting here")
    approved = 0
    for application in waiting:
        try:
            services.application_approve(application=application, by=request.user, request=request)
            approved += 1
        except ValidationError as error:
            _errors(request, error)
    if approved:
        messages.success(request, _("%(count)d candidates approved.") % {"count": approved})
    return redirect("decisions:step", edition_id=edition.pk, stage_id=stage.pk)


@require_POST
@role_required(Role.OFFICE_STAFF)
def not_approved(request, edition_id: int, stage_id: int, application_id: int):
    edition = selectors_board.board_edition(edition_id)
    stage = _stage_of(edition, stage_id)
    application = selectors.application_at_stage(edition=edition, stage=stage, pk=application_id)
    form = forms.NotApprovedForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Write the reason the candidate was not approved."))
        services.application_not_approved(
            application=application, reason=form.cleaned_data["reason"], by=request.user, request=request
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Recorded as not approved."))
    return redirect("decisions:step", edition_id=edition.pk, stage_id=stage.pk)


def _announcement_step(request, edition, stage):
    form = forms.AnnouncementForm(
        request.POST or None, request.FILES or None, initial={"held_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.announcement_record(
                edition=edition,
                stage=stage,
                by=request.user,
                held_on=data["held_on"],
                document_number=data["document_number"],
                document=data["document"],
                request=request,
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The results have been announced; the certificates are being rendered."))
            return redirect("decisions:board", edition_id=edition.pk)
    winners = [row for row in selectors_board.board_candidates(edition) if row.current_stage_id == stage.pk]
    return render(
        request, "decisions/announcement.html", {"edition": edition, "stage": stage, "form": form, "winners": winners}
    )


@require_GET
@role_required(Role.OFFICE_STAFF, Role.AUDITOR)
def step_document(request, pk: int):
    """The document of a recorded step (approval, ministry's comments...), for the office and the auditor."""
    recorded = selectors.decision_step_for_office(pk=pk)
    if not recorded.document:
        raise Http404("no document")
    audit_record(action=AuditAction.EXPORT, obj=recorded, detail="decision document", request=request)
    response = FileResponse(
        recorded.document.open("rb"), as_attachment=True, filename=recorded.document_name or "document.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- where the notice was published, on each channel its rulebook names ----------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICE_STAFF, Role.AUDITOR)
def notice_publications(request, pk: int):
    """The channels the notice's rulebook names (Zibo 第十八条 新闻媒体, national 第二十一条 three sites...), where and
    when the office published the notice on each, and the form for a channel not yet recorded."""
    notice = selectors.notice_for_office(pk)
    spec = selectors.notice_spec_of(notice)
    missing = notice_services.channels_missing(notice)
    can_act = has_any_role(request.user, Role.OFFICE_STAFF)
    form = None
    if can_act and missing:
        form = PublicationForm(
            request.POST or None, channels=missing, initial={"published_on": notice.starts_on}
        )
        if request.method == "POST" and form.is_valid():
            channel = next(channel for channel in missing if channel.pk == form.cleaned_data["channel"])
            try:
                notice_services.notice_publication_record(
                    notice=notice,
                    channel=channel,
                    published_on=form.cleaned_data["published_on"],
                    where=form.cleaned_data["where"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The publication on %(channel)s is recorded.") % {"channel": channel.name})
                return redirect("decisions:notice_publications", pk=notice.pk)
    elif request.method == "POST":
        messages.error(request, _("Every channel the rulebook names is already recorded."))
        return redirect("decisions:notice_publications", pk=notice.pk)
    return render(
        request,
        "decisions/notice_publications.html",
        {
            "notice": notice,
            "spec": spec,
            "publications": selectors.notice_publications(notice),
            "missing": missing,
            "refusal": notice_services.channels_refusal(missing),
            "form": form,
        },
    )


# --- the recommendation of the winners on to the award the rulebook names ---------------------------------------

ONWARD_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICE_STAFF, Role.AUDITOR)
def onward_page(request, edition_id: int):
    """The edition's winners holding the award, to recommend on to the award the rulebook names (Zibo 第二十六条,
    Weihai 第二十条), and the recommendations made, each as an .xlsx list and a PDF letter."""
    edition = selectors.edition_with_rulebook_for_office(pk=edition_id)
    rule = onward.onward_award(edition)
    can_act = has_any_role(request.user, Role.OFFICE_STAFF) and rule is not None
    form = OnwardForm(request.POST or None, initial={"made_on": timezone.localdate()}) if can_act else None
    if request.method == "POST":
        if form is None:
            messages.error(
                request,
                _("The rulebook of %(scheme)s names no award its winners are recommended on to.")
                % {"scheme": edition.scheme.short_name},
            )
            return redirect("decisions:onward", edition_id=edition.pk)
        chosen = [value for value in request.POST.getlist("application") if value.isdigit()]
        if form.is_valid():
            try:
                made = onward.onward_recommendation_make(
                    edition=edition,
                    application_ids=[int(value) for value in chosen],
                    addressee=form.cleaned_data["addressee"],
                    made_on=form.cleaned_data["made_on"],
                    document_number=form.cleaned_data["document_number"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The recommendation of %(count)d winners to %(award)s is made.")
                    % {"count": made.nominees.count(), "award": made.award_name},
                )
                return redirect("decisions:onward", edition_id=edition.pk)
    listing = paginate(request, onward.eligible_winners(edition), per_page=ONWARD_PER_PAGE)
    return render(
        request,
        "decisions/onward/page.html",
        {
            "edition": edition,
            "rule": rule,
            "form": form,
            "page": listing.page,
            "query": listing.query,
            "recommendations": selectors.onward_recommendations(edition)[:20],
        },
    )


@require_GET
@role_required(Role.OFFICE_STAFF, Role.AUDITOR)
def onward_download(request, pk: int, kind: str):
    """A recommendation's list (.xlsx) or letter (.pdf); audited as an export."""
    recommendation = selectors.onward_recommendation_get(pk)
    if kind == "xlsx":
        content = onward.build_onward_xlsx(recommendation)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif kind == "pdf":
        content = onward.build_onward_pdf(recommendation)
        content_type = "application/pdf"
    else:
        raise Http404("no such format")
    audit_record(action=AuditAction.EXPORT, obj=recommendation, detail=f"onward recommendation {kind}", request=request)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = _attachment(onward.onward_filename(recommendation, kind))
    response["Cache-Control"] = "private, no-store"
    return response


def _attachment(filename: str) -> str:
    return content_disposition_header(as_attachment=True, filename=filename)
