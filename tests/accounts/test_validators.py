import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.validators import CreditCodeValidator, uscc_check_character

validate = CreditCodeValidator()


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("91350100M000100Y43", id="gb32100-annex-example"),
        pytest.param("91110000802100433B", id="letter-check-character"),
        pytest.param("913700001630477270", id="zero-check-character"),
        pytest.param(" 91350100m000100y43 ", id="lower-case-and-spaces-normalised"),
    ],
)
def test_credit_code_valid(code):
    validate(code)


@pytest.mark.parametrize(
    ("code", "error_code", "fragment"),
    [
        pytest.param("91350100M000100Y4", "credit_code_length", "17", id="too-short"),
        pytest.param("91350100M000100Y433", "credit_code_length", "19", id="too-long"),
        pytest.param("", "credit_code_length", "0", id="empty"),
        pytest.param("91350100M0001O0Y43", "credit_code_alphabet", "O", id="letter-O-not-in-alphabet"),
        pytest.param("91350100M0001S0Y43", "credit_code_alphabet", "S", id="letter-S-not-in-alphabet"),
        pytest.param("9135A100M000100Y43", "credit_code_division", "", id="division-code-not-digits"),
        pytest.param("91350100M000100Y44", "credit_code_check", "3", id="wrong-check-character"),
    ],
)
def test_credit_code_invalid_says_why(code, error_code, fragment):
    with pytest.raises(ValidationError) as caught:
        validate(code)
    assert caught.value.code == error_code
    assert fragment in caught.value.messages[0]


def test_credit_code_check_character_matches_weights():
    # Worked by hand with the GB 32100-2015 weights: the sum of the first 17 of 91350100M000100Y4 is 400,
    # 400 mod 31 = 28, 31 - 28 = 3.
    assert uscc_check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("password", "error_code"),
    [
        pytest.param("Ab1!Ab1!x", "password_too_short", id="nine-characters"),
        pytest.param("abcdefgh12", "password_too_simple", id="two-classes-lower-digit"),
        pytest.param("ABCDEFGHIJ", "password_too_simple", id="one-class"),
        pytest.param("Password123", "password_too_common", id="common-password"),
        pytest.param("1234567890", "password_entirely_numeric", id="numeric"),
    ],
)
def test_password_refused(db, password, error_code):
    with pytest.raises(ValidationError) as caught:
        validate_password(password)
    assert error_code in [e.code for e in caught.value.error_list]


@pytest.mark.parametrize(
    "password",
    [
        pytest.param("quality-Award7", id="lower-upper-digit-symbol"),
        pytest.param("qualityaward7!", id="lower-digit-symbol"),
        pytest.param("ZIBO2026award", id="upper-lower-digit"),
    ],
)
def test_password_accepted_with_three_classes(db, password):
    validate_password(password)
