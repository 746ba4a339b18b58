"""Reads of the items issued to winners: what each winner's rulebook gives, and what has been handed over or paid.
Each read takes a constant number of queries, whatever the number of winners."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.enums import AuditAction, AuditResult, Role
from accounts.rules import has_any_role
from accounts.services import audit_record
from applications.enums import ApplicationState
from applications.models import Application
from applications.selectors import applications_visible_to
from awards.models import AwardItem, Edition

from .enums import IssuedItemKind
from .items import MONEY_KINDS, RECORDED_KINDS, WINNER_STATES, kind_sort_key
from .models import Certificate, IssuedItem

K = IssuedItemKind

ISSUED, PAID, RENDERING, PENDING = "issued", "paid", "rendering", "pending"


@dataclass
class ItemCell:
    """One item a winner is due: its rule, and the record (or the certificate) that satisfies it, if any."""

    rule: AwardItem
    record: IssuedItem | None = None
    certificate: Certificate | None = None

    @property
    def kind(self) -> str:
        return self.rule.kind

    @property
    def recordable(self) -> bool:
        return self.rule.kind in RECORDED_KINDS

    @property
    def status(self) -> str:
        if self.rule.kind == K.CERTIFICATE:
            if self.certificate is None:
                return PENDING
            return ISSUED if self.certificate.rendered_at else RENDERING
        if self.record is None:
            return PENDING
        return PAID if self.rule.kind in MONEY_KINDS else ISSUED

    @property
    def done(self) -> bool:
        return self.status in (ISSUED, PAID)


@dataclass
class WinnerRow:
    application: Application
    cells: list[ItemCell]
    certificate: Certificate | None = None
    # The cells in the order of a table's columns (set by edition_items_table).
    column_cells: list["ItemCell | None"] = field(default_factory=list)

    @property
    def cells_by_kind(self) -> dict[str, ItemCell]:
        return {cell.kind: cell for cell in self.cells}

    def columns(self, kinds: list[str]) -> list[ItemCell | None]:
        """The cells in the order of the table's columns; None where the rulebook gives this category nothing."""
        by_kind = self.cells_by_kind
        return [by_kind.get(kind) for kind in kinds]

    @property
    def money_paid(self) -> Decimal:
        return sum(
            (c.record.amount for c in self.cells if c.kind in MONEY_KINDS and c.record and c.record.amount),
            Decimal("0.00"),
        )


@dataclass
class ItemsTable:
    edition: Edition
    kinds: list[str]
    rows: list[WinnerRow] = field(default_factory=list)

    @property
    def kind_labels(self) -> list[tuple[str, str]]:
        return [(kind, K(kind).label) for kind in self.kinds]

    @property
    def money_paid(self) -> Decimal:
        return sum((row.money_paid for row in self.rows), Decimal("0.00"))

    @property
    def money_payments(self) -> int:
        return sum(1 for row in self.rows for c in row.cells if c.kind in MONEY_KINDS and c.record)

    @property
    def money_due(self) -> int:
        return sum(1 for row in self.rows for c in row.cells if c.kind in MONEY_KINDS)

    @property
    def outstanding(self) -> int:
        return sum(1 for row in self.rows for c in row.cells if not c.done)


_WINNER_RELATED = (
    "edition",
    "edition__scheme",
    "edition__rulebook",
    "organisation",
    "individual",
    "individual__employer",
    "certificate",
)


def _rows(applications: list[Application]) -> list[WinnerRow]:
    """Two queries: the rules of every rulebook involved and every item recorded for these applications."""
    rulebook_ids = {a.edition.rulebook_id for a in applications}
    rules: dict[tuple[int, str], list[AwardItem]] = defaultdict(list)
    for rule in AwardItem.objects.filter(rulebook_id__in=rulebook_ids):
        rules[(rule.rulebook_id, rule.category)].append(rule)
    records: dict[tuple[int, str], IssuedItem] = {}
    # Newest first, so that should two rows ever exist for one item, the oldest (the one the service updates)
    # is assigned last and shown.
    for record in IssuedItem.objects.filter(application__in=[a.pk for a in applications]).order_by("-pk"):
        records[(record.application_id, record.kind)] = record
    rows = []
    for application in applications:
        certificate = getattr(application, "certificate", None)
        given = rules[(application.edition.rulebook_id, application.category)]
        given = sorted(given, key=lambda rule: kind_sort_key(rule.kind))
        cells = [
            ItemCell(
                rule=rule,
                record=records.get((application.pk, rule.kind)),
                certificate=certificate if rule.kind == K.CERTIFICATE else None,
            )
            for rule in given
        ]
        rows.append(WinnerRow(application=application, cells=cells, certificate=certificate))
    return rows


