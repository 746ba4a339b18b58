"""Forms of the applicant and coordinator pages. They parse and check what was typed; the services decide."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from accounts.enums import DistrictLevel
from accounts.models import User
from accounts.validators import normalise_credit_code, validate_credit_code
from awards.enums import Category, EligibilityKind

from . import formspec
from .eligibility import FORM_DECLARATIONS
from .enums import APPLICANT_FILE_KINDS, VISIBLE_TO_COORDINATOR, ApplicationState, EncouragedTag, FileKind
from .enums import RecommendationDecision as Decision
from .registration import APPLICANT_DISTRICT_LEVELS, normalise_id_number, validate_id_number

# What a file input offers in the chooser; the type is judged by content when the file arrives.
ACCEPTED_FILES = ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.jpg,.jpeg,.png"
OPINION_REQUIRED = _("Write the opinion (for a return or a refusal: the reason).")
phone_validator = RegexValidator(r"^[0-9+\-() ]{7,20}$", _("Enter a telephone number of digits (7 to 20)."))


class PortalBoundField(BoundField):
    """Marks a field with errors for Bootstrap, on top of the classes its widget already has."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            widget = widget or self.field.widget
            attrs["class"] = f"{attrs.get('class') or widget.attrs.get('class', '')} is-invalid".strip()
        return attrs


class PortalForm(forms.Form):
    """Bootstrap classes on every widget; `portal_required` marks what must be filled before submitting."""

    bound_field_class = PortalBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def style(self) -> None:
        for field in self.fields.values():
            field.portal_required = getattr(field, "portal_required", False)
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- registration -----------------------------------------------------------------------------------------


