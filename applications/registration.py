"""Registration of applicants: a unit (its account, the organisation and its profile) or an individual (the
account and the personal profile). Identity numbers are checked, then kept only masked and as a keyed digest."""

import hashlib
import hmac
from datetime import date

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import AuditAction, DistrictLevel, Role
from accounts.models import District, Organisation, User
from accounts.services import audit_record, user_assign_roles
from accounts.validators import normalise_credit_code, validate_credit_code

from .enums import EncouragedTag
from .models import IndividualProfile, UnitProfile

# GB 11643-1999: the 18th character of a citizen identity number checks the first 17 digits.
ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_CHECK = "10X98765432"
# Applicants are located in a county-level district: the recommending body of the city awards.
APPLICANT_DISTRICT_LEVELS = frozenset(
    {DistrictLevel.DISTRICT, DistrictLevel.COUNTY, DistrictLevel.COUNTY_CITY, DistrictLevel.ZONE}
)


# --- identity numbers -------------------------------------------------------------------------------------


def normalise_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def id_number_check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_NUMBER_WEIGHTS, strict=True))
    return ID_NUMBER_CHECK[total % 11]


def validate_id_number(value: str) -> None:
    """Refuses an identity number that is not 17 digits and a correct GB 11643 check character, or whose birth
    date does not exist, naming what is wrong."""
    number = normalise_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("A citizen identity number has 18 characters; this one has %(count)d.") % {"count": len(number)},
            code="id_number_length",
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("The first 17 characters of an identity number are digits; the last is a digit or X."),
            code="id_number_characters",
        )
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    if born is None or born > timezone.localdate() or born.year < 1900:
        raise ValidationError(
            _("Characters 7 to 14 of an identity number are the date of birth; %(digits)s is not a valid date.")
            % {"digits": number[6:14]},
            code="id_number_birth_date",
        )
    expected = id_number_check_character(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("The check character is wrong: the last character should be %(expected)s, not %(actual)s.")
            % {"expected": expected, "actual": number[17]},
            code="id_number_check",
        )


