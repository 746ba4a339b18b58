"""The fields of the application form per category (Zibo art. 15, Weihai art. 13, Linyi art. 14: the form,
the self-evaluation report and the evidence). Required text fields are checked on submission, not on saving
a draft.

Besides the text fields, `Application.form_data` keeps what the applicant declared and chose under the
eligibility rules: DECLARED, the list of the declaration kinds ticked (those without a column of their own),
and FOCUS_FIELD, the option picked for a choice rule as {"key": item number, "text": the rulebook's words},
so that the words chosen stay with the application for the reviewers."""

from django.utils.translation import gettext_lazy as _

from awards.enums import Category, EligibilityKind

DECLARED = "declared"
FOCUS_FIELD = "focus_field"
_KEY_LENGTH, _TEXT_LENGTH = 40, 1000

# name, label, required, max length
FORM_FIELDS = {
    Category.UNIT: [
        ("summary", _("Overview of the unit"), True, 2000),
        ("quality_management", _("Quality management system and methods"), True, 4000),
        ("main_indicators", _("Main quality and business indicators of the last three years"), True, 4000),
        ("achievements", _("Quality achievements, awards and standards led"), False, 4000),
    ],
    Category.INDIVIDUAL: [
        ("summary", _("Career in quality work"), True, 2000),
        ("contributions", _("Outstanding contributions to quality"), True, 4000),
        ("recognition", _("Recognition, honours and results in quality-skill contests"), False, 4000),
    ],
}


def fields_for(category: str) -> list[tuple[str, str, bool, int]]:
    return FORM_FIELDS[Category(category)]


def missing_fields(category: str, data: dict) -> list[str]:
    return [
        str(label)
        for name, label, required, _max in fields_for(category)
        if required and not (data.get(name) or "").strip()
    ]


def stored_form_data(category: str, form_data: dict) -> dict:
    """What of `form_data` is kept: the category's text fields (cut to their length), the declaration kinds
    ticked (known kinds only, each once) and the option chosen."""
    stored = {name: str(form_data.get(name, ""))[:limit] for name, _label, _req, limit in fields_for(category)}
    declared = form_data.get(DECLARED) or []
    if isinstance(declared, list | tuple | set | frozenset):
        stored[DECLARED] = sorted({str(kind) for kind in declared} & set(EligibilityKind.values))
    chosen = form_data.get(FOCUS_FIELD)
    if isinstance(chosen, dict) and chosen.get("key"):
        stored[FOCUS_FIELD] = {
            "key": str(chosen["key"])[:_KEY_LENGTH],
            "text": str(chosen.get("text", ""))[:_TEXT_LENGTH],
        }
    return stored


def form_facts(form_data: dict) -> dict:
    """The eligibility facts kept with the form, as ApplicantFacts takes them (`declared`, `focus_field`)."""
    chosen = form_data.get(FOCUS_FIELD)
    return {
        "declared": frozenset(form_data.get(DECLARED) or ()),
        "focus_field": str(chosen.get("key", "")) if isinstance(chosen, dict) else "",
    }
