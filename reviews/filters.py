"""The filters of the office's lists (django-filter), rendered with templates/includes/filter_form.html."""

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationState
from awards.enums import Category, StageKind, Tier

from . import selectors

# The tier filter's value for a line of the proposed list outside every quota (its tier is "").
OUTSIDE_QUOTAS = "outside"
# The sort keys the worklist offers: parameter -> the annotated or model field it orders by.
WORKLIST_SORTS = {
    "number": "number",
    "name": "sort_name",
    "submitted": "submitted_at",
    "state": "state_order",
    "stage": "current_stage__position",
}
WORKLIST_DEFAULT_SORT = "number"


SORT_LABELS = {
    "number": _("Application number"),
    "name": _("Name"),
    "submitted": _("Submitted at"),
    "state": _("State"),
    "stage": _("Current stage"),
}


def _sort_choices():
    choices = []
    for key, label in SORT_LABELS.items():
        choices.append((key, _("%(field)s, ascending") % {"field": label}))
        choices.append((f"-{key}", _("%(field)s, descending") % {"field": label}))
    return choices


class _Sort(django_filters.OrderingFilter):
    """One sort key (ascending or descending), the number by default; the primary key breaks ties so that the
    pages of a sorted list never share or skip a row."""

    def filter(self, qs, value):
        param = (value or [WORKLIST_DEFAULT_SORT])[0] or WORKLIST_DEFAULT_SORT
        descending = param.startswith("-")
        field = WORKLIST_SORTS.get(param.lstrip("-"), WORKLIST_SORTS[WORKLIST_DEFAULT_SORT])
        # Rows without the value (no current stage yet) come last either way, on PostgreSQL as on SQLite.
        primary = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
        return qs.order_by(primary, "-pk" if descending else "pk")


def _editions(request):
    return selectors.office_editions(user=request.user)


def _districts(request):
    return selectors.worklist_districts(user=request.user)


class WorklistFilter(django_filters.FilterSet):
    """Search, filters and sort of the office's worklist (``selectors.office_applications``)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number, name or credit code")}),
    )
    edition = django_filters.ModelChoiceFilter(label=_("Edition"), queryset=_editions, empty_label=_("All editions"))
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[(s.value, s.label) for s in ApplicationState if s != ApplicationState.DRAFT],
        empty_label=_("All states"),
    )
    recommender = django_filters.ModelChoiceFilter(
        label=_("Recommended by"), queryset=_districts, empty_label=_("All districts")
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices, empty_label=_("Both"))
    tier = django_filters.ChoiceFilter(
        label=_("Tier"),
        choices=[*Tier.choices, (OUTSIDE_QUOTAS, _("Outside the quotas"))],
        method="filter_tier",
        empty_label=_("Any tier"),
    )
    stage = django_filters.ChoiceFilter(
        label=_("Current stage"),
        field_name="current_stage__kind",
        choices=StageKind.choices,
        empty_label=_("Any stage"),
    )
    o = _Sort(label=_("Sort by"), choices=_sort_choices(), empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            widget.attrs["class"] = (
                "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(organisation__name__icontains=value)
            | Q(individual__full_name__icontains=value)
            | Q(organisation__credit_code__icontains=value)
        )

    def filter_tier(self, queryset, name, value):
        return queryset.filter(tier="" if value == OUTSIDE_QUOTAS else value)

    def queryset_without(self, *names: str):
        """The list filtered as the form says except by `names` (and unsorted): the counts per state are shown for
        the other filters, so that each state's tab says what choosing it would list."""
        self.form.is_valid()
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in names and name != "o":
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def sort(self) -> str:
        """The sort in force, as its parameter ("number", "-submitted", …)."""
        self.form.is_valid()  # the valid fields are cleaned even where another one is not
        return ((self.form.cleaned_data.get("o") or [WORKLIST_DEFAULT_SORT])[0]) or WORKLIST_DEFAULT_SORT
