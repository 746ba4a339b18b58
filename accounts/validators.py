"""Validators for identifiers and passwords used across the portal."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# GB 32100-2015: the code alphabet leaves out I, O, Z, S and V; the 18th character checks the first 17.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first17: str) -> str:
    """The check character of a unified social credit code, from its first 17 characters."""
    total = sum(
        USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    return (value or "").strip().upper()


@deconstructible
class CreditCodeValidator:
    """Refuses a unified social credit code that is not 18 characters of the GB 32100-2015 alphabet with a
    correct check character, naming what is wrong."""

    def __call__(self, value: str) -> None:
        code = normalise_credit_code(value)
        if len(code) != 18:
            raise ValidationError(
                _("A unified social credit code has 18 characters; this one has %(count)d.")
                % {"count": len(code)},
                code="credit_code_length",
            )
        bad = sorted({char for char in code if char not in USCC_ALPHABET})
        if bad:
            raise ValidationError(
                _(
                    "The characters %(chars)s cannot appear in a unified social credit code (I, O, Z, S and V are "
                    "never used)."
                )
                % {"chars": "、".join(bad)},
                code="credit_code_alphabet",
            )
        if not code[2:8].isdigit():
            raise ValidationError(
                _(
                    "Characters 3 to 8 of a unified social credit code are the administrative division code and "
                    "must be digits."
                ),
                code="credit_code_division",
            )
        expected = uscc_check_character(code[:17])
        if code[17] != expected:
            raise ValidationError(
                _(
                    "The check character is wrong: the last character should be %(expected)s, not %(actual)s. "
                    "Please check the code against the business licence."
                )
                % {"expected": expected, "actual": code[17]},
                code="credit_code_check",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CreditCodeValidator)


validate_credit_code = CreditCodeValidator()

_CLASSES = (
    (re.compile(r"[a-z]"), "lower-case letters"),
    (re.compile(r"[A-Z]"), "upper-case letters"),
    (re.compile(r"[0-9]"), "digits"),
    (re.compile(r"[^a-zA-Z0-9]"), "symbols"),
)


class CharacterClassValidator:
    """A password must mix at least `min_classes` of: lower-case, upper-case, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        used = sum(1 for pattern, _name in _CLASSES if pattern.search(password))
        if used < self.min_classes:
            raise ValidationError(
                ngettext(
                    "The password must mix at least %(min)d kind of character (lower-case letters, upper-case "
                    "letters, digits, symbols); it uses %(used)d.",
                    "The password must mix at least %(min)d kinds of character (lower-case letters, upper-case "
                    "letters, digits, symbols); it uses %(used)d.",
                    self.min_classes,
                )
                % {"min": self.min_classes, "used": used},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least %(min)d of these: lower-case letters, upper-case letters, digits, "
            "symbols."
        ) % {"min": self.min_classes}