class DistrictField(forms.ChoiceField):
    """The county-level districts, grouped by city; cleans to a District."""

    def __init__(self, *, districts, **kwargs):
        self.districts = {str(d.pk): d for d in districts if d.level in APPLICANT_DISTRICT_LEVELS}
        groups: dict[str, list] = {}
        # City by city; in each, the districts and counties before the development zones.
        order = sorted(self.districts.values(), key=lambda d: (d.parent_id or 0, d.level == DistrictLevel.ZONE, d.code))
        for district in order:
            city = district.parent.name if district.parent_id else ""
            groups.setdefault(city, []).append((str(district.pk), district.name))
        super().__init__(choices=[("", "—")] + list(groups.items()), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.districts.get(value) if value else None


class AccountForm(PortalForm):
    """The account fields every applicant fills in."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only; you log in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=" ".join(str(text) for text in password_validation.password_validators_help_texts()),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    email = forms.EmailField(label=_("Email"), max_length=254, help_text=_("The portal sends its notices here."))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, validators=[phone_validator])

    account_fields = ("username", "password1", "password2", "email", "phone")

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"] = DistrictField(
            districts=districts,
            label=_("District"),
            help_text=_("The district, county or zone where you are located; its coordinators recommend you."),
        )
        self.order_fields(self.field_order_names)
        self.style()

    field_order_names: tuple[str, ...] = ()

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            probe = User(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(first, user=probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return data

    @property
    def fieldsets(self):
        return [(title, [self[name] for name in names]) for title, names in self.sections]

    def service_arguments(self) -> dict:
        """The cleaned data as the registration service takes it."""
        data = self.cleaned_data
        arguments = {name: data[name] for name in self.field_order_names if name not in ("password1", "password2")}
        arguments["password"] = data["password1"]
        return arguments


class UnitRegistrationForm(AccountForm):
    organisation_name = forms.CharField(label=_("Full name of the unit"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        help_text=_("18 characters, as on the business licence."),
    )
    industry = forms.CharField(label=_("Industry"), max_length=100)
    founded_on = forms.DateField(label=_("Founded on"), widget=_date_input())
    operating_since = forms.DateField(
        label=_("Main business operating since"),
        widget=_date_input(),
        help_text=_("The date the main business started normal operation; the schemes count years from it."),
    )
    four_new_field = forms.BooleanField(
        label=_("The unit works in a four-new field (new technology, industry, business form or model)"),
        required=False,
    )
    independent_legal_person = forms.BooleanField(
        label=_("The unit is an independent legal person"), required=False, initial=True
    )
    encouraged_tags = forms.MultipleChoiceField(
        label=_("Encouraged types"),
        choices=EncouragedTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every type that applies; the reviewers see them."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=60)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, validators=[phone_validator])

    sections = (
        (_("Account"), AccountForm.account_fields),
        (
            _("Unit"),
            (
                "organisation_name",
                "credit_code",
                "district",
                "industry",
                "founded_on",
                "operating_since",
                "four_new_field",
                "independent_legal_person",
                "encouraged_tags",
            ),
        ),
        (_("Contact"), ("contact_name", "contact_phone")),
    )
    field_order_names = tuple(name for _title, names in sections for name in names)

    def clean_credit_code(self) -> str:
        code = normalise_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        return code

    def clean(self):
        data = super().clean()
        if data.get("founded_on") and data.get("operating_since") and data["operating_since"] < data["founded_on"]:
            self.add_error("operating_since", _("The main business cannot have started before the unit was founded."))
        return data


class IndividualRegistrationForm(AccountForm):
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    employer_name = forms.CharField(label=_("Employer"), max_length=200, help_text=_("The unit you work for."))
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    quality_work_since = forms.DateField(
        label=_("Doing quality work in the city since"),
        widget=_date_input(),
        help_text=_("The schemes for individuals count the years of quality work from this date."),
    )
    id_number = forms.CharField(
        label=_("Citizen identity number"),
        max_length=22,
        required=False,
        help_text=_("Optional. Only the first six and the last four characters are kept and shown."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    sections = (
        (_("Account"), AccountForm.account_fields),
        (_("Person"), ("full_name", "id_number", "employer_name", "position", "district", "quality_work_since")),
    )
    field_order_names = tuple(name for _title, names in sections for name in names)

    def clean_id_number(self) -> str:
        number = normalise_id_number(self.cleaned_data["id_number"])
        if number:
            validate_id_number(number)
        return number


# --- the application --------------------------------------------------------------------------------------


def _rule(rules, kind):
    return next((rule for rule in rules if rule.kind == kind), None)


# The declarations with a column of their own on the application, by the form field that holds them.
COLUMN_DECLARATIONS = {
    EligibilityKind.ACCIDENT_FREE_YEARS: "accident_free_declared",
    EligibilityKind.VIOLATION_FREE_YEARS: "violation_free_declared",
}


def declaration_label(rule, category: str) -> str:
    """What the applicant ticks: the rule's own words, said by the unit (本单位) or the person (本人)."""
    words = rule.text or str(EligibilityKind(rule.kind).label)
    if category == Category.UNIT:
        return _("The unit declares: %(text)s") % {"text": words}
    return _("I declare: %(text)s") % {"text": words}


class ApplicationForm(PortalForm):
    """The scheme's form for the category, the declarations and the choice its rules ask for, and one file
    input per kind. Nothing is required to save a draft; `portal_required` marks what submitting needs."""

    def __init__(self, *args, application, rules, **kwargs):
        """`rules`: the rulebook's eligibility rules of the application's category."""
        rules = sorted(rules, key=lambda rule: rule.pk or 0)
        initial = dict(application.form_data)
        chosen = initial.get(formspec.FOCUS_FIELD)
        initial.update(
            profitable_years=application.profitable_years,
            accident_free_declared=application.accident_free_declared,
            violation_free_declared=application.violation_free_declared,
            focus_field=chosen.get("key", "") if isinstance(chosen, dict) else "",
        )
        super().__init__(*args, initial=initial, **kwargs)
        self.text_names = []
        for name, label, required, max_length in formspec.fields_for(application.category):
            field = forms.CharField(
                label=label, required=False, max_length=max_length, widget=forms.Textarea(attrs={"rows": 5})
            )
            field.portal_required = required
            field.widget.attrs["maxlength"] = max_length
            self.fields[name] = field
            self.text_names.append(name)
        self.declaration_names = []
        category = application.category
        rule = _rule(rules, EligibilityKind.PROFITABLE_YEARS)
        if category == Category.UNIT and rule is not None:
            self.fields["profitable_years"] = forms.IntegerField(
                label=_("Consecutive profitable years up to the last financial year"),
                min_value=0,
                max_value=99,
                required=False,
                help_text=f"{rule.article} {rule.text}".strip(),
            )
            self.fields["profitable_years"].portal_required = True
            self.declaration_names.append("profitable_years")
        self.focus_options: dict[str, str] = {}
        rule = _rule(rules, EligibilityKind.FOCUS_FIELD)
        if rule is not None:
            self.focus_options = {str(o.get("key", "")): str(o.get("text", "")) for o in rule.options or ()}
            field = forms.ChoiceField(
                label=_("The item of “%(text)s” this application falls in") % {"text": rule.text},
                choices=[(key, f"{key} {text}") for key, text in self.focus_options.items()],
                required=False,
                widget=forms.RadioSelect,
                help_text=rule.article,
            )
            field.portal_required = True
            self.fields[formspec.FOCUS_FIELD] = field
            self.declaration_names.append(formspec.FOCUS_FIELD)
        for rule in rules:
            if rule.kind in COLUMN_DECLARATIONS:
                field = forms.BooleanField(
                    label=declaration_label(rule, category), required=False, help_text=rule.article
                )
                field.portal_required = True
                self.fields[COLUMN_DECLARATIONS[rule.kind]] = field
                self.declaration_names.append(COLUMN_DECLARATIONS[rule.kind])
        declarations = [rule for rule in rules if rule.kind in FORM_DECLARATIONS]
        if declarations:
            field = forms.MultipleChoiceField(
                label=_("Further declarations"),
                choices=[(rule.kind, f"{rule.article} {declaration_label(rule, category)}") for rule in declarations],
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Tick each statement that is true; every one is required to submit."),
            )
            field.portal_required = True
            self.fields[formspec.DECLARED] = field
            self.declaration_names.append(formspec.DECLARED)
        self.file_names = []
        for kind in APPLICANT_FILE_KINDS:
            name = f"file_{kind}"
            self.fields[name] = forms.FileField(
                label=FileKind(kind).label,
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
            )
            self.file_names.append(name)
        self.style()

    def draft_arguments(self) -> dict:
        data = self.cleaned_data
        form_data = {name: data.get(name, "") for name in self.text_names}
        if formspec.DECLARED in self.fields:
            form_data[formspec.DECLARED] = list(data.get(formspec.DECLARED) or [])
        key = data.get(formspec.FOCUS_FIELD)
        if key:
            form_data[formspec.FOCUS_FIELD] = {"key": key, "text": self.focus_options.get(key, "")}
        return {
            "form_data": form_data,
            "profitable_years": data.get("profitable_years"),
            "accident_free_declared": bool(data.get("accident_free_declared")),
            "violation_free_declared": bool(data.get("violation_free_declared")),
        }

    def uploads(self) -> list[tuple[str, str, object]]:
        """(field name, file kind, uploaded file) for each file chosen."""
        return [
            (name, kind, self.cleaned_data[name])
            for name, kind in zip(self.file_names, APPLICANT_FILE_KINDS, strict=True)
            if self.cleaned_data.get(name)
        ]

    def mark_missing(self) -> None:
        """After a refused submission: flag each required text field that is still empty."""
        for name in self.text_names:
            if self.fields[name].portal_required and not (self.cleaned_data.get(name) or "").strip():
                self.add_error(name, _("Fill this in before submitting."))

    @property
    def text_fields(self):
        return [self[name] for name in self.text_names]

    @property
    def declaration_fields(self):
        return [self[name] for name in self.declaration_names]

    @property
    def file_fields(self):
        return {kind: self[name] for name, kind in zip(self.file_names, APPLICANT_FILE_KINDS, strict=True)}


class WithdrawForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(PortalForm):
    """A coordinator's decision; the button pressed gives `decision`."""

    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.HiddenInput)
    opinion = forms.CharField(
        label=_("Opinion"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": OPINION_REQUIRED},
        help_text=_("Signed with your name; for a return or a refusal, the reason the applicant will read."),
    )
    letter = forms.FileField(
        label=_("Scanned recommendation letter (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
    )

    def clean(self):
        data = super().clean()
        if data.get("letter") and data.get("decision") != Decision.RECOMMEND:
            self.add_error("letter", _("A letter goes only with a recommendation."))
        return data


class InboxFilterForm(PortalForm):
    edition = forms.TypedChoiceField(label=_("Edition"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All"))] + [(s.value, s.label) for s in ApplicationState if s in VISIBLE_TO_COORDINATOR],
    )
    district = forms.TypedChoiceField(label=_("District"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("Search"), max_length=100, required=False)

    def __init__(self, *args, editions, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].choices = [("", _("All"))] + [(e.pk, str(e)) for e in editions]
        self.fields["district"].choices = [("", _("All"))] + [(d.pk, str(d)) for d in districts]
        self.fields["q"].widget.attrs["placeholder"] = _("Number or applicant")
        for field in self.fields.values():
            css = field.widget.attrs["class"]
            field.widget.attrs["class"] = f"{css} {css}-sm"

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "edition_id": data.get("edition"),
            "state": data.get("state") or None,
            "district_id": data.get("district"),
            "query": (data.get("q") or "").strip(),
        }
