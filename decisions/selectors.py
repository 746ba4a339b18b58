"""Reads of the decisions app that views use.

Public reads (no login): the public notices, current and past, with their names; the announced results of an
edition; the honour roll across editions and schemes. They show only what was published: the names as copied onto
the notice, and winners of editions whose announcement step has been recorded; never an objection.
Office reads: the objections of a notice and one objection. Each list is loaded with a fixed number of queries
whatever its length."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import District
from applications.enums import ApplicationState
from applications.models import Application
from awards.enums import Category, StageKind, Tier
from awards.models import Edition, Scheme, Stage

from .enums import ObjectionState
from .models import (
    CertificateBatch,
    DecisionStep,
    NoticeEntry,
    NoticePublication,
    NoticeSpec,
    Objection,
    OnwardRecommendation,
    PublicNotice,
)

HONOURED_STATES = (ApplicationState.AWARDED, ApplicationState.REVOKED)


# Public notices


def _published_notices(*, today: date | None = None) -> QuerySet[PublicNotice]:
    # A notice dated in the future is not public before its first day.
    today = today or timezone.localdate()
    return (
        PublicNotice.objects.filter(starts_on__lte=today)
        .select_related("edition__scheme")
        .annotate(names=Count("entries"))
    )


def public_notices(*, now=None) -> dict[str, list[PublicNotice]]:
    """The published notices in two lists: `current` (objections still received) and `past`."""
    now = now or timezone.now()
    current, past = [], []
    for notice in _published_notices(today=timezone.localdate(now)).order_by("-starts_on", "-id"):
        (current if notice.closed_at is None and notice.ends_at > now else past).append(notice)
    return {"current": current, "past": past}


def public_notice_get(pk: int) -> PublicNotice:
    """A published notice, or Http404."""
    notice = _published_notices().filter(pk=pk).first()
    if notice is None:
        raise Http404("no such public notice")
    return notice


def notice_entries(notice: PublicNotice) -> list[NoticeEntry]:
    """The names as they were published, in their order; withdrawn names stay (the notice reads as published)."""
    return list(NoticeEntry.objects.filter(notice=notice).order_by("position", "pk"))


def notice_entry_get(notice: PublicNotice, entry_id) -> NoticeEntry | None:
    try:
        return NoticeEntry.objects.select_related("notice").get(notice=notice, pk=int(entry_id))
    except (NoticeEntry.DoesNotExist, TypeError, ValueError):
        return None


# Announced results and the honour roll


def announced_editions() -> list[Edition]:
    """Editions whose announcement has been recorded, newest first, with their number of winners."""
    announcement = DecisionStep.objects.filter(edition=OuterRef("pk"), stage__kind=StageKind.ANNOUNCEMENT)
    return list(
        Edition.objects.filter(Exists(announcement))
        .select_related("scheme")
        .annotate(
            announced_on=Subquery(announcement.values("held_on")[:1]),
            winners=Count("applications", filter=Q(applications__state__in=HONOURED_STATES)),
        )
        .order_by("-year", "scheme_id")
    )


def announcement_of(edition_id: int) -> DecisionStep:
    """The announcement step of an announced edition, with the edition and scheme, or Http404."""
    step = (
        DecisionStep.objects.filter(edition_id=edition_id, stage__kind=StageKind.ANNOUNCEMENT)
        .select_related("edition__scheme", "stage")
        .first()
    )
    if step is None:
        raise Http404("no announced results for this edition")
    return step


def _honoured() -> QuerySet[Application]:
    from reviews.models import CandidateProposal

    proposed = CandidateProposal.objects.filter(application=OuterRef("pk")).exclude(tier="").values("tier")[:1]
    noticed = NoticeEntry.objects.filter(application=OuterRef("pk")).order_by("-notice_id").values("tier")[:1]
    announcement = DecisionStep.objects.filter(edition=OuterRef("edition_id"), stage__kind=StageKind.ANNOUNCEMENT)
    return (
        Application.objects.filter(Exists(announcement), state__in=HONOURED_STATES)
        .select_related(
            "edition__scheme",
            "organisation",
            "individual__employer",
            "recommender__parent",
        )
        .annotate(
            tier=Coalesce(Subquery(proposed), NullIf(Subquery(noticed), Value("")), Value(Tier.AWARD.value)),
            announced_on=Subquery(announcement.values("held_on")[:1]),
        )
    )


@dataclass(frozen=True)
class HonourRow:
    """One line of the results or the honour roll, as the public sees it."""

    pk: int
    name: str
    unit_name: str
    category: str
    category_label: str
    tier: str
    tier_label: str
    scheme: Scheme
    edition: Edition
    year: int
    district: str
    awarded_on: date | None
    revoked: bool
    revoked_on: date | None
    revocation_ground: str
    revocation_document: str


_TIER_LABELS = dict(Tier.choices)


def _row(application: Application) -> HonourRow:
    if application.category == Category.INDIVIDUAL and application.individual_id:
        person = application.individual
        name, unit = person.full_name, (person.employer.name if person.employer_id else person.employer_name)
    else:
        name, unit = (application.organisation.name if application.organisation_id else ""), ""
    revoked = application.state == ApplicationState.REVOKED
    return HonourRow(
        pk=application.pk,
        name=name,
        unit_name=unit,
        category=application.category,
        category_label=application.get_category_display(),
        tier=application.tier,
        tier_label=str(_TIER_LABELS.get(application.tier, application.tier)),
        scheme=application.edition.scheme,
        edition=application.edition,
        year=application.edition.year,
        district=str(application.recommender),
        awarded_on=application.awarded_on or application.announced_on,
        revoked=revoked,
        revoked_on=application.revoked_on if revoked else None,
        revocation_ground=application.revocation_ground if revoked else "",
        revocation_document=application.revocation_document if revoked else "",
    )


def edition_results(edition_id: int) -> list[HonourRow]:
    """The winners of an announced edition (revoked ones marked), by category, tier and number."""
    applications = _honoured().filter(edition_id=edition_id).order_by("category", "tier", "number", "pk")
    return [_row(application) for application in applications]


def honour_roll(
    *, scheme: Scheme | None = None, year: int | None = None, district: District | None = None
) -> QuerySet[Application]:
    """Every winner (and revoked winner) of every announced edition, newest first; optionally one scheme, one year,
    one district (a city includes its districts and counties, the province everything in it). Turn the page's rows
    into lines with `honour_rows`."""
    applications = _honoured()
    if scheme is not None:
        applications = applications.filter(edition__scheme=scheme)
    if year is not None:
        applications = applications.filter(edition__year=year)
    if district is not None:
        applications = applications.filter(
            Q(recommender=district) | Q(recommender__parent=district) | Q(recommender__parent__parent=district)
        )
    return applications.order_by("-edition__year", "edition__scheme_id", "category", "tier", "number", "pk")


def honour_rows(applications) -> list[HonourRow]:
    return [_row(application) for application in applications]


# Office reads of objections


def notice_for_office(pk: int) -> PublicNotice:
    notice = PublicNotice.objects.select_related("edition__scheme").filter(pk=pk).first()
    if notice is None:
        raise Http404("no such notice")
    return notice


def notice_objections(notice: PublicNotice) -> list[Objection]:
    """The objections to a notice, open ones first, each with the name it concerns and who decided it."""
    return list(
        Objection.objects.filter(notice=notice)
        .select_related("entry", "decided_by")
        .order_by(Case(When(state=ObjectionState.OPEN, then=Value(0)), default=Value(1)), "-submitted_at", "-pk")
    )


def objection_get(pk: int) -> Objection:
    objection = (
        Objection.objects.select_related("notice__edition__scheme", "entry", "decided_by", "deliberation")
        .filter(pk=pk)
        .first()
    )
    if objection is None:
        raise Http404("no such objection")
    return objection


# Office reads of the certificates and of the decision chain (decisions.views). The office sees every edition:
# the pages are guarded by role, and an unknown id is a 404.


def edition_for_office(*, pk: int) -> Edition:
    """Edition `pk` with its scheme; 404 if there is none."""
    return get_object_or_404(Edition.objects.select_related("scheme"), pk=pk)


def certificate_batch_for_office(*, pk: int) -> CertificateBatch:
    return get_object_or_404(CertificateBatch, pk=pk)


def edition_stage(*, edition: Edition, stage_id: int) -> Stage:
    """Stage `stage_id` of the edition's rulebook; 404 if the rulebook has no such stage."""
    stage = edition.rulebook.stages.filter(pk=stage_id).first()
    if stage is None:
        raise Http404("no such stage in this edition")
    return stage