def _winners() -> QuerySet[Application]:
    return Application.objects.filter(state__in=sorted(WINNER_STATES)).select_related(*_WINNER_RELATED)


def edition_items_table(edition: Edition) -> ItemsTable:
    """For each winner of the edition, the items its rulebook gives the category and what has been recorded:
    three queries (winners with their certificates, the rules, the records) whatever the number of winners."""
    applications = list(_winners().filter(edition=edition).order_by("category", "awarded_on", "number", "pk"))
    rows = _rows(applications)
    kinds = sorted({cell.kind for row in rows for cell in row.cells}, key=kind_sort_key)
    if not rows:
        kinds = sorted(
            set(AwardItem.objects.filter(rulebook_id=edition.rulebook_id).values_list("kind", flat=True)),
            key=kind_sort_key,
        )
    for row in rows:
        row.column_cells = row.columns(kinds)
    return ItemsTable(edition=edition, kinds=kinds, rows=rows)


def winner_for_office(*, user, pk: int) -> WinnerRow:
    """One winner with its items, for the office's record page; anything that is not a winner is a 404."""
    if not has_any_role(user, Role.OFFICE_STAFF):
        raise Http404("no such winner")
    application = _winners().filter(pk=pk).first()
    if application is None:
        raise Http404("no such winner")
    return _rows([application])[0]


def _own(user) -> QuerySet[Application]:
    # The winner's own applications only: their unit's, or their own as an individual (not what a coordinator
    # may also see).
    if not has_any_role(user, Role.APPLICANT):
        return Application.objects.none()
    mine = Q(owner=user)
    if user.organisation_id:
        mine |= Q(organisation_id=user.organisation_id)
    return applications_visible_to(user).filter(mine)


def items_of_winner(*, user, pk: int | None = None) -> list[WinnerRow]:
    """The user's own winning applications with their items (one, when pk is given: a 404 unless it is theirs)."""
    applications = _own(user).filter(state__in=sorted(WINNER_STATES)).select_related(*_WINNER_RELATED)
    if pk is not None:
        applications = applications.filter(pk=pk)
    applications = list(applications.order_by("-edition__year", "-awarded_on", "pk"))
    if pk is not None and not applications:
        if Application.objects.filter(pk=pk).exclude(pk__in=_own(user).values("pk")).exists():
            # Someone else's: the answer stays a 404 that admits nothing, but the attempt is on the audit trail.
            audit_record(
                action=AuditAction.PERMISSION_REFUSED,
                result=AuditResult.REFUSED,
                actor=user,
                detail=f"items of applications.Application #{pk} are outside the user's scope",
            )
        raise Http404("no such winner")
    return _rows(applications)


# --- award money and how it was used ------------------------------------------------------------------------------


@dataclass
class MoneyAccount:
    """Award money paid to one winner against the purposes its rulebook lists."""

    item: IssuedItem
    purposes: list
    used: Decimal

    @property
    def not_used_as_required(self) -> Decimal:
        return (self.item.amount or Decimal("0.00")) - self.used

    @property
    def article(self) -> str:
        return self.purposes[0].article if self.purposes else ""


def money_item_for_office(*, user, pk: int) -> MoneyAccount:
    """The award money paid to a winner, with its rulebook's purposes and the total recorded as used (three
    queries); anything else is a 404."""
    from .items import money_used_as_required
    from .models import AwardMoneyPurpose

    if not has_any_role(user, Role.OFFICE_STAFF):
        raise Http404("no such award money")
    item = (
        IssuedItem.objects.select_related(*(f"application__{r}" for r in _WINNER_RELATED if r != "certificate"))
        .filter(
            pk=pk,
            kind__in=sorted(MONEY_KINDS),
            application__state__in=sorted(WINNER_STATES | {ApplicationState.REVOKED}),
        )
        .first()
    )
    if item is None:
        raise Http404("no such award money")
    purposes = list(AwardMoneyPurpose.objects.filter(rulebook_id=item.application.edition.rulebook_id, is_active=True))
    return MoneyAccount(item=item, purposes=purposes, used=money_used_as_required(item))


def money_uses(item: IssuedItem) -> QuerySet:
    """The uses recorded against one payment, oldest first, with their purposes (one query per page)."""
    from .models import AwardMoneyUse

    return AwardMoneyUse.objects.filter(item=item).select_related("purpose", "recorded_by").order_by("used_on", "id")


def money_use_for_office(*, user, item_pk: int, pk: int):
    from .models import AwardMoneyUse

    if not has_any_role(user, Role.OFFICE_STAFF):
        raise Http404("no such use")
    use = AwardMoneyUse.objects.filter(pk=pk, item_id=item_pk).exclude(evidence="").first()
    if use is None:
        raise Http404("no such use")
    return use
