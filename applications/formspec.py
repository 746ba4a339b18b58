"""The fields of the application form per category (Zibo art. 15, Weihai art. 13, Linyi art. 14: the form,
the self-evaluation report and the evidence). Required text fields are checked on submission, not on saving
a draft."""

from django.utils.translation import gettext_lazy as _

from awards.enums import Category

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
