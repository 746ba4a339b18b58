"""The human check of public forms: a signed sum with a timestamp, a honeypot, a minimum fill time and a maximum age,
each token good once."""

import time

import pytest
from django import forms
from django.core import signing
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

from accounts.humancheck import (
    ANSWER_FIELD,
    HONEYPOT_FIELD,
    SALT,
    TOKEN_FIELD,
    HumanCheckFormMixin,
    challenge_new,
    challenge_verify,
    chinese_numeral,
    parse_answer,
    solved_data,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


class NameForm(HumanCheckFormMixin, forms.Form):
    name = forms.CharField()


def codes(error: forms.ValidationError) -> list[str]:
    return [e.code for e in error.error_list]


@pytest.mark.parametrize(
    ("number", "numeral"),
    [(0, "零"), (7, "七"), (10, "十"), (15, "十五"), (20, "二十"), (34, "三十四"), (99, "九十九")],
)
def test_chinese_numeral_reads_back(number, numeral):
    assert chinese_numeral(number) == numeral
    assert parse_answer(numeral) == number


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("12", 12),
        (" 8 ", 8),
        ("１２", 12),
        ("两", 2),
        ("〇", 0),
        ("", None),
        ("abc", None),
        ("十十", None),
        ("1234", None),
    ],
)
def test_parse_answer_accepts_digits_and_numerals(typed, value):
    assert parse_answer(typed) == value


def test_challenge_question_in_chinese_numerals_when_chinese():
    with translation.override("zh-hans"):
        challenge = challenge_new()
    assert any(numeral in challenge.question for numeral in "一二三四五六七八九十")
    assert not any(char.isdigit() for char in challenge.question)


def test_challenge_question_in_digits_in_english():
    with translation.override("en"):
        challenge = challenge_new()
    assert challenge.question.startswith("What is ")
    assert any(char.isdigit() for char in challenge.question)


def test_challenge_token_does_not_carry_the_answer_in_clear():
    challenge = challenge_new()
    payload = signing.loads(challenge.token, salt=SALT)
    assert set(payload) == {"n", "t", "h"}
    assert str(challenge.answer) not in [str(value) for value in payload.values()]


def test_challenge_verify_accepts_right_answer_after_minimum_time():
    issued = time.time() - 10
    challenge = challenge_new(now=issued)
    challenge_verify(token=challenge.token, answer=str(challenge.answer))


def test_challenge_verify_refuses_wrong_answer():
    challenge = challenge_new(now=time.time() - 10)
    with pytest.raises(forms.ValidationError) as raised:
        challenge_verify(token=challenge.token, answer=str(challenge.answer + 1))
    assert codes(raised.value) == ["human_check_wrong"]


def test_challenge_verify_refuses_a_token_sent_too_quickly():
    challenge = challenge_new()
    with pytest.raises(forms.ValidationError) as raised:
        challenge_verify(token=challenge.token, answer=str(challenge.answer))
    assert codes(raised.value) == ["human_check_fast"]


@override_settings(HUMAN_CHECK_MAX_AGE=600)
def test_challenge_verify_refuses_an_expired_token():
    challenge = challenge_new(now=time.time() - 601)
    with pytest.raises(forms.ValidationError) as raised:
        challenge_verify(token=challenge.token, answer=str(challenge.answer))
    assert codes(raised.value) == ["human_check_expired"]


def test_challenge_verify_refuses_a_forged_token():
    challenge = challenge_new(now=time.time() - 10)
    payload = signing.loads(challenge.token, salt=SALT)
    forged = signing.dumps(payload, salt=SALT, key="not-the-portal-key")
    with pytest.raises(forms.ValidationError) as raised:
        challenge_verify(token=forged, answer=str(challenge.answer))
    assert codes(raised.value) == ["human_check_bad"]


def test_challenge_verify_refuses_a_token_used_twice():
    challenge = challenge_new(now=time.time() - 10)
    challenge_verify(token=challenge.token, answer=str(challenge.answer))
    with pytest.raises(forms.ValidationError) as raised:
        challenge_verify(token=challenge.token, answer=str(challenge.answer))
    assert codes(raised.value) == ["human_check_reused"]


def test_form_valid_with_solved_check():
    form = NameForm({"name": "王", **solved_data()})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "王"


def test_form_refuses_missing_answer():
    data = solved_data()
    data[ANSWER_FIELD] = ""
    form = NameForm({"name": "王", **data})
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()[ANSWER_FIELD]] == ["human_check_wrong"]


def test_form_refuses_filled_honeypot():
    form = NameForm({"name": "王", **solved_data(), HONEYPOT_FIELD: "http://spam.example"})
    assert not form.is_valid()
    assert [e.code for e in form.non_field_errors().as_data()] == ["human_check_honeypot"]


def test_form_redisplays_a_fresh_question_not_the_posted_one():
    data = {"name": "", **solved_data()}
    form = NameForm(data)
    assert not form.is_valid()
    html = str(form[TOKEN_FIELD])
    assert data[TOKEN_FIELD] not in html
    assert form[ANSWER_FIELD].value() is None
    assert form.fields[ANSWER_FIELD].label == form.human_question


def test_form_honeypot_rendered_out_of_sight():
    html = str(NameForm()[HONEYPOT_FIELD])
    assert html.startswith('<div class="visually-hidden" aria-hidden="true">')
    assert 'tabindex="-1"' in html
