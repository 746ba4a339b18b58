from pathlib import Path

import polib
from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_zh_hans_catalogue_is_complete():
    catalogue = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert (untranslated, fuzzy) == ([], [])
    assert len(catalogue) > 300


def test_zh_hans_catalogue_is_compiled_and_used():
    with translation.override("zh-hans"):
        assert translation.gettext("Award schemes") == "奖项"
        assert translation.gettext("Public notice") == "公示"
    with translation.override("en"):
        assert translation.gettext("Award schemes") == "Award schemes"


def test_placeholders_survive_translation():
    catalogue = polib.pofile(str(PO))
    import re

    pattern = re.compile(r"%\(\w+\)[sd]")
    for entry in catalogue.translated_entries():
        translated = entry.msgstr or entry.msgstr_plural.get(0, "")
        # Chinese has one plural form, written from the English plural (which may name the count the singular
        # spells out, e.g. "one application" / "%(counter)s applications").
        source = entry.msgid_plural or entry.msgid
        assert sorted(pattern.findall(source)) == sorted(pattern.findall(translated)), entry.msgid
