from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import bindings
from .enums import AuditAction, Role
from .forms import AgencyForm, AuditFilterForm, DepartmentForm, DistrictGrantForm, LoginForm, RolesForm, UserFilter
from .listing import paginate
from .models import role_label
from .rules import can_manage_users, role_required
from .selectors import (
    agencies_known,
    audit_events_for,
    coordinator_districts,
    departments_active,
    districts_active,
    supervision_memberships,
    user_for_manager,
    users_for_manager,
)
from .services import audit_record


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:dashboard")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "form-control"
        return form

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action=AuditAction.PASSWORD_CHANGE, actor=self.request.user, request=self.request)
        messages.success(self.request, _("Your password has been changed."))
        return response


@login_required
@require_GET
def dashboard(request):
    user = request.user
    return render(
        request,
        "accounts/dashboard.html",
        {"roles": user.roles, "Role": Role, "memberships": supervision_memberships(user)},
    )


@role_required(Role.AUDITOR)
@require_GET
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = audit_events_for(user=request.user, **{k: v for k, v in filters.items() if v})
    listing = paginate(request, events.select_related(None), per_page=50)
    return render(request, "accounts/audit_log.html", {"form": form, "page": listing.page, "query": listing.query})


# --- accounts and their bindings: the system administrator's pages ------------------------------------------------


def manager_required(view):
    """Anonymous users go to the login page; anyone who does not manage accounts is refused (and audited)."""

    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_manage_users(request.user):
            raise PermissionDenied("only the system administrator manages accounts")
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@manager_required
@require_GET
def users(request):
    filterset = UserFilter(request.GET or None)
    rows = users_for_manager(user=request.user, **filterset.values())
    listing = paginate(request, rows, per_page=50)
    for account in listing.page:
        account.role_badges = [(group.name, role_label(group.name)) for group in account.role_groups]
    return render(
        request,
        "accounts/users.html",
        {"filterset": filterset, "page": listing.page, "query": listing.query},
    )


def _user_page(request, pk: int, *, status=200, **bound):
    target = user_for_manager(user=request.user, pk=pk)
    granted = list(coordinator_districts(target))
    granted_ids = {district.pk for district in granted}
    context = {
        "target": target,
        "target_roles": target.roles,
        "granted": granted,
        "roles_form": bound.get("roles_form") or RolesForm(initial={"roles": [role.value for role in target.roles]}),
        "district_form": bound.get("district_form")
        or DistrictGrantForm(districts=districts_active().exclude(pk__in=granted_ids).order_by("code")),
        "department_form": bound.get("department_form")
        or DepartmentForm(departments=departments_active(), initial={"department": target.department_id}),
        "agency_form": bound.get("agency_form")
        or AgencyForm(initial={"credit_code": target.agency.credit_code if target.agency_id else ""}),
        "agencies": agencies_known(),
        "Role": Role,
    }
    return render(request, "accounts/user.html", context, status=status)


@manager_required
@require_GET
def user(request, pk: int):
    return _user_page(request, pk)


def _apply(request, pk: int, form_name: str, form, call, success: str):
    """Validate `form`, call the binding service, and come back to the user page with the outcome."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, success)
            return redirect("accounts:user", pk=pk)
    return _user_page(request, pk, status=400, **{form_name: form})


@manager_required
@require_POST
def user_roles(request, pk: int):
    target = user_for_manager(user=request.user, pk=pk)
    return _apply(
        request,
        pk,
        "roles_form",
        RolesForm(request.POST),
        lambda data: bindings.user_roles_set(user=target, roles=data["roles"], by=request.user, request=request),
        _("The roles have been saved."),
    )


@manager_required
@require_POST
def user_district_grant(request, pk: int):
    target = user_for_manager(user=request.user, pk=pk)
    return _apply(
        request,
        pk,
        "district_form",
        DistrictGrantForm(request.POST, districts=districts_active()),
        lambda data: bindings.coordinator_district_grant(
            user=target, district=data["district"], by=request.user, request=request
        ),
        _("The district has been granted."),
    )


@manager_required
@require_POST
def user_district_revoke(request, pk: int):
    target = user_for_manager(user=request.user, pk=pk)
    form = DistrictGrantForm(request.POST, districts=coordinator_districts(target))
    if not form.is_valid():
        messages.error(request, _("This account does not recommend in that district."))
        return redirect("accounts:user", pk=pk)
    try:
        bindings.coordinator_district_revoke(
            user=target, district=form.cleaned_data["district"], by=request.user, request=request
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The district has been taken away."))
    return redirect("accounts:user", pk=pk)


@manager_required
@require_POST
def user_department(request, pk: int):
    target = user_for_manager(user=request.user, pk=pk)
    return _apply(
        request,
        pk,
        "department_form",
        DepartmentForm(request.POST, departments=departments_active()),
        lambda data: bindings.user_department_set(
            user=target, department=data["department"], by=request.user, request=request
        ),
        _("The department has been saved."),
    )


@manager_required
@require_POST
def user_agency(request, pk: int):
    target = user_for_manager(user=request.user, pk=pk)
    return _apply(
        request,
        pk,
        "agency_form",
        AgencyForm(request.POST),
        lambda data: bindings.user_agency_set(
            user=target, agency=data["credit_code"], by=request.user, request=request
        ),
        _("The agency has been saved."),
    )
