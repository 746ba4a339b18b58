"""Items handed to winners besides the certificate: plaques, trophies and award money, as the rulebook gives them
(awards.AwardItem). The certificate item is satisfied by the decisions.Certificate row and is never recorded here.
Writes follow applications.services: refuse (audited) before the transaction, lock, check, write, audit."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.enums import AuditAction, AuditResult
from accounts.services import audit_record
from applications.enums import ApplicationState
from applications.models import Application, ApplicationTransition
from applications.rules import is_office
from awards.enums import Category
from awards.models import AwardItem

from .enums import IssuedItemKind
from .models import AwardMoneyPurpose, AwardMoneyUse, IssuedItem

S = ApplicationState
K = IssuedItemKind

# Winners: approved (items may be handed over at the ceremony before the award is registered) or awarded.
WINNER_STATES = frozenset({S.APPROVED, S.AWARDED})
# Handed over on a day; award money is paid on a day with an amount; the certificate has its own row.
PHYSICAL_KINDS = frozenset({K.PLAQUE, K.TROPHY})
MONEY_KINDS = frozenset({K.AWARD_MONEY})
RECORDED_KINDS = PHYSICAL_KINDS | MONEY_KINDS
# Display order of the items everywhere.
KIND_ORDER = [K.CERTIFICATE, K.PLAQUE, K.TROPHY, K.AWARD_MONEY]

CENT = Decimal("0.01")
# IssuedItem.amount is DECIMAL(12, 2): ten digits before the point.
MAX_AMOUNT = Decimal("9999999999.99")

_FIELDS = ("amount", "issued_on", "paid_on", "note")


def _refuse(by, obj, reason: str, request=None):
    # Before any transaction.atomic(), so that the audit row is not rolled back with the refused write.
    audit_record(
        action=AuditAction.PERMISSION_REFUSED,
        result=AuditResult.REFUSED,
        actor=by,
        obj=obj,
        detail=reason,
        request=request,
    )
    raise PermissionDenied(reason)


def _today() -> date:
    return timezone.localdate()


def kind_sort_key(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def award_date(application: Application) -> date | None:
    """The day the application became a winner: the award date, else the day it was approved."""
    if application.awarded_on:
        return application.awarded_on
    approved = (
        ApplicationTransition.objects.filter(application_id=application.pk, to_state=S.APPROVED)
        .order_by("-occurred_at", "-id")
        .values_list("occurred_at", flat=True)
        .first()
    )
    if approved is not None:
        return timezone.localdate(approved)
    if application.state in WINNER_STATES and application.state_changed_at:
        return timezone.localdate(application.state_changed_at)
    return None


def _category_plural(category: str) -> str:
    return _("units") if category == Category.UNIT else _("individuals")


def given_items_message(*, rulebook, category: str, kind: str, given: list[AwardItem]) -> str:
    """Why `kind` cannot be recorded: the rulebook, its articles and what it does give that category."""
    separator = pgettext("list separator", ", ")
    names = separator.join(str(K(item.kind).label) for item in sorted(given, key=lambda i: kind_sort_key(i.kind)))
    # In the order the rulebook's items were entered, which follows the articles.
    articles = separator.join(dict.fromkeys(item.article for item in sorted(given, key=lambda i: i.pk) if item.article))
    values = {
        "rulebook": rulebook.title,
        "articles": articles,
        "category": _category_plural(category),
        "items": names or _("nothing"),
        "kind": K(kind).label if kind in K.values else kind,
    }
    if articles:
        return (
            _("Under %(articles)s of %(rulebook)s, %(category)s receive %(items)s; %(kind)s is not one of them.")
            % values
        )
    return _("Under %(rulebook)s, %(category)s receive %(items)s; %(kind)s is not one of them.") % values


def _parse_amount(amount) -> tuple[Decimal | None, str | None]:
    if amount is None or amount == "":
        return None, None
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        return None, _("Enter the amount as a number of yuan, e.g. 200000.00.")
    if not value.is_finite():
        return None, _("Enter the amount as a number of yuan, e.g. 200000.00.")
    if value <= 0:
        return None, _("The amount must be more than zero.")
    if value != value.quantize(CENT):
        return None, _("The amount has at most two decimal places (yuan and fen).")
    if value > MAX_AMOUNT:
        return None, _("The amount is too large.")
    return value.quantize(CENT), None


def _check(
    *, application: Application, kind: str, issued_on, amount, paid_on, note: str
) -> tuple[dict, dict[str, list[str]]]:
    """The cleaned values and the errors, per field, of one record of an item."""
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if application.state not in WINNER_STATES:
        error(
            NON_FIELD_ERRORS,
            _("Items are recorded only for approved or awarded winners; this application is %(state)s.")
            % {"state": S(application.state).label},
        )
        return {}, errors

    rulebook = application.edition.rulebook
    given = list(AwardItem.objects.filter(rulebook=rulebook, category=application.category))
    if kind not in {item.kind for item in given}:
        error("kind", given_items_message(rulebook=rulebook, category=application.category, kind=kind, given=given))
        return {}, errors
    if kind not in RECORDED_KINDS:
        error("kind", _("The certificate is issued with the edition's certificates and is not recorded here."))
        return {}, errors

    today = _today()
    since = award_date(application)

    def check_day(field: str, day) -> None:
        if day is None:
            return
        if day > today:
            error(field, _("The date %(day)s is in the future.") % {"day": day.isoformat()})
        elif since is not None and day < since:
            error(
                field,
                _("The date %(day)s is before the award date %(since)s.")
                % {"day": day.isoformat(), "since": since.isoformat()},
            )

    value, amount_error = _parse_amount(amount)
    if amount_error:
        error("amount", amount_error)
    if kind in MONEY_KINDS:
        if value is None and not amount_error:
            error("amount", _("Award money needs the amount paid."))
        if paid_on is None:
            error("paid_on", _("Award money needs the date it was paid."))
    else:
        if issued_on is None:
            error("issued_on", _("A %(kind)s needs the date it was handed over.") % {"kind": K(kind).label})
        if value is not None or amount_error:
            errors.pop("amount", None)
            error("amount", _("Only award money has an amount."))
        if paid_on is not None:
            error("paid_on", _("Only award money has a date of payment."))
    check_day("issued_on", issued_on)
    check_day("paid_on", paid_on)
    note = (note or "").strip()
    if len(note) > IssuedItem._meta.get_field("note").max_length:
        error("note", _("The note is too long."))
    cleaned = {"amount": value, "issued_on": issued_on, "paid_on": paid_on if kind in MONEY_KINDS else None}
    cleaned["note"] = note
    return cleaned, errors


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    return value.isoformat() if isinstance(value, date) else str(value)


def _describe(item: IssuedItem) -> str:
    parts = [item.kind]
    if item.amount is not None:
        parts.append(f"amount {item.amount}")
    if item.issued_on:
        parts.append(f"issued_on {item.issued_on.isoformat()}")
    if item.paid_on:
        parts.append(f"paid_on {item.paid_on.isoformat()}")
    return " ".join(parts)


def issued_item_record(
    *,
    application: Application,
    kind: str,
    by,
    issued_on: date | None = None,
    amount=None,
    paid_on: date | None = None,
    note: str = "",
    request=None,
) -> IssuedItem:
    """Record that a winner received a plaque or a trophy (on `issued_on`) or was paid award money (`amount` yuan on
    `paid_on`), as the winner's rulebook gives it to the category.

    Side effects: locks the application row; inserts the IssuedItem with a CREATE audit row, or, when the item was
    recorded before, updates that row (recorded_by, recorded_at) with an UPDATE audit row showing before → after
    (nothing is written when nothing changed). Refuses anyone but the office (PermissionDenied, audited before the
    transaction); raises ValidationError, keyed by field, for an application that is not a winner, an item its
    rulebook does not give (citing the article), the certificate, a missing or non-positive amount, missing dates,
    and dates in the future or before the award.
    """
    if not is_office(by):
        _refuse(by, application, "only the award office records items issued to winners", request)
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("edition", "edition__rulebook", "organisation", "individual")
            .get(pk=application.pk)
        )
        cleaned, errors = _check(
            application=locked, kind=kind, issued_on=issued_on, amount=amount, paid_on=paid_on, note=note
        )
        if errors:
            raise ValidationError(errors)
        existing = IssuedItem.objects.filter(application=locked, kind=kind).order_by("pk").first()
        if existing is None:
            item = IssuedItem.objects.create(application=locked, kind=kind, recorded_by=by, **cleaned)
            audit_record(action=AuditAction.CREATE, actor=by, obj=item, request=request, detail=_describe(item))
            return item
        changes = [
            f"{field} {_show(getattr(existing, field))} → {_show(cleaned[field])}"
            for field in _FIELDS
            if getattr(existing, field) != cleaned[field]
        ]
        if not changes:
            return existing
        for field in _FIELDS:
            setattr(existing, field, cleaned[field])
        existing.recorded_by = by
        existing.recorded_at = timezone.now()
        existing.save(update_fields=[*_FIELDS, "recorded_by", "recorded_at"])
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=existing,
            request=request,
            detail=f"{kind}: " + "; ".join(changes),
        )
        return existing


# --- how award money was used (Weihai 第十九条, Linyi 第二十一条: 主要用于…，不得挪作他用) ------------------------


def money_used_as_required(item: IssuedItem) -> Decimal:
    """The amount recorded as used for the purposes the item's rulebook lists (one query)."""
    total = AwardMoneyUse.objects.filter(item=item, purpose__rulebook_id=F("item__application__edition__rulebook_id"))
    return total.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def award_money_use_record(
    *,
    item: IssuedItem,
    purpose: AwardMoneyPurpose,
    amount,
    used_on: date,
    by,
    description: str = "",
    evidence=None,
    request=None,
) -> AwardMoneyUse:
    """Record that part of the award money paid to a winner was used for one of the purposes its rulebook lists.

    Side effects: locks the issued item; stores the optional evidence file (checked by its content) in private
    storage; inserts the use with a CREATE audit row. Refuses anyone but the office (PermissionDenied, audited
    before the transaction); raises ValidationError, keyed by field, for an item that is not award money, a purpose
    not listed by the winner's rulebook (citing its article), a non-positive amount or one that takes the uses
    beyond the amount paid, a date in the future or before the payment.
    """
    from applications.uploads import check_upload

    if not is_office(by):
        _refuse(by, item, "only the award office records how award money was used", request)
    checked = check_upload(evidence) if evidence is not None else None
    with transaction.atomic():
        locked = (
            IssuedItem.objects.select_for_update(of=("self",))
            .select_related("application__edition__rulebook")
            .get(pk=item.pk)
        )
        errors: dict[str, list[str]] = {}

        def error(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if locked.kind not in MONEY_KINDS or locked.amount is None:
            raise ValidationError({NON_FIELD_ERRORS: [_("Uses are recorded only against award money paid.")]})
        if locked.application.state not in WINNER_STATES:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _("Uses are recorded only for approved or awarded winners; this application is %(state)s.")
                        % {"state": S(locked.application.state).label}
                    ]
                }
            )
        rulebook = locked.application.edition.rulebook
        listed = list(AwardMoneyPurpose.objects.filter(rulebook=rulebook, is_active=True))
        if purpose is None or purpose.pk not in {p.pk for p in listed}:
            error(
                "purpose",
                _("%(rulebook)s lists these purposes for award money (%(article)s): %(purposes)s.")
                % {
                    "rulebook": rulebook.title,
                    "article": listed[0].article if listed else "—",
                    "purposes": pgettext("list separator", ", ").join(p.text for p in listed) or _("none"),
                },
            )
        value, amount_error = _parse_amount(amount)
        if amount_error:
            error("amount", amount_error)
        elif value is None:
            error("amount", _("Enter the amount used."))
        else:
            used = money_used_as_required(locked)
            if used + value > locked.amount:
                error(
                    "amount",
                    _("Uses of %(total)s yuan would exceed the %(paid)s yuan paid.")
                    % {"total": used + value, "paid": locked.amount},
                )
        if used_on is None:
            error("used_on", _("Enter the date the money was used."))
        elif used_on > _today():
            error("used_on", _("The date %(day)s is in the future.") % {"day": used_on.isoformat()})
        elif locked.paid_on and used_on < locked.paid_on:
            error(
                "used_on",
                _("The date %(day)s is before the money was paid (%(paid)s).")
                % {"day": used_on.isoformat(), "paid": locked.paid_on.isoformat()},
            )
        description = (description or "").strip()
        if len(description) > AwardMoneyUse._meta.get_field("description").max_length:
            error("description", _("The description is too long."))
        if errors:
            raise ValidationError(errors)
        use = AwardMoneyUse(
            item=locked, purpose=purpose, amount=value, used_on=used_on, description=description, recorded_by=by
        )
        if checked is not None:
            use.evidence_name = checked.name
            use.evidence_sha256 = checked.sha256
            use.evidence.save(checked.name, evidence, save=False)
        use.save()
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            obj=use,
            request=request,
            detail=f"award money use {purpose.text} {value} on {used_on.isoformat()}",
        )
    return use
