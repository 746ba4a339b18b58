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
    """The rotation of a group against the previous edition's: `rotated` of `total` members are new, `required`
    must be (the share rounded up: "at least one third" of 10 is 4)."""

    total: int
    rotated: int
    required: int
    previous_total: int | None  # None: no previous group to rotate from
    article: str = ""

    @property
    def ok(self) -> bool:
        return self.total > 0 and self.rotated >= self.required

    @property
    def continuing(self) -> int:
        return self.total - self.rotated


def required_rotated(total: int, numerator: int, denominator: int) -> int:
    """The fewest new members among `total` for a share of at least numerator/denominator (exact integers)."""
    return -(-total * numerator // denominator)


def rotation_check(members, previous_members, *, rule) -> Rotation:
    """Compare a group's members with the previous edition's group. With no previous group every member is new;
    with no rule in the rulebook nothing is required."""
    members = list(members)
    total = len(members)
    if previous_members is None:
        return Rotation(
            total=total, rotated=total, required=0, previous_total=None, article=rule.rotation_article if rule else ""
        )
    previous_members = list(previous_members)
    rotated = sum(1 for m in members if not any(same_person(m, p) for p in previous_members))
    required = required_rotated(total, rule.rotation_numerator, rule.rotation_denominator) if rule else 0
    return Rotation(
        total=total,
        rotated=rotated,
        required=required,
        previous_total=len(previous_members),
        article=rule.rotation_article if rule else "",
    )
