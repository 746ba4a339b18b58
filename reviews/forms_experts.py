"""Forms of the expert pool's pages: the list's filters, adding an expert, a tie, a credit record entry, the
deactivation and the import. They parse what was typed; the services in reviews.services decide."""

import json

import django_filters
from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import District, Organisation
from accounts.validators import normalise_credit_code
from applications.forms import PortalForm
from awards.models import Edition

from .enums import CreditRecordKind, TieKind
from .expert_import import (
    DEFAULT_MAX_LOAD,
    MAX_FILE_BYTES,
    MAX_LOAD_RANGE,
    PROFESSIONAL_TITLES,
    TITLE_OTHER,
    TITLE_VALUES,
    normalise_mobile,
    split_tags,
    tags_problem,
)
from .models import ExpertProfile
from .selectors import accounts_taken

TITLE_CHOICES = [("", "—"), *PROFESSIONAL_TITLES, (TITLE_OTHER, _("Other (type it below)"))]


class TagsField(forms.CharField):
    """Several values in one text input, separated by 、 or commas; cleans to a list. The page gives the input a
    datalist of the values already in use."""

    def __init__(self, *, suggestions_id: str, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": suggestions_id, "data-tags": "", "autocomplete": "off"})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "、".join(value)
        return value

    def clean(self, value):
        values = split_tags(super().clean(value))
        problem = tags_problem(values)
        if problem:
            raise forms.ValidationError(problem)
        return values


class UnitByCodeField(forms.CharField):
    """A unit named by its unified social credit code (no list of every unit); cleans to an Organisation."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        code = normalise_credit_code(value)
        organisation = Organisation.objects.filter(credit_code=code).first()
        if organisation is None:
            raise forms.ValidationError(
                _("No unit with the credit code %(code)s is registered in the portal.") % {"code": code}
            )
        return organisation


def _district_choices():
    rows = District.objects.filter(is_active=True).select_related("parent").order_by("code")
    return [("", "—")] + [(str(d.pk), str(d)) for d in rows]


class ExpertProfileFields(PortalForm):
    """The profile part, shared by the create and the edit pages."""

    full_name = forms.CharField(label=_("Full name"), max_length=60)
    title = forms.ChoiceField(label=_("Professional title"), choices=TITLE_CHOICES, required=False)
    title_other = forms.CharField(
        label=_("Other professional title"),
        max_length=60,
        required=False,
        help_text=_("Only when the title is not in the list."),
    )
    employer_name = forms.CharField(
        label=_("Employer"), max_length=200, help_text=_("The unit the expert works for, in full.")
    )
    employer_code = UnitByCodeField(
        label=_("Employer's unified social credit code"),
        max_length=30,
        required=False,
        help_text=_("Optional: when the employer is a unit registered in the portal, its conflicts are found by code."),
    )
    district = forms.ChoiceField(label=_("District"), required=False)
    fields = TagsField(
        label=_("Fields of expertise"),
        suggestions_id="expert-field-suggestions",
        help_text=_("Separate several values with 、 or a comma, e.g. 卓越绩效、质量管理."),
    )
    industries = TagsField(
        label=_("Industries"),
        suggestions_id="expert-industry-suggestions",
        help_text=_("Separate several values with 、 or a comma; the assignment matches them with the applicants'."),
    )
    max_load = forms.IntegerField(
        label=_("Most applications per stage"),
        min_value=MAX_LOAD_RANGE[0],
        max_value=MAX_LOAD_RANGE[1],
        initial=DEFAULT_MAX_LOAD,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = _district_choices()
        self._districts = None

    def clean_district(self):
        value = self.cleaned_data.get("district")
        if not value:
            return None
        district = District.objects.filter(pk=value).first()
        if district is None:
            raise forms.ValidationError(_("Choose a district of the list."))
        return district

    def clean(self):
        data = super().clean()
        title = data.get("title")
        if title == TITLE_OTHER:
            other = " ".join((data.get("title_other") or "").split())
            if not other:
                self.add_error("title_other", _("Type the professional title."))
            data["title"] = other
        elif title and title not in TITLE_VALUES:
            self.add_error("title", _("Choose a title of the list."))
        return data

    def profile_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "title": data.get("title") or "",
            "employer_name": data["employer_name"],
            "employer": data.get("employer_code"),
            "district": data.get("district"),
            "fields": data.get("fields") or [],
            "industries": data.get("industries") or [],
            "max_load": data["max_load"],
        }

    @staticmethod
    def initial_for(expert: ExpertProfile) -> dict:
        title = expert.title
        return {
            "full_name": expert.full_name,
            "title": title if (not title or title in TITLE_VALUES) else TITLE_OTHER,
            "title_other": "" if (not title or title in TITLE_VALUES) else title,
            "employer_name": expert.employer_name,
            "employer_code": expert.employer.credit_code if expert.employer_id else "",
            "district": str(expert.district_id or ""),
            "fields": list(expert.fields),
            "industries": list(expert.industries),
            "max_load": expert.max_load,
        }


class ExpertEditForm(ExpertProfileFields):
    available = forms.BooleanField(
        label=_("Available for assignment"),
        required=False,
        help_text=_("Untick while the expert cannot take work for a while (they stay in the pool)."),
    )

    def profile_arguments(self) -> dict:
        return {**super().profile_arguments(), "available": self.cleaned_data["available"]}

    @staticmethod
    def initial_for(expert: ExpertProfile) -> dict:
        return {**ExpertProfileFields.initial_for(expert), "available": expert.available}


class ExpertCreateForm(ExpertProfileFields):
    """The account and the profile of a new expert, on one page."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("The expert logs in with it: letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        required=False,
        help_text=_("The link with which the expert sets a password is sent here; it is also shown to you once."),
    )

    account_names = ("username", "full_name", "phone", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["username", "full_name", "phone", "email", *self.base_fields])

    def clean_username(self):
        # Said at once with the other fields' errors; the service checks again under its transaction.
        username = self.cleaned_data["username"].strip()
        if accounts_taken(usernames=[username])["usernames"]:
            raise forms.ValidationError(
                _("The username %(username)s is taken by another account.") % {"username": username}
            )
        return username

    def clean_phone(self):
        phone = normalise_mobile(self.cleaned_data.get("phone"))
        if not phone:
            raise forms.ValidationError(_("Enter a mainland mobile number of 11 digits, e.g. 13800000000."))
        return phone

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            **self.profile_arguments(),
            "username": data["username"],
            "phone": data["phone"],
            "email": data.get("email") or "",
        }

    @property
    def account_fields(self):
        return [self[name] for name in ("username", "full_name", "phone", "email")]

    @property
    def profile_fields(self):
        skip = {"username", "full_name", "phone", "email"}
        return [self[name] for name in self.fields if name not in skip]


