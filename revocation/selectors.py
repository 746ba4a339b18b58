"""Every read the revocation views use, scoped to the user who asks: someone else's object is a 404."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from applications.eligibility import add_years
from applications.enums import ApplicationState
from applications.models import Application
from applications.selectors import applicant_applications
from awards.enums import EligibilityKind
from awards.models import EligibilityRule, Scheme

from .enums import VISIBLE_TO_HOLDER, CaseState
from .models import (
    CaseEvent,
    CaseEvidence,
    RecoveryItem,
    RevocationCase,
    RevocationGround,
    RevocationProcedure,
    SpotCheck,
)
from .rules import can_read_cases

_AWARD = (
    "application__edition__scheme",
    "application__organisation",
    "application__individual",
)


def _office_cases(user) -> QuerySet[RevocationCase]:
    if not can_read_cases(user):
        return RevocationCase.objects.none()
    return RevocationCase.objects.all()


def cases_for_office(*, user, scheme_id: int | None = None, state: str | None = None) -> QuerySet[RevocationCase]:
    """The office's case list (the auditor's too), newest first, filtered by scheme and state."""
    cases = _office_cases(user).select_related(*_AWARD, "application__edition", "ground")
    if scheme_id:
        cases = cases.filter(application__edition__scheme_id=scheme_id)
    if state:
        cases = cases.filter(state=state)
    return cases.order_by("-created_at", "-id")


def case_counts(*, user) -> dict[str, int]:
    from django.db.models import Count

    rows = _office_cases(user).values("state").annotate(n=Count("id"))
    return {row["state"]: row["n"] for row in rows}


def case_for_office(*, user, pk: int) -> RevocationCase:
    return get_object_or_404(
        _office_cases(user)
        .select_related(*_AWARD, "application__edition__rulebook", "ground", "trigger", "opened_by")
        .prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
            Prefetch("evidence", queryset=CaseEvidence.objects.select_related("uploaded_by")),
            Prefetch("recovery", queryset=RecoveryItem.objects.select_related("updated_by")),
            "spot_checks",
        ),
        pk=pk,
    )


def evidence_for_office(*, user, case_pk: int, pk: int) -> CaseEvidence:
    if not can_read_cases(user):
        raise Http404("no such file")
    return get_object_or_404(CaseEvidence.objects.select_related("case"), pk=pk, case_id=case_pk)


def decision_file_for_office(*, user, pk: int) -> RevocationCase:
    case = get_object_or_404(_office_cases(user), pk=pk)
    if not case.decision_file:
        raise Http404("no decision document")
    return case


def recovery_item_for_office(*, user, case_pk: int, pk: int) -> RecoveryItem:
    if not can_read_cases(user):
        raise Http404("no such item")
    return get_object_or_404(RecoveryItem.objects.select_related("case"), pk=pk, case_id=case_pk)


def grounds_for(application: Application) -> QuerySet[RevocationGround]:
    return RevocationGround.objects.filter(
        rulebook_id=application.edition.rulebook_id, category=application.category, is_active=True
    ).order_by("article", "number")


def current_holders() -> QuerySet[Application]:
    """Awards held now, for the citizen's report form and the office's new-case form."""
    return (
        Application.objects.filter(state=ApplicationState.AWARDED)
        .select_related("edition__scheme", "organisation", "individual")
        .order_by("edition__scheme_id", "-edition__year", "id")
    )


def schemes() -> QuerySet[Scheme]:
    return Scheme.objects.order_by("id")


def spot_checks_for_office(*, user, organisation_id: int | None = None) -> QuerySet[SpotCheck]:
    if not can_read_cases(user):
        return SpotCheck.objects.none()
    checks = SpotCheck.objects.select_related("organisation", "recorded_by")
    if organisation_id:
        checks = checks.filter(organisation_id=organisation_id)
    return checks.order_by("-checked_on", "-id")


# --- public ----------------------------------------------------------------------------------------------


def announcements() -> QuerySet[RevocationCase]:
    """Decided revocations, the latest decision first: what the rulebooks say is announced to the public."""
    return (
        RevocationCase.objects.filter(state=CaseState.REVOKED)
        .select_related(*_AWARD, "application__edition", "ground")
        .order_by("-decided_on", "-id")
    )


def announcement(*, reference: str) -> RevocationCase:
    return get_object_or_404(announcements(), reference=reference)


# --- the holder ------------------------------------------------------------------------------------------


def holder_awards(*, user) -> list[Application]:
    """The user's awards (held or revoked) with the cases about them the holder may see, their recovery items,
    and the rulebook's duties. Reporter identity is not part of what is read here."""
    awards = list(
        applicant_applications(user=user)
        .filter(state__in=[ApplicationState.AWARDED, ApplicationState.REVOKED])
        .select_related("edition__rulebook")
    )
    if not awards:
        return awards
    cases = (
        RevocationCase.objects.filter(application__in=awards, state__in=sorted(VISIBLE_TO_HOLDER))
        .select_related("ground")
        .prefetch_related("recovery")
        .only(
            "reference",
            "application_id",
            "source",
            "state",
            "ground",
            "decided_on",
            "decision_number",
            "decided_by_body",
            "created_at",
        )
        .order_by("-created_at")
    )
    by_award: dict[int, list] = {}
    for case in cases:
        by_award.setdefault(case.application_id, []).append(case)
    procedures = {
        p.rulebook_id: p
        for p in RevocationProcedure.objects.filter(rulebook_id__in={a.edition.rulebook_id for a in awards})
    }
    bans = {
        (rule.rulebook_id, rule.category): rule
        for rule in EligibilityRule.objects.filter(
            rulebook_id__in={a.edition.rulebook_id for a in awards}, kind=EligibilityKind.REVOCATION_BAN_YEARS
        )
    }
    for award in awards:
        award.revocation_cases = by_award.get(award.pk, [])
        award.procedure = procedures.get(award.edition.rulebook_id)
        ban = bans.get((award.edition.rulebook_id, award.category))
        award.ban_rule = ban
        award.may_apply_again_on = (
            add_years(award.revoked_on, ban.years) if ban is not None and ban.years and award.revoked_on else None
        )
    return awards


def organisation_choices() -> QuerySet:
    """Units that hold or held an award, for the spot-check form."""
    from accounts.models import Organisation

    return Organisation.objects.filter(
        Q(pk__in=Application.objects.filter(organisation__isnull=False).values("organisation_id"))
    ).order_by("name")
