"""Pages of applicants and coordinators. Thin: parse the form, call a service or a selector, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.enums import AuditAction, Role
from accounts.listing import paginate
from accounts.rules import has_any_role, role_required
from accounts.selectors import districts_active
from accounts.services import audit_record
from awards.enums import Category, EditionStatus
from awards.selectors import schemes_public

from . import formspec, rules, selectors, services
from .eligibility import check_eligibility
from .enums import (
    APPLICANT_FILE_KINDS,
    AWAITING_RECOMMENDATION,
    CLOSED_STATES,
    EDITABLE_STATES,
    SINGLE_FILE_KINDS,
    VISIBLE_TO_COORDINATOR,
    WITHDRAWABLE_STATES,
    ApplicationState,
    FileKind,
)
from .enums import RecommendationDecision as Decision
from .forms import (
    ApplicationForm,
    DecisionForm,
    InboxFilterForm,
    IndividualRegistrationForm,
    UnitRegistrationForm,
    WithdrawForm,
)
from .forms_route import CitySubmissionForm, ProposalForm, RouteForm
from .registration import individual_register, unit_register

S = ApplicationState
INBOX_PAGE_SIZE = 50
# A registered user is logged in by the model backend directly; the password was just set, not guessed.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"
VIEWERS = (Role.APPLICANT, Role.DISTRICT_COORDINATOR, Role.OFFICE_STAFF)


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- registration -----------------------------------------------------------------------------------------


@require_GET
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    return render(request, "applications/register_choose.html")


def _register(request, *, form_class, service, template, category):
    if request.user.is_authenticated:
        messages.info(request, _("You are logged in already; log out to register another account."))
        return redirect("accounts:dashboard")
    districts = districts_active()
    form = form_class(request.POST or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        try:
            user = service(**form.service_arguments(), request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(request, _("Your account has been created. You can apply to the open editions now."))
            return redirect("applications:mine")
    return render(request, template, {"form": form, "category": category})


@require_http_methods(["GET", "POST"])
def register_unit(request):
    return _register(
        request,
        form_class=UnitRegistrationForm,
        service=unit_register,
        template="applications/register.html",
        category=Category.UNIT,
    )


@require_http_methods(["GET", "POST"])
def register_individual(request):
    return _register(
        request,
        form_class=IndividualRegistrationForm,
        service=individual_register,
        template="applications/register.html",
        category=Category.INDIVIDUAL,
    )


# --- the applicant ----------------------------------------------------------------------------------------


def next_step(application) -> str:
    """What the applicant should do now, in one line."""
    state = application.state
    edition = application.edition
    if state == S.DRAFT:
        if edition.status == EditionStatus.OPEN and timezone.localdate() <= edition.application_closes:
            return _("Complete and submit by %(date)s.") % {"date": edition.application_closes.isoformat()}
        return _("The application period has ended; this draft can no longer be submitted.")
    if state == S.RETURNED:
        return _("Returned by the district: correct it and submit it again.")
    if state in AWAITING_RECOMMENDATION:
        return _("Awaiting the recommendation of %(district)s.") % {"district": application.recommender}
    if state == S.RECOMMENDED:
        return _("Recommended; awaiting the award office's review.")
    if state in (S.IN_REVIEW, S.CANDIDATE, S.IN_NOTICE, S.APPROVED):
        return _("Under way at the award office; nothing to do for now.")
    if state == S.AWARDED:
        return _("Awarded.")
    return _("Closed.")


def _applicant_categories(user) -> set[str]:
    categories = set()
    if user.organisation_id and hasattr(user.organisation, "unit_profile"):
        categories.add(Category.UNIT)
    if hasattr(user, "individual_profile"):
        categories.add(Category.INDIVIDUAL)
    return categories


@role_required(Role.APPLICANT)
@require_GET
def mine(request):
    applications = list(selectors.applicant_applications(user=request.user))
    live = {(a.edition_id, a.category): a for a in applications if a.state not in CLOSED_STATES}
    categories = _applicant_categories(request.user)
    editions = [
        {
            "edition": edition,
            "starts": [
                {"category": Category(c), "live": live.get((edition.pk, c))}
                for c in Category.values
                if c in edition.scheme.categories and c in categories
            ],
        }
        for edition in selectors.open_editions()
    ]
    rows = [{"application": a, "next_step": next_step(a)} for a in applications]
    return render(
        request,
        "applications/mine.html",
        {"rows": rows, "editions": editions, "has_profile": bool(categories)},
    )


@role_required(Role.APPLICANT)
@require_POST
def start(request):
    edition = selectors.open_edition(pk=request.POST.get("edition", ""))
    category = request.POST.get("category", "")
    if edition is None or category not in Category.values:
        messages.error(request, _("This edition is not open for applications now."))
        return redirect("applications:mine")
    try:
        application = services.application_create(edition=edition, category=category, by=request.user, request=request)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        return redirect("applications:mine")
    messages.success(request, _("Your draft application has been created; fill it in and save it at any time."))
    return redirect("applications:edit", pk=application.pk)


def _own_application(request, pk: int):
    """The application if the user is its applicant; anyone else gets a 404, as if it did not exist."""
    application = selectors.application_for(user=request.user, pk=pk)
    if not rules.is_applicant_of(request.user, application):
        raise Http404
    return application


def _category_rules(application) -> list:
    return [r for r in application.edition.rulebook.eligibility_rules.all() if r.category == application.category]


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    application = _own_application(request, pk)
    if application.state not in EDITABLE_STATES:
        messages.info(request, _("This application can no longer be changed."))
        return redirect("applications:detail", pk=application.pk)
    category_rules = _category_rules(application)
    form = ApplicationForm(request.POST or None, request.FILES or None, application=application, rules=category_rules)
    submit_errors: list[str] = []
    saved = False
    if request.method == "POST" and form.is_valid():
        submitting = request.POST.get("action") == "submit"
        try:
            # Save first, so that nothing typed is lost whatever the submission says.
            application = services.application_save_draft(
                application=application, by=request.user, request=request, **form.draft_arguments()
            )
            saved = True
            for name, kind, uploaded in form.uploads():
                try:
                    services.application_file_upload(
                        application=application, by=request.user, kind=kind, uploaded=uploaded, request=request
                    )
                except ValidationError as error:
                    form.add_error(name, error)
            if submitting and not form.errors:
                application = services.application_submit(application=application, by=request.user, request=request)
                messages.success(
                    request,
                    _("Application %(number)s has been submitted to %(district)s.")
                    % {"number": application.number, "district": application.recommender},
                )
                return redirect("applications:detail", pk=application.pk)
        except ValidationError as error:
            submit_errors = _errors(error)
            if submitting:
                form.mark_missing()
        if saved and not form.errors and not submit_errors:
            messages.success(request, _("Your draft has been saved."))
            return redirect("applications:edit", pk=application.pk)
        # Show the files and the state as they are now.
        application = selectors.application_for(user=request.user, pk=pk)
        if application.state not in EDITABLE_STATES:
            for message in submit_errors:
                messages.error(request, message)
            return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "applications/edit.html",
        {
            "application": application,
            "form": form,
            "submit_errors": submit_errors,
            "saved": saved,
            "return_opinion": next(
                (r for r in reversed(list(application.recommendations.all())) if r.decision == Decision.RETURN), None
            ),
            "rules": category_rules,
            "failures": check_eligibility(
                edition=application.edition,
                facts=selectors.applicant_facts(application=application),
                on=timezone.localdate(),
            ),
            "files": _files_by_kind(application, form),
            "max_file_bytes": settings.UPLOAD_MAX_FILE_BYTES,
            "max_application_bytes": settings.UPLOAD_MAX_APPLICATION_BYTES,
            **_route_context(request.user, application),
        },
    )


def _route_context(user, application) -> dict:
    """The submission-route card: a direct route where the rulebook has one, and the national system's number
    for a national scheme (or once entered)."""
    if not rules.is_applicant_of(user, application):
        return {}
    direct = selectors.direct_route(rulebook=application.edition.rulebook)
    show_number = application.edition.scheme.level == "national" or bool(application.external_number)
    if direct is None and not show_number:
        return {}
    return {
        "route_form": RouteForm(),
        "direct_route": direct,
        "can_change_route": application.state in EDITABLE_STATES,
        "show_external_number": show_number,
    }


def _files_by_kind(application, form=None) -> list[dict]:
    """The application's files per kind, current and superseded; with `form`, the kind's file input too."""
    files = list(application.files.all())
    required = {
        m.kind: m
        for m in selectors.required_materials(rulebook=application.edition.rulebook, category=application.category)
    }
    return [
        {
            "kind": FileKind(kind),
            "required": kind in required,
            "material": required.get(kind),
            "single": kind in SINGLE_FILE_KINDS,
            "current": [f for f in files if f.kind == kind and f.is_current],
            "history": [f for f in files if f.kind == kind and not f.is_current],
            "field": form.file_fields.get(kind) if form is not None else None,
        }
        for kind in (*APPLICANT_FILE_KINDS, FileKind.RECOMMENDATION_LETTER)
    ]


@role_required(*VIEWERS)
@require_GET
def detail(request, pk: int):
    application = selectors.application_for(user=request.user, pk=pk)
    return _render_detail(request, application)


def _render_detail(request, application, *, decision_form=None, withdraw_form=None, status=200):
    user = request.user
    applicant = rules.is_applicant_of(user, application)
    can_decide = application.state in AWAITING_RECOMMENDATION and rules.can_recommend(user, application)
    files = _files_by_kind(application)
    form_content = [
        (label, application.form_data.get(name, ""))
        for name, label, _required, _max in formspec.fields_for(application.category)
    ]
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "form_content": form_content,
            "files": files,
            "has_files": any(item["current"] or item["history"] for item in files),
            "is_coordinator": has_any_role(user, Role.DISTRICT_COORDINATOR),
            "transitions": application.transitions.all(),
            "recommendations": application.recommendations.all(),
            "is_applicant": applicant,
            "can_edit": applicant and application.state in EDITABLE_STATES,
            "can_withdraw": applicant and application.state in WITHDRAWABLE_STATES,
            "can_decide": can_decide,
            "decision_form": decision_form or (DecisionForm() if can_decide else None),
            "withdraw_form": withdraw_form or WithdrawForm(),
            "Decision": Decision,
            **_route_context(user, application),
        },
        status=status,
    )


@role_required(Role.APPLICANT)
@require_POST
def submit(request, pk: int):
    application = _own_application(request, pk)
    try:
        application = services.application_submit(application=application, by=request.user, request=request)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        target = "applications:edit" if application.state in EDITABLE_STATES else "applications:detail"
        return redirect(target, pk=application.pk)
    messages.success(
        request,
        _("Application %(number)s has been submitted to %(district)s.")
        % {"number": application.number, "district": application.recommender},
    )
    return redirect("applications:detail", pk=application.pk)


@role_required(Role.APPLICANT)
@require_POST
def withdraw(request, pk: int):
    application = _own_application(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, application, withdraw_form=form)
    try:
        services.application_withdraw(
            application=application, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, _("The application has been withdrawn."))
    return redirect("applications:detail", pk=application.pk)


@role_required(Role.APPLICANT)
@require_POST
def file_remove(request, pk: int):
    file = selectors.file_for(user=request.user, pk=pk)
    application = _own_application(request, file.application_id)
    try:
        services.application_file_remove(file=file, by=request.user, request=request)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, _("“%(name)s” has been removed; it stays in the history.") % {"name": file.name})
    return redirect("applications:edit", pk=application.pk)


@role_required(*VIEWERS)
@require_GET
def file_download(request, pk: int):
    file = selectors.file_for(user=request.user, pk=pk)
    try:
        handle = file.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit_record(action=AuditAction.EXPORT, obj=file, detail=f"download {file.sha256}", request=request)
    response = FileResponse(handle, as_attachment=True, filename=file.name, content_type=file.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the coordinator --------------------------------------------------------------------------------------


@role_required(Role.DISTRICT_COORDINATOR)
@require_POST
def decide(request, pk: int):
    application = selectors.application_for(user=request.user, pk=pk)
    if not rules.can_recommend(request.user, application):
        raise Http404
    form = DecisionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, application, decision_form=form)
    decision, opinion = form.cleaned_data["decision"], form.cleaned_data["opinion"]
    try:
        if decision == Decision.RECOMMEND:
            services.application_recommend(
                application=application,
                by=request.user,
                opinion=opinion,
                letter=form.cleaned_data.get("letter"),
                request=request,
            )
        elif decision == Decision.RETURN:
            services.application_return(application=application, by=request.user, opinion=opinion, request=request)
        else:
            services.application_decline(application=application, by=request.user, reason=opinion, request=request)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_detail(request, application, decision_form=form)
    done = {
        Decision.RECOMMEND: _("Application %(number)s has been recommended."),
        Decision.RETURN: _("Application %(number)s has been returned to the applicant for correction."),
        Decision.DECLINE: _("Application %(number)s has been declined."),
    }[Decision(decision)]
    messages.success(request, done % {"number": application.number})
    return redirect("applications:detail", pk=application.pk)


def _inbox_editions() -> list:
    return [
        edition
        for scheme in schemes_public()
        for edition in scheme.editions.all()
        if edition.status != EditionStatus.DRAFT
    ]


@role_required(Role.DISTRICT_COORDINATOR)
@require_GET
def inbox(request):
    user = request.user
    districts = list(selectors.coordinator_districts(user))
    form = InboxFilterForm(request.GET or None, editions=_inbox_editions(), districts=districts)
    filters = form.filters() if form.is_bound else {}
    applications = selectors.coordinator_inbox(user=user, **filters)
    listing = paginate(request, applications, per_page=INBOX_PAGE_SIZE)
    counts = selectors.coordinator_counts(user=user, edition_id=filters.get("edition_id"))
    tab_query = request.GET.copy()
    tab_query.pop("page", None)
    tab_query.pop("state", None)
    tabs = [("", _("All"), counts.get("all", 0))] + [
        (state.value, state.label, counts.get(state.value, 0))
        for state in ApplicationState
        if state in VISIBLE_TO_COORDINATOR and (state in AWAITING_RECOMMENDATION or counts.get(state.value))
    ]
    return render(
        request,
        "applications/inbox.html",
        {
            "form": form,
            "page": listing.page,
            "query": listing.query,
            "tab_query": tab_query.urlencode(),
            "tabs": tabs,
            "current_state": filters.get("state") or "",
            "districts": districts,
            "inbox_url": reverse("applications:inbox"),
        },
    )


# --- the submission route, the cities' proposals and submissions (Shandong 2021 notice) ---------------------


@role_required(Role.APPLICANT)
@require_POST
def route(request, pk: int):
    """The applicant marks itself province-owned (a direct route, where the rulebook has one) and enters the
    number the national online system gave it."""
    application = _own_application(request, pk)
    form = RouteForm(request.POST)
    if form.is_valid():
        try:
            services.application_set_route(
                application=application, by=request.user, request=request, **form.cleaned_data
            )
            messages.success(request, _("Saved."))
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
    else:
        messages.error(request, _("Check the number: at most 40 characters."))
    target = "applications:edit" if application.state in EDITABLE_STATES else "applications:detail"
    return redirect(target, pk=application.pk)


PROPOSALS_PAGE_SIZE = 50


@role_required(Role.DISTRICT_COORDINATOR)
@require_GET
def proposals(request):
    """A city bureau's list of its applicants it may propose to the province's pre-selection."""
    applications = selectors.city_proposal_candidates(user=request.user)
    listing = paginate(request, applications, per_page=PROPOSALS_PAGE_SIZE)
    return render(
        request,
        "applications/proposals.html",
        {"page": listing.page, "query": listing.query, "form": ProposalForm()},
    )


@role_required(Role.DISTRICT_COORDINATOR)
@require_POST
def propose(request, pk: int):
    application = selectors.city_proposal_target(user=request.user, pk=pk)
    form = ProposalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the opinion."))
        return redirect("applications:proposals")
    try:
        services.application_city_propose(
            application=application, by=request.user, opinion=form.cleaned_data["opinion"], request=request
        )
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        return redirect("applications:proposals")
    messages.success(request, _("%(number)s has been proposed to the province.") % {"number": application.number})
    return redirect("applications:proposals")


CITY_SUBMISSIONS_PAGE_SIZE = 50


@role_required(Role.DISTRICT_COORDINATOR, Role.OFFICE_STAFF)
@require_http_methods(["GET", "POST"])
def city_submissions(request):
    """What each city sent the province (letter and statistics table); a city coordinator sends it here."""
    user = request.user
    pairs = selectors.city_submission_editions(user=user)
    if request.method == "POST":
        form = CitySubmissionForm(request.POST, request.FILES)
        pair = None
        if form.is_valid():
            pair = next(
                (
                    (e, d)
                    for e, d in pairs
                    if e.pk == form.cleaned_data["edition"] and d.pk == form.cleaned_data["district"]
                ),
                None,
            )
        if pair is None:
            messages.error(request, _("Attach the recommendation letter."))
        else:
            try:
                services.city_submission_submit(
                    edition=pair[0], district=pair[1], by=user, letter=form.cleaned_data["letter"], request=request
                )
                messages.success(request, _("The submission of %(city)s has been sent.") % {"city": pair[1]})
            except ValidationError as error:
                for message in _errors(error):
                    messages.error(request, message)
        return redirect("applications:city_submissions")
    listing = paginate(request, selectors.city_submissions_visible_to(user=user), per_page=CITY_SUBMISSIONS_PAGE_SIZE)
    return render(
        request,
        "applications/city_submissions.html",
        {
            "page": listing.page,
            "query": listing.query,
            "pairs": [
                {"edition": e, "district": d, "form": CitySubmissionForm(initial={"edition": e.pk, "district": d.pk})}
                for e, d in pairs
            ],
        },
    )


@role_required(Role.DISTRICT_COORDINATOR, Role.OFFICE_STAFF)
@require_GET
def city_submission_file(request, pk: int, part: str):
    submission = selectors.city_submission_for(user=request.user, pk=pk)
    if part == "letter":
        stored, name = submission.letter, submission.letter_name
    elif part == "statistics":
        stored, name = submission.statistics, f"{submission.district}-{submission.edition}-申报企业统计表.xlsx"
    else:
        raise Http404
    audit_record(action=AuditAction.EXPORT, obj=submission, detail=part, request=request)
    response = FileResponse(stored.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response