class TieForm(PortalForm):
    """A unit the expert is tied to (which makes them conflicted for it)."""

    organisation = UnitByCodeField(label=_("Unified social credit code of the unit"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("Tie"), choices=[("", "—"), *TieKind.choices], required=False)
    since = forms.DateField(
        label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("organisation") and not data.get("kind"):
            self.add_error("kind", _("Choose the kind of tie."))
        if data.get("kind") and not data.get("organisation") and "organisation" not in self.errors:
            self.add_error("organisation", _("Give the credit code of the unit."))
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The tie cannot end before it began."))
        return data

    def tie(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("organisation"):
            return None
        return {
            "organisation": data["organisation"],
            "kind": data["kind"],
            "since": data.get("since"),
            "until": data.get("until"),
            "note": data.get("note") or "",
        }


TieFormSet = forms.formset_factory(TieForm, extra=2, max_num=10)


class ReasonForm(PortalForm):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class CreditRecordForm(PortalForm):
    kind = forms.ChoiceField(label=_("Entry"), choices=[("", "—"), *CreditRecordKind.choices])
    article = forms.CharField(
        label=_("Article"), max_length=60, required=False, help_text=_("The rule it rests on, e.g. 威海办法第二十五条.")
    )
    note = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))
    edition = forms.ModelChoiceField(
        label=_("Edition of the removal"),
        queryset=Edition.objects.none(),
        required=False,
        help_text=_(
            "For a removal: the edition in which it was decided; the body and the article are then the rulebook's "
            "(e.g. Linyi art. 26: the review committee)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = Edition.objects.select_related("scheme").order_by("-year", "scheme__code")


class ImportUploadForm(PortalForm):
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"),
        help_text=_("At most %(size)d MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class ImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)


# --- the list ------------------------------------------------------------------------------------------------

ACTIVE, DEACTIVATED, UNAVAILABLE, BARRED = "active", "deactivated", "unavailable", "barred"


def json_text_has(name: str, value: str, *, whole: bool) -> Q:
    """Rows whose JSON list `name` holds `value` (as a whole element, or within one). SQLite has no JSON
    containment lookup and keeps non-ASCII text as \\u escapes, PostgreSQL shows it as typed: the JSON text is
    searched for both spellings."""
    plain = json.dumps(value, ensure_ascii=False)
    escaped = json.dumps(value)
    if not whole:
        plain, escaped = plain[1:-1], escaped[1:-1]
    return Q(**{f"{name}__icontains": plain}) | Q(**{f"{name}__icontains": escaped})


class ExpertFilter(django_filters.FilterSet):
    """The expert list's filters. Fields and industries are JSON lists: the field and industry filters match one
    element as a whole, as the assignment compares them; the search matches a part of one."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    field = django_filters.ChoiceFilter(label=_("Field of expertise"), method="has_field")
    industry = django_filters.ChoiceFilter(label=_("Industry"), method="has_industry")
    title = django_filters.ChoiceFilter(label=_("Professional title"))
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        method="with_status",
        choices=[
            (ACTIVE, _("In the pool and available")),
            (UNAVAILABLE, _("Marked unavailable")),
            (DEACTIVATED, _("Deactivated")),
            (BARRED, _("Barred by the credit record")),
        ],
    )

    class Meta:
        model = ExpertProfile
        fields = ["q", "field", "industry", "title", "status"]

    def __init__(self, *args, tags: dict, titles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["field"].extra["choices"] = [(value, value) for value in tags["fields"]]
        self.filters["industry"].extra["choices"] = [(value, value) for value in tags["industries"]]
        self.filters["title"].extra["choices"] = [(value, value) for value in titles]
        for bound in self.form.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(bound.widget, forms.Select)
                else "form-control form-control-sm"
            )
            bound.widget.attrs.setdefault("class", css)
        self.form.fields["q"].widget.attrs.setdefault("placeholder", _("Name, employer or field"))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(full_name__icontains=value)
            | Q(employer_name__icontains=value)
            | Q(user__username__icontains=value)
            | json_text_has("fields", value, whole=False)
            | json_text_has("industries", value, whole=False)
        )

    def has_field(self, queryset, name, value):
        return queryset.filter(json_text_has("fields", value, whole=True)) if value else queryset

    def has_industry(self, queryset, name, value):
        return queryset.filter(json_text_has("industries", value, whole=True)) if value else queryset

    def with_status(self, queryset, name, value):
        if value == ACTIVE:
            return queryset.filter(deactivated_at__isnull=True, available=True, is_barred=False)
        if value == UNAVAILABLE:
            return queryset.filter(deactivated_at__isnull=True, available=False)
        if value == DEACTIVATED:
            return queryset.filter(deactivated_at__isnull=False)
        if value == BARRED:
            return queryset.filter(is_barred=True)
        return queryset
