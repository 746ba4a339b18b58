"""Who may do what after the award, and the supervision group's rotation rule, as small named predicates."""

import unicodedata
from dataclasses import dataclass

from accounts.enums import Role
from accounts.rules import has_any_role
from applications.rules import is_applicant_of, is_office

__all__ = [
    "Rotation",
    "is_applicant_of",
    "is_evaluator_of",
    "is_office",
    "member_of",
    "person_key",
    "rotation_check",
    "same_person",
]


def is_evaluator_of(user, evaluation_round) -> bool:
    """Office staff assess every round; anyone else only a round the office named them on."""
    if is_office(user):
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return evaluation_round.evaluators.filter(pk=user.pk).exists()


def member_of(user, group):
    """The member of `group` that `user`'s account is linked to, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return group.members.filter(user=user).first()


def is_supervisor(user) -> bool:
    return has_any_role(user, Role.SUPERVISOR)


# --- rotation (Zibo art. 12: 选树监督小组成员每届轮换比例不少于三分之一) ------------------------------------


def _normal(text: str) -> str:
    # Full-width and half-width forms, stray spaces and case do not make a different person.
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def person_key(member) -> tuple[str, str]:
    """Name and organisation as compared across editions."""
    return (_normal(member.full_name), _normal(member.organisation_name))


def same_person(a, b) -> bool:
    """Two members of different editions' groups are the same person when their linked portal accounts are the same,
    or, whether linked or not, when name and organisation match once normalised. An account is the stronger key
    (it survives a change of employer); name and organisation catch the members who never had an account."""
    if a.user_id is not None and a.user_id == b.user_id:
        return True
    return person_key(a) == person_key(b)


@dataclass(frozen=True)
class Rotation:
    """A group's rotation against the previous edition's group. "每届轮换比例不少于三分之一" (Zibo art. 12) is a share
    of the previous group that was replaced: `replaced` of its `previous_total` members are no longer in the new
    group, `required` must be (the share rounded up: "at least one third" of 10 is 4). Members merely added do not
    rotate anyone out: a group that keeps every previous member has replaced nobody."""

    total: int
    replaced: int
    required: int
    previous_total: int | None  # None: no previous group to rotate from
    article: str = ""

    @property
    def ok(self) -> bool:
        return self.total > 0 and self.replaced >= self.required

    @property
    def continuing(self) -> int:
        """Previous members kept on."""
        return (self.previous_total or 0) - self.replaced

    @property
    def added(self) -> int:
        """Members who did not sit on the previous group."""
        return self.total - self.continuing


def required_rotated(total: int, numerator: int, denominator: int) -> int:
    """The fewest of `total` previous members to replace for a share of at least numerator/denominator (exact
    integers)."""
    return -(-total * numerator // denominator)


def rotation_check(members, previous_members, *, rule) -> Rotation:
    """Compare a group's members with the previous edition's group: count the previous members who are not in the
    new group. With no previous group there is nothing to replace; with no rule in the rulebook nothing is
    required."""
    members = list(members)
    total = len(members)
    article = rule.rotation_article if rule else ""
    if previous_members is None:
        return Rotation(total=total, replaced=0, required=0, previous_total=None, article=article)
    previous_members = list(previous_members)
    replaced = sum(1 for p in previous_members if not any(same_person(m, p) for m in members))
    required = (
        required_rotated(len(previous_members), rule.rotation_numerator, rule.rotation_denominator) if rule else 0
    )
    return Rotation(
        total=total, replaced=replaced, required=required, previous_total=len(previous_members), article=article
    )
