"""Conflicts of interest computed from data: who may not review whom.

The rules read only rows that already exist (the expert's employer, district and declared ties; the applicant unit,
or the individual applicant's employer and district), so the same answer comes out for one pair on a page and for
every pair of a stage fed to ``reviews.assignment.AssignmentProblem.conflicts``. A recusal the expert declares is
recorded elsewhere; this module only computes.

Units are matched by their row when both sides point at one, and otherwise by their normalised name (NFKC,
whitespace removed, case-folded), because experts and individual applicants often give only the employer's name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone

from applications.models import Application

from .enums import ConflictReason
from .models import ExpertProfile, ExpertTie

# A tie that ended counts for this many years afterwards ("consulted for the applicant in the last 3 years").
TIE_LOOKBACK_YEARS = 3


def normalise_name(name: str | None) -> str:
    """Full-width to half-width, no whitespace, case-folded: "威海 精工（集团）" == "威海精工(集团)"."""
    return "".join(unicodedata.normalize("NFKC", name or "").split()).casefold()


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class _Unit:
    """A unit as far as the rules can tell: its row id when known, and its normalised name."""

    id: int | None
    name: str

    def same_as(self, other: _Unit | None) -> bool:
        if other is None:
            return False
        if self.id is not None and other.id is not None:
            return self.id == other.id
        return bool(self.name) and self.name == other.name


def _unit(organisation_id: int | None, organisation, name: str = "") -> _Unit | None:
    """The unit given by a nullable FK (with its loaded row) or, failing that, by a typed-in name."""
    if organisation_id is not None:
        return _Unit(organisation_id, normalise_name(organisation.name))
    normalised = normalise_name(name)
    return _Unit(None, normalised) if normalised else None


@dataclass(frozen=True)
class _ExpertFacts:
    id: int
    employer: _Unit | None
    district_id: int | None
    ties: tuple[tuple[_Unit, date | None, date | None], ...]


@dataclass(frozen=True)
class _ApplicantFacts:
    id: int
    is_unit: bool
    unit: _Unit | None
    """The applicant unit, or the individual applicant's employer."""
    district_id: int | None


def _expert_facts(expert: ExpertProfile) -> _ExpertFacts:
    return _ExpertFacts(
        id=expert.pk,
        employer=_unit(expert.employer_id, expert.employer if expert.employer_id else None, expert.employer_name),
        district_id=expert.district_id,
        ties=tuple((_unit(tie.organisation_id, tie.organisation), tie.since, tie.until) for tie in expert.ties.all()),
    )


def _applicant_facts(application: Application) -> _ApplicantFacts:
    if application.organisation_id is not None:
        organisation = application.organisation
        return _ApplicantFacts(
            id=application.pk,
            is_unit=True,
            unit=_unit(organisation.pk, organisation),
            district_id=organisation.district_id,
        )
    individual = application.individual
    return _ApplicantFacts(
        id=application.pk,
        is_unit=False,
        unit=_unit(
            individual.employer_id, individual.employer if individual.employer_id else None, individual.employer_name
        ),
        district_id=individual.district_id,
    )


def _reasons(expert: _ExpertFacts, applicant: _ApplicantFacts, *, same_district: bool, on: date) -> list[str]:
    reasons = []
    if expert.employer is not None and expert.employer.same_as(applicant.unit):
        reasons.append(ConflictReason.WORKS_FOR_APPLICANT if applicant.is_unit else ConflictReason.SAME_EMPLOYER)
    if same_district and expert.district_id is not None and expert.district_id == applicant.district_id:
        reasons.append(ConflictReason.SAME_DISTRICT)
    if applicant.unit is not None:
        horizon = years_before(on, TIE_LOOKBACK_YEARS)
        for unit, since, until in expert.ties:
            if unit.same_as(applicant.unit) and (since is None or since <= on) and (until is None or until >= horizon):
                reasons.append(ConflictReason.DECLARED_TIE)
                break
    return reasons


def conflict_reasons(
    *, expert: ExpertProfile, application: Application, same_district: bool = False, on: date | None = None
) -> list[ConflictReason]:
    """Why `expert` may not review `application`; empty when nothing in the data stands in the way.

    - WORKS_FOR_APPLICANT: a unit applies and the expert's employer is that unit (by row; by name when the expert
      has no employer row).
    - SAME_EMPLOYER: an individual applies and works for the expert's employer (by row when both have one; by name
      otherwise).
    - SAME_DISTRICT: only when the scheme asks (`same_district`): the expert's district is the applicant's (the
      unit's district, or the individual's).
    - DECLARED_TIE: the expert declared a tie with the applicant unit (or the individual's employer) that has begun
      by `on` (default today) and had not ended more than TIE_LOOKBACK_YEARS before it.

    Reads the expert's employer and ties and the application's unit or individual (and employer); use
    ``conflicted_pairs`` for many pairs at once.
    """
    reasons = _reasons(
        _expert_facts(expert),
        _applicant_facts(application),
        same_district=same_district,
        on=on or timezone.localdate(),
    )
    return [ConflictReason(reason) for reason in reasons]


def is_conflicted(
    *, expert: ExpertProfile, application: Application, same_district: bool = False, on: date | None = None
) -> bool:
    return bool(conflict_reasons(expert=expert, application=application, same_district=same_district, on=on))


def _ties_prefetch() -> Prefetch:
    return Prefetch("ties", queryset=ExpertTie.objects.select_related("organisation"))


def _pk(item) -> int:
    return item.pk if isinstance(item, Model) else item


def conflicted_pairs(
    *,
    experts: QuerySet[ExpertProfile] | Iterable[ExpertProfile | int],
    applications: QuerySet[Application] | Iterable[Application | int],
    same_district: bool = False,
    on: date | None = None,
) -> frozenset[tuple[int, int]]:
    """Every (application id, expert id) pair with a conflict, as ``AssignmentProblem.conflicts`` wants them.

    `experts` and `applications` are querysets, instances or ids. Three queries whatever their sizes: the experts
    with their employers, their ties with the tied units, and the applications with their units, individuals and
    individuals' employers. Instances passed in are read again, so stale caches do not matter.
    """
    on = on or timezone.localdate()
    expert_rows = (
        experts
        if isinstance(experts, QuerySet)
        else ExpertProfile.objects.filter(pk__in=[_pk(expert) for expert in experts])
    )
    # Drop any other prefetch (a selector's credit records): only the ties, with their units, are read here.
    expert_rows = expert_rows.select_related("employer").prefetch_related(None).prefetch_related(_ties_prefetch())
    application_rows = (
        applications
        if isinstance(applications, QuerySet)
        else Application.objects.filter(pk__in=[_pk(application) for application in applications])
    )
    application_rows = application_rows.select_related("organisation", "individual", "individual__employer")

    expert_facts = [_expert_facts(expert) for expert in expert_rows]
    applicant_facts = [_applicant_facts(application) for application in application_rows]
    return frozenset(
        (applicant.id, expert.id)
        for applicant in applicant_facts
        for expert in expert_facts
        if _reasons(expert, applicant, same_district=same_district, on=on)
    )
