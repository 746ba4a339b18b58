"""Writes of the awards app: opening and closing an edition."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.enums import AuditAction
from accounts.rules import is_office
from accounts.services import audit_record

from .enums import EditionStatus
from .models import Edition
from .rules import edition_open_problems

# An edition opens from preparation, or opens again after its applications were closed early.
_OPENABLE = frozenset({EditionStatus.DRAFT, EditionStatus.CLOSED})
_CLOSABLE = frozenset({EditionStatus.OPEN})


def _transition(
    *, edition: Edition, by, allowed: frozenset, target: EditionStatus, check_window: bool
) -> Edition:
    if not is_office(by):
        raise PermissionDenied(_("Only the award office can open or close an edition."))
    with transaction.atomic():
        locked = Edition.objects.select_for_update().select_related("scheme", "rulebook").get(pk=edition.pk)
        problems = []
        if locked.status not in allowed:
            problems.append(
                _("“%(edition)s” is %(status)s; it cannot be changed to %(target)s.")
                % {"edition": locked, "status": locked.get_status_display(), "target": target.label}
            )
        if check_window:
            problems += edition_open_problems(locked)
        if problems:
            raise ValidationError(problems)
        previous = locked.status
        locked.status = target
        locked.save(update_fields=["status"])
        audit_record(
            action=AuditAction.STATE_CHANGE, actor=by, obj=locked, detail=f"{previous} → {target.value}"
        )
    edition.status = locked.status
    return locked


def edition_open(*, edition: Edition, by) -> Edition:
    """Open an edition for applications.

    Refuses with PermissionDenied unless `by` is award-office staff, and with a ValidationError listing every
    reason when the edition is not in preparation or closed, when its dates fall outside its rulebook (the time it
    is in force, the application window and submission deadline the text fixes), when another edition of the
    scheme falls in the same cycle, when the rulebook has the office issue an application notice first and the
    edition has none, or when the rulebook's validity dates were set by the office and nobody has confirmed them.

    Side effects: locks the edition row, sets its status to OPEN (also on the `edition` passed in), and
    appends a STATE_CHANGE audit row naming `by`.
    """
    return _transition(
        edition=edition, by=by, allowed=_OPENABLE, target=EditionStatus.OPEN, check_window=True
    )


def edition_close(*, edition: Edition, by) -> Edition:
    """Close an open edition to further applications.

    Refuses with PermissionDenied unless `by` is award-office staff, and with a ValidationError when the
    edition is not open.

    Side effects: locks the edition row, sets its status to CLOSED (also on the `edition` passed in), and
    appends a STATE_CHANGE audit row naming `by`.
    """
    return _transition(
        edition=edition, by=by, allowed=_CLOSABLE, target=EditionStatus.CLOSED, check_window=False
    )