def step_recorded(*, edition: Edition, stage: Stage) -> DecisionStep | None:
    """The step recorded for the stage of the edition, if any."""
    return DecisionStep.objects.filter(edition=edition, stage=stage).first()


def candidates_waiting(*, edition: Edition, stage: Stage, chosen: str | None = None) -> QuerySet[Application]:
    """The candidates waiting at the stage, by category and number; with `chosen` (an id as typed), only that one
    (none if it is not a number)."""
    waiting = Application.objects.filter(edition=edition, current_stage=stage, state=ApplicationState.CANDIDATE)
    waiting = waiting.order_by("category", "number", "pk")
    if chosen is None:
        return waiting
    return waiting.filter(pk=int(chosen)) if chosen.isdigit() else waiting.none()


def application_at_stage(*, edition: Edition, stage: Stage, pk: int) -> Application:
    """Application `pk` of the edition, standing at the stage; 404 otherwise."""
    return get_object_or_404(Application, pk=pk, edition=edition, current_stage=stage)


def decision_step_for_office(*, pk: int) -> DecisionStep:
    return get_object_or_404(DecisionStep, pk=pk)


def edition_with_rulebook_for_office(*, pk: int) -> Edition:
    """Edition `pk` with its scheme and rulebook (what the items table reads its award items from); else 404."""
    return get_object_or_404(Edition.objects.select_related("scheme", "rulebook"), pk=pk)


# Office reads of the notice's channels and of onward recommendations


def notice_publications(notice: PublicNotice) -> list:
    """Where and when the notice was recorded as published, by channel order, with who recorded it."""
    return list(
        NoticePublication.objects.filter(notice=notice)
        .select_related("channel", "recorded_by")
        .order_by("channel__position", "pk")
    )


def onward_recommendations(edition: Edition) -> QuerySet:
    """The onward recommendations made for the edition, newest first, with their number of winners."""
    return (
        OnwardRecommendation.objects.filter(edition=edition)
        .select_related("made_by")
        .annotate(nominee_count=Count("nominees"))
        .order_by("-made_at", "-pk")
    )


def onward_recommendation_get(pk: int):
    return get_object_or_404(
        OnwardRecommendation.objects.select_related("edition__scheme", "edition__rulebook"), pk=pk
    )


def notice_spec_of(notice: PublicNotice) -> NoticeSpec | None:
    """What the notice's rulebook calls the list and the channels it names (prefetched), for the public page."""
    return NoticeSpec.objects.filter(rulebook_id=notice.edition.rulebook_id).prefetch_related("channels").first()
