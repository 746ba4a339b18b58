"""A human check for public forms that needs no outside service.

The form shows a small sum, written in Chinese numerals when the page is in Chinese, and carries a signed token
holding a random nonce, the time it was issued and a keyed hash of the answer. On submission the token must be
authentic, at least a few seconds old (people read and type; scripts post at once), not older than the maximum age,
not used before (the nonce is claimed in the cache), the answer must match, and a honeypot field that people never
see must stay empty. Whatever the outcome, the form shows a fresh question when it is displayed again.

Settings: HUMAN_CHECK_MIN_SECONDS (default 3), HUMAN_CHECK_MAX_AGE (seconds, default 3600)."""

import secrets
import time
import unicodedata
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

SALT = "accounts.humancheck"
TOKEN_FIELD = "human_token"
ANSWER_FIELD = "human_answer"
HONEYPOT_FIELD = "website"

_DIGITS = "零一二三四五六七八九"


def min_seconds() -> float:
    return float(getattr(settings, "HUMAN_CHECK_MIN_SECONDS", 3))


def max_age() -> float:
    return float(getattr(settings, "HUMAN_CHECK_MAX_AGE", 3600))


def chinese_numeral(number: int) -> str:
    """0..99 in Chinese numerals: 7 → 七, 10 → 十, 15 → 十五, 20 → 二十, 34 → 三十四."""
    if not 0 <= number <= 99:
        raise ValueError(number)
    if number < 10:
        return _DIGITS[number]
    tens, units = divmod(number, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[units] if units else "")


def parse_answer(text: str) -> int | None:
    """An answer as people type it: Arabic digits (full-width too) or Chinese numerals up to 99; None otherwise."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text) if len(text) <= 3 else None
    text = text.replace("〇", "零").replace("两", "二")
    if all(char in _DIGITS for char in text) and len(text) == 1:
        return _DIGITS.index(text)
    if "十" in text and text.count("十") == 1:
        head, _sep, tail = text.partition("十")
        if len(head) > 1 or len(tail) > 1 or any(char not in _DIGITS for char in head + tail):
            return None
        tens = _DIGITS.index(head) if head else 1
        units = _DIGITS.index(tail) if tail else 0
        return tens * 10 + units if tens else None
    return None


def _answer_hash(nonce: str, answer: int) -> str:
    return salted_hmac(SALT, f"{nonce}:{answer}").hexdigest()[:32]


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str
    answer: int


def challenge_new(*, now: float | None = None) -> Challenge:
    """A fresh question and its signed token. `now` (seconds since the epoch) is the issuing time."""
    issued = time.time() if now is None else now
    if secrets.randbelow(2):
        a, b = 2 + secrets.randbelow(18), 1 + secrets.randbelow(9)
        answer, operator = a + b, "+"
    else:
        a, b = 10 + secrets.randbelow(10), 1 + secrets.randbelow(9)
        answer, operator = a - b, "-"
    chinese = (get_language() or "").lower().startswith("zh")
    shown = {"a": chinese_numeral(a) if chinese else a, "b": chinese_numeral(b) if chinese else b}
    if operator == "+":
        question = _("What is %(a)s plus %(b)s?") % shown
    else:
        question = _("What is %(a)s minus %(b)s?") % shown
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "t": int(issued), "h": _answer_hash(nonce, answer)}, salt=SALT, compress=True)
    return Challenge(question=question, token=token, answer=answer)


def challenge_verify(*, token: str, answer, now: float | None = None, claim: bool = True) -> None:
    """Check a submitted token and answer; raises forms.ValidationError with a message for the person.

    Side effects: with `claim`, marks the token's nonce as used in the cache so the same solved token cannot be
    posted again."""
    current = time.time() if now is None else now
    try:
        payload = signing.loads(token or "", salt=SALT)
        nonce, issued, expected = str(payload["n"]), float(payload["t"]), str(payload["h"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise forms.ValidationError(
            _("The check question could not be read. Please answer the new question."), code="human_check_bad"
        ) from None
    age = current - issued
    if age < min_seconds():
        raise forms.ValidationError(
            _("The form was sent too quickly. Please wait a few seconds and send it again."), code="human_check_fast"
        )
    if age > max_age():
        raise forms.ValidationError(
            _("The check question has expired. Please answer the new question."), code="human_check_expired"
        )
    value = parse_answer(answer)
    if value is None or not constant_time_compare(_answer_hash(nonce, value), expected):
        raise forms.ValidationError(
            _("The answer to the check question is wrong. Please answer the new question."), code="human_check_wrong"
        )
    if claim and not cache.add(f"humancheck:{nonce}", 1, timeout=int(max_age()) + 60):
        raise forms.ValidationError(
            _("This form has already been sent. Please answer the new question."), code="human_check_reused"
        )


def solved_data(*, now: float | None = None) -> dict[str, str]:
    """Form data with a solved check, issued long enough ago to pass: for tests of views that use the mixin."""
    issued = (time.time() if now is None else now) - min_seconds() - 1
    challenge = challenge_new(now=issued)
    return {TOKEN_FIELD: challenge.token, ANSWER_FIELD: str(challenge.answer), HONEYPOT_FIELD: ""}


class _FreshOnRedisplay:
    """A bound form shows the field's initial value (a fresh question), not what was posted."""

    def bound_data(self, data, initial):
        return initial


class _TokenField(_FreshOnRedisplay, forms.CharField):
    pass


class _AnswerField(_FreshOnRedisplay, forms.CharField):
    pass


class _HoneypotInput(forms.TextInput):
    """Rendered out of sight and out of the tab order; people leave it empty, form-filling scripts do not."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '<div class="visually-hidden" aria-hidden="true">{}</div>', super().render(name, value, attrs, renderer)
        )


class HumanCheckFormMixin:
    """Adds the check question, its token and a honeypot to a form, and checks them in `clean()`.

    Put it before the form class: `class ObjectionForm(HumanCheckFormMixin, forms.Form)`. `self.human_question` is
    the question being shown (also the answer field's label)."""

    human_check_error_field = ANSWER_FIELD

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        challenge = challenge_new()
        self.human_question = challenge.question
        self.fields[TOKEN_FIELD] = _TokenField(widget=forms.HiddenInput, required=False, initial=challenge.token)
        self.fields[ANSWER_FIELD] = _AnswerField(
            label=challenge.question,
            required=False,
            max_length=10,
            help_text=gettext_lazy("Check question: please write the result in digits."),
            widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off", "inputmode": "numeric"}),
        )
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label="",
            required=False,
            widget=_HoneypotInput(attrs={"autocomplete": "off", "tabindex": "-1", "class": "visually-hidden"}),
        )

    def clean(self):
        data = super().clean()
        if self.cleaned_data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(
                _("The form could not be accepted. Please try again."), code="human_check_honeypot"
            )
        try:
            challenge_verify(
                token=self.data.get(self.add_prefix(TOKEN_FIELD), ""),
                answer=self.data.get(self.add_prefix(ANSWER_FIELD), ""),
            )
        except forms.ValidationError as error:
            self.add_error(self.human_check_error_field, error)
        return data
