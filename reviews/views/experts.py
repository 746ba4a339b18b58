"""The expert pool kept by the office: the list, adding an expert, the .xlsx import with its preview, an
expert's page (profile, ties, credit record, assignments) with its actions, and the page on which a new expert
sets a password. The auditor reads the list and the pages and sees no action; everyone else is refused."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.enums import AuditAction, Role
from accounts.listing import paginate
from accounts.rules import is_office, role_required
from accounts.services import audit_record

from .. import services
from ..expert_import import (
    MAX_FILE_BYTES,
    XLSX_CONTENT_TYPE,
    ExpertRow,
    WorkbookRefused,
    file_too_large,
    read_workbook,
    template_workbook,
)
from ..forms_experts import (
    CreditRecordForm,
    ExpertCreateForm,
    ExpertEditForm,
    ExpertFilter,
    ImportUploadForm,
    ReasonForm,
    TieForm,
    TieFormSet,
)
from ..selectors import expert_assignment_history, expert_pool, expert_tags_in_use, expert_titles_in_use

PER_PAGE = 25
# The preview's rows travel to the confirmation signed (and bound to the office user who uploaded them); an
# hour is ample to read a preview, and an old token is refused rather than trusted.
IMPORT_SALT = "reviews.expert_import"
IMPORT_MAX_AGE = 3600
# Password-set links are shown to the office once, on the page after the action that issued them.
LINKS_KEY = "reviews.expert_links"

_office = role_required(Role.OFFICE_STAFF)
_readers = role_required(Role.OFFICE_STAFF, Role.AUDITOR)


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def _remember_links(request, links: list[tuple[int, str, str]]) -> None:
    """(expert id, name, absolute link) to show once on the next page."""
    request.session[LINKS_KEY] = [list(link) for link in links]


def _take_links(request) -> list:
    return request.session.pop(LINKS_KEY, [])


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, items in error.error_dict.items():
            for item in items:
                for message in item.messages:
                    form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _suggestions():
    return {"tags": expert_tags_in_use()}


# --- the list --------------------------------------------------------------------------------------------------


@_readers
@require_GET
def experts(request):
    filterset = ExpertFilter(
        request.GET or None, queryset=expert_pool(), tags=expert_tags_in_use(), titles=expert_titles_in_use()
    )
    rows = filterset.qs if filterset.is_bound else expert_pool()
    listing = paginate(request, rows, per_page=PER_PAGE)
    return render(
        request,
        "reviews/experts/list.html",
        {"filterset": filterset, "page": listing.page, "query": listing.query, "can_edit": is_office(request.user)},
    )


# --- adding one ------------------------------------------------------------------------------------------------


@_office
@require_http_methods(["GET", "POST"])
def expert_create(request):
    form = ExpertCreateForm(request.POST or None)
    ties = TieFormSet(request.POST or None, prefix="ties")
    if request.method == "POST" and form.is_valid() and ties.is_valid():
        try:
            expert = services.expert_create(
                by=request.user,
                ties=[tie for tie in (tie_form.tie() for tie_form in ties) if tie],
                request=request,
                **form.service_arguments(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            link = _absolute(request, services.expert_password_path(user=expert.user))
            _remember_links(request, [(expert.pk, expert.full_name, link)])
            messages.success(request, _("%(name)s is in the expert pool.") % {"name": expert.full_name})
            return redirect("reviews:expert_detail", pk=expert.pk)
    return render(request, "reviews/experts/create.html", {"form": form, "ties": ties, **_suggestions()})


@_office
@require_http_methods(["GET", "POST"])
def expert_edit(request, pk):
    expert = get_object_or_404(expert_pool(), pk=pk)
    form = ExpertEditForm(request.POST or None, initial=ExpertEditForm.initial_for(expert))
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_update(expert=expert, by=request.user, request=request, **form.profile_arguments())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The profile of %(name)s is saved.") % {"name": expert.full_name})
            return redirect("reviews:expert_detail", pk=expert.pk)
    return render(request, "reviews/experts/edit.html", {"form": form, "expert": expert, **_suggestions()})


# --- one expert ------------------------------------------------------------------------------------------------


@_readers
@require_GET
def expert_detail(request, pk):
    expert = get_object_or_404(expert_pool(), pk=pk)
    can_edit = is_office(request.user)
    history = paginate(request, expert_assignment_history(expert), per_page=PER_PAGE)
    return render(
        request,
        "reviews/experts/detail.html",
        {
            "expert": expert,
            "ties": expert.ties.select_related("organisation").order_by("pk"),
            "records": expert.credit_records.select_related("recorded_by").order_by("-recorded_at", "-pk"),
            "page": history.page,
            "query": history.query,
            "can_edit": can_edit,
            "links": [link for link in _take_links(request) if link[0] == expert.pk] if can_edit else [],
            "credit_form": CreditRecordForm(prefix="credit") if can_edit else None,
            "tie_form": TieForm(prefix="tie") if can_edit else None,
            "reason_form": ReasonForm(prefix="status") if can_edit else None,
            "needs_password": not expert.user.has_usable_password(),
        },
    )


def _back(pk):
    return redirect(reverse("reviews:expert_detail", kwargs={"pk": pk}))


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for message in errors:
            messages.error(request, f"{label}: {message}" if label else message)


@_office
@require_POST
def expert_credit_add(request, pk):
    expert = get_object_or_404(expert_pool(), pk=pk)
    form = CreditRecordForm(request.POST, prefix="credit")
    if not form.is_valid():
        _form_errors(request, form)
        return _back(pk)
    try:
        services.expert_credit_record_add(
            expert=expert,
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
            article=form.cleaned_data["article"],
            edition=form.cleaned_data.get("edition"),
            by=request.user,
            request=request,
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The entry is added to the credit record."))
    return _back(pk)


@_office
@require_POST
def expert_tie_add(request, pk):
    expert = get_object_or_404(expert_pool(), pk=pk)
    form = TieForm(request.POST, prefix="tie")
    if not form.is_valid() or form.tie() is None:
        if form.is_valid():
            form.add_error("organisation", _("Give the credit code of the unit."))
        _form_errors(request, form)
        return _back(pk)
    try:
        services.expert_tie_declare(expert=expert, by=request.user, request=request, **form.tie())
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The tie is recorded."))
    return _back(pk)


def _status_change(request, pk, service, done: str):
    expert = get_object_or_404(expert_pool(), pk=pk)
    form = ReasonForm(request.POST, prefix="status")
    if not form.is_valid():
        _form_errors(request, form)
        return _back(pk)
    try:
        service(expert=expert, reason=form.cleaned_data["reason"], by=request.user, request=request)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, done % {"name": expert.full_name})
    return _back(pk)


@_office
@require_POST
def expert_deactivate(request, pk):
    return _status_change(
        request, pk, services.expert_deactivate, _("%(name)s is deactivated and gets no new assignment.")
    )


@_office
@require_POST
def expert_reactivate(request, pk):
    return _status_change(request, pk, services.expert_reactivate, _("%(name)s is back in the pool."))


@_office
@require_POST
def expert_password_link(request, pk):
    expert = get_object_or_404(expert_pool(), pk=pk)
    try:
        path = services.expert_password_link_renew(expert=expert, by=request.user, request=request)
    except ValidationError as error:
        _refused(request, error)
    else:
        _remember_links(request, [(expert.pk, expert.full_name, _absolute(request, path))])
    return _back(pk)


# --- the import ------------------------------------------------------------------------------------------------


@_office
@require_GET
def expert_import_template(request):
    response = HttpResponse(template_workbook(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''expert-import-template.xlsx"
    response["Cache-Control"] = "no-store"
    return response


def _token(request, rows: list[ExpertRow], name: str) -> str:
    return signing.dumps(
        {"by": request.user.pk, "name": name, "rows": [row.as_dict() for row in rows]}, salt=IMPORT_SALT, compress=True
    )


def _untoken(request, token: str):
    """The rows of a preview, or None for a token that is forged, expired or another user's."""
    try:
        data = signing.loads(token, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("by") != request.user.pk:
        return None
    return data.get("name", ""), [ExpertRow.from_dict(row) for row in data.get("rows", [])]


def _preview(request, form, rows, name, *, status=200):
    bad = [row for row in rows if row.errors]
    return render(
        request,
        "reviews/experts/import.html",
        {
            "form": form,
            "rows": rows,
            "bad": bad,
            "file_name": name,
            "token": _token(request, rows, name) if rows and not bad else "",
        },
        status=status,
    )


@_office
@require_http_methods(["GET", "POST"])
def expert_import(request):
    if request.method == "GET":
        return render(
            request,
            "reviews/experts/import.html",
            {
                "form": ImportUploadForm(),
                "done": request.session.pop("reviews.expert_import_done", None),
                "links": _take_links(request),
            },
        )
    if "token" in request.POST:
        return _import_confirm(request)
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "reviews/experts/import.html", {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    name = (upload.name or "")[:120]
    try:
        if upload.size > MAX_FILE_BYTES:  # refused before it is read into memory
            raise file_too_large()
        rows = read_workbook(upload.read())
    except WorkbookRefused as error:
        form.add_error("file", error.messages[0])
        return render(request, "reviews/experts/import.html", {"form": form}, status=400)
    rows = services.expert_import_check(rows)
    return _preview(request, ImportUploadForm(), rows, name)


def _import_confirm(request):
    unpacked = _untoken(request, request.POST.get("token", ""))
    if unpacked is None:
        messages.error(request, _("The preview has expired or was not yours; please upload the file again."))
        return redirect("reviews:expert_import")
    name, rows = unpacked
    try:
        created = services.expert_import(rows=rows, by=request.user, file_name=name, request=request)
    except services.ImportRefused as refused:
        messages.error(request, _("Nothing was imported: some rows have errors now. Please correct the file."))
        return _preview(request, ImportUploadForm(), refused.rows, name, status=409)
    _remember_links(
        request,
        [
            (expert.pk, expert.full_name, _absolute(request, services.expert_password_path(user=expert.user)))
            for expert in created
        ],
    )
    request.session["reviews.expert_import_done"] = len(created)
    messages.success(
        request,
        ngettext("%(count)d expert was imported.", "%(count)d experts were imported.", len(created))
        % {"count": len(created)},
    )
    return redirect("reviews:expert_import")


# --- the new expert's password ---------------------------------------------------------------------------------


class ExpertPasswordSetView(auth_views.PasswordResetConfirmView):
    """The page of the link given to a new expert: they choose their password (the office never knows it)."""

    template_name = "reviews/experts/password_set.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "form-control"
        return form

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            action=AuditAction.PASSWORD_CHANGE,
            actor=self.user,
            detail="password set through the expert's link",
            request=self.request,
        )
        messages.success(self.request, _("Your password is set. Please log in."))
        return response


expert_password_set = ExpertPasswordSetView.as_view()
