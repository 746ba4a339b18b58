"""Bulk actions of the office: one service call per item, each in its own transaction, so an item moves whole
or not at all; the items that may not move are listed with the reason instead of stopping the rest."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError


@dataclass
class BulkResult:
    done: list = field(default_factory=list)
    refused: list[tuple[object, str]] = field(default_factory=list)  # (item, reason the user reads)

    @property
    def total(self) -> int:
        return len(self.done) + len(self.refused)


def bulk_apply(items: Iterable, action: Callable[[object], object]) -> BulkResult:
    """Call `action(item)` for each item (a service that locks, checks and writes in its own transaction).
    A ValidationError or PermissionDenied refuses that item only; any other error propagates, since it is a
    fault, not a refusal."""
    result = BulkResult()
    for item in items:
        try:
            action(item)
        except ValidationError as error:
            result.refused.append((item, "；".join(str(m) for m in error.messages)))
        except PermissionDenied as error:
            result.refused.append((item, str(error) or "—"))
        else:
            result.done.append(item)
    return result
