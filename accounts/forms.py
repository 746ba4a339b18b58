import django_filters
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .enums import AuditAction, AuditResult, Role
from .models import Department, District, Organisation, User
from .validators import normalise_credit_code


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The username or password is wrong. After 5 failed attempts the account is locked for 15 minutes."
        ),
        "inactive": _("This account is disabled. Please contact the award office."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"class": "form-control", "autofocus": True})
        self.fields["password"].widget.attrs.update({"class": "form-control"})


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All"))] + AuditAction.choices
    )
    result = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", _("All"))] + AuditResult.choices
    )
    username = forms.CharField(label=_("Username"), required=False, max_length=150)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100)
    ip = forms.GenericIPAddressField(label=_("IP address"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field, forms.ChoiceField)
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


# --- the system administrator's user pages -------------------------------------------------------------------


def _style(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class UserFilter(django_filters.FilterSet):
    """Search and role filter of the user list (``selectors.users_for_manager`` does the filtering)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="noop",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Username, name, e-mail or organisation")}),
    )
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices, method="noop", empty_label=_("All roles"))

    def __init__(self, data=None, **kwargs):
        # Only the form is used: the selector filters the rows (scoped to who asks).
        super().__init__(data, queryset=User.objects.none(), **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            widget.attrs["class"] = (
                "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            )

    def noop(self, queryset, name, value):
        return queryset

    def values(self) -> dict:
        """The search and the role asked for, for the selector; an invalid role asks for none."""
        self.form.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        return {"search": (data.get("q") or "").strip(), "role": data.get("role") or ""}


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class DistrictGrantForm(forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), empty_label=None)

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        _style(self)


class DepartmentForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Qualification department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("The department this account signs the qualification check for."),
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        _style(self)


class AgencyForm(forms.Form):
    """The agency by its unified social credit code (any registered organisation may be engaged as the agency);
    empty unbinds."""

    credit_code = forms.CharField(
        label=_("Agency's unified social credit code"),
        max_length=18,
        required=False,
        help_text=_("The organisation must be registered in the portal. Leave empty to unbind."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credit_code"].widget.attrs["list"] = "agency-choices"
        _style(self)

    def clean_credit_code(self):
        code = normalise_credit_code(self.cleaned_data.get("credit_code") or "")
        if not code:
            return None
        agency = Organisation.objects.filter(credit_code=code).first()
        if agency is None:
            raise forms.ValidationError(
                _("No organisation with the credit code %(code)s is registered.") % {"code": code}
            )
        return agency
