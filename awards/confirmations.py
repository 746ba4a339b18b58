"""Values the rulebook's text does not give: marked as set by the office, refused until confirmed.

Where a rulebook is silent (Shandong's notice length, the validity end of the Shandong and national texts, the
national sheet's point split, the Zibo revocation procedure art. 29 leaves to separate rules), the value the portal
carries is an `OfficeSetValue`. Every place that uses such a value calls `require_confirmed(rulebook, key)` first:
until a named office user has confirmed it (with the basis of the value, audited), the use is refused with a
Chinese message naming the value and what the text says.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import AuditAction
from accounts.rules import is_office
from accounts.services import audit_record

from .models import OfficeSetValue, Rulebook

# Keys used across the apps (a rulebook field name, or a named value of another app).
NOTICE_WORKING_DAYS = "notice_working_days"
VALID_UNTIL = "valid_until"
VALID_FROM = "valid_from"
REVOCATION_PROCEDURE = "revocation_procedure"


def score_sheet_key(code: str) -> str:
    return f"score_sheet:{code}"


def unconfirmed(rulebook: Rulebook, key: str) -> OfficeSetValue | None:
    """The office-set value `key` of `rulebook` when it is still unconfirmed; None when the rulebook gives the
    value itself or the office has confirmed it."""
    return OfficeSetValue.objects.filter(rulebook=rulebook, key=key, confirmed_at__isnull=True).first()


def is_usable(rulebook: Rulebook, key: str) -> bool:
    return unconfirmed(rulebook, key) is None


def problem(rulebook: Rulebook, key: str) -> str | None:
    """The Chinese reason the value cannot be used yet, or None."""
    value = unconfirmed(rulebook, key)
    if value is None:
        return None
    return _(
        "“%(label)s” (%(value)s) of “%(rulebook)s” is not given by the rulebook (%(silence)s); it was set by the "
        "office and cannot be used until an office user has confirmed it with its basis."
    ) % {"label": value.label, "value": value.value, "rulebook": rulebook.title, "silence": value.silence}


def require_confirmed(rulebook: Rulebook, key: str) -> None:
    """Raise ValidationError (the reason from `problem`) when the value is office-set and unconfirmed."""
    reason = problem(rulebook, key)
    if reason:
        raise ValidationError(reason)


def office_set_value_confirm(*, value: OfficeSetValue, by, basis: str) -> OfficeSetValue:
    """Confirm an office-set value, naming its basis.

    Refuses with PermissionDenied unless `by` is award-office staff; with ValidationError when the basis is blank
    or the value is already confirmed. Side effects: locks the row, records who and when, appends an UPDATE audit
    row with the basis.
    """
    if not is_office(by):
        raise PermissionDenied(_("Only the award office can confirm a value the rulebook does not give."))
    basis = (basis or "").strip()
    if not basis:
        raise ValidationError(_("Name the document or decision the office's value comes from."))
    with transaction.atomic():
        locked = OfficeSetValue.objects.select_for_update().select_related("rulebook").get(pk=value.pk)
        if locked.confirmed:
            raise ValidationError(_("This value was already confirmed."))
        locked.basis = basis[:300]
        locked.confirmed_by = by
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["basis", "confirmed_by", "confirmed_at"])
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=locked,
            detail=f"confirmed {locked.key}={locked.value}; basis: {locked.basis}",
        )
    return locked