def mask_id_number(number: str) -> str:
    """Only the area code and the last four characters stay readable."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def id_number_digest(number: str) -> str:
    """A keyed digest, so that one person cannot register twice, without keeping the number itself."""
    return hmac.new(settings.SECRET_KEY.encode(), number.encode(), hashlib.sha256).hexdigest()


# --- shared checks ----------------------------------------------------------------------------------------


def _account_errors(*, username: str, password: str, email: str) -> dict[str, list]:
    errors: dict[str, list] = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_username_taken(username)]
    try:
        password_validation.validate_password(password, user=User(username=username, email=email))
    except ValidationError as error:
        errors["password1"] = error.messages
    return errors


def _username_taken(username: str) -> str:
    return _("The username “%(username)s” is taken; please choose another.") % {"username": username}


def _district_errors(district: District) -> dict[str, list]:
    if district.level not in APPLICANT_DISTRICT_LEVELS or not district.is_active:
        return {"district": [_("Choose the district, county or zone where you are located.")]}
    return {}


def _create_account(*, username, password, email, phone, display_name, district, organisation=None) -> User:
    user = User(
        username=username,
        email=email,
        phone=phone,
        display_name=display_name[:60],
        district=district,
        organisation=organisation,
    )
    user.set_password(password)
    user.save()
    user_assign_roles(user=user, roles=[Role.APPLICANT])
    return user


# --- the services -----------------------------------------------------------------------------------------


def unit_register(
    *,
    username: str,
    password: str,
    email: str,
    phone: str,
    organisation_name: str,
    credit_code: str,
    district: District,
    industry: str,
    founded_on: date,
    operating_since: date,
    four_new_field: bool,
    independent_legal_person: bool,
    encouraged_tags: list[str],
    contact_name: str,
    contact_phone: str,
    request=None,
) -> User:
    """Register a unit: its applicant account, the organisation and the unit profile the eligibility rules read.

    Refuses (ValidationError keyed by form field) a taken username, a weak password, an invalid credit code or
    one already registered, a district that is not county-level, and an unknown encouraged type.
    Side effects: inserts an Organisation, its UnitProfile and a User with the applicant role in one
    transaction; audit rows for the organisation and the account.
    """
    credit_code = normalise_credit_code(credit_code)
    errors = _account_errors(username=username, password=password, email=email) | _district_errors(district)
    try:
        validate_credit_code(credit_code)
    except ValidationError as error:
        errors["credit_code"] = error.messages
    else:
        if Organisation.objects.filter(credit_code=credit_code).exists():
            errors["credit_code"] = [_already_registered(credit_code)]
    unknown = sorted(set(encouraged_tags) - set(EncouragedTag.values))
    if unknown:
        errors["encouraged_tags"] = [_("Unknown encouraged type: %(tags)s.") % {"tags": ", ".join(unknown)}]
    if operating_since and founded_on and operating_since < founded_on:
        errors["operating_since"] = [_("The main business cannot have started before the unit was founded.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=organisation_name, credit_code=credit_code, district=district
            )
            UnitProfile.objects.create(
                organisation=organisation,
                industry=industry,
                founded_on=founded_on,
                operating_since=operating_since,
                four_new_field=four_new_field,
                independent_legal_person=independent_legal_person,
                encouraged_tags=[tag for tag in EncouragedTag.values if tag in set(encouraged_tags)],
                contact_name=contact_name,
                contact_phone=contact_phone,
            )
            user = _create_account(
                username=username,
                password=password,
                email=email,
                phone=phone,
                display_name=organisation_name,
                district=district,
                organisation=organisation,
            )
            audit_record(
                action=AuditAction.CREATE, actor=user, obj=organisation, detail="unit registered", request=request
            )
            audit_record(action=AuditAction.CREATE, actor=user, obj=user, detail="applicant account", request=request)
    except IntegrityError:
        # Someone registered the same code or username between the checks and the insert.
        if Organisation.objects.filter(credit_code=credit_code).exists():
            raise ValidationError({"credit_code": [_already_registered(credit_code)]}) from None
        raise ValidationError({"username": [_username_taken(username)]}) from None
    return user


def _already_registered(credit_code: str) -> str:
    return _(
        "A unit with the unified social credit code %(code)s is already registered. If it is yours, ask the "
        "colleague who registered it, or the award office, for an account."
    ) % {"code": credit_code}


def individual_register(
    *,
    username: str,
    password: str,
    email: str,
    phone: str,
    full_name: str,
    employer_name: str,
    position: str,
    district: District,
    quality_work_since: date,
    id_number: str = "",
    request=None,
) -> User:
    """Register an individual applicant: the account and the personal profile.

    The identity number is optional; when given it is checked (GB 11643) and kept only masked and as a keyed
    digest, never in clear. Refuses (ValidationError keyed by form field) a taken username, a weak password, an
    invalid or already registered identity number and a district that is not county-level.
    Side effects: inserts a User with the applicant role and its IndividualProfile in one transaction; an
    audit row.
    """
    id_number = normalise_id_number(id_number)
    errors = _account_errors(username=username, password=password, email=email) | _district_errors(district)
    masked = digest = ""
    if id_number:
        try:
            validate_id_number(id_number)
        except ValidationError as error:
            errors["id_number"] = error.messages
        else:
            masked, digest = mask_id_number(id_number), id_number_digest(id_number)
            if IndividualProfile.objects.filter(id_number_digest=digest).exists():
                errors["id_number"] = [_id_number_taken()]
    if quality_work_since and quality_work_since > timezone.localdate():
        errors["quality_work_since"] = [_("This date is in the future.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            user = _create_account(
                username=username,
                password=password,
                email=email,
                phone=phone,
                display_name=full_name,
                district=district,
            )
            IndividualProfile.objects.create(
                user=user,
                full_name=full_name,
                employer_name=employer_name,
                position=position,
                district=district,
                quality_work_since=quality_work_since,
                id_number_masked=masked,
                id_number_digest=digest,
            )
            audit_record(
                action=AuditAction.CREATE, actor=user, obj=user, detail="individual applicant", request=request
            )
    except IntegrityError:
        if digest and IndividualProfile.objects.filter(id_number_digest=digest).exists():
            raise ValidationError({"id_number": [_id_number_taken()]}) from None
        raise ValidationError({"username": [_username_taken(username)]}) from None
    return user


def _id_number_taken() -> str:
    return _("An applicant with this identity number is already registered. Please log in to that account.")
