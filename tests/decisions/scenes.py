"""Candidates of an edition waiting at the first step of its decision chain, with their proposed list, for the
tests of the chain, the notice and the approvals. The state field is protected; a scene sets it once at creation."""

from datetime import date

from accounts.enums import Role
from applications.enums import ApplicationState
from applications.models import Application
from awards.enums import Category, StagePhase, Tier
from reviews.models import CandidateProposal
from tests.decisions import individual_winner, make_edition, unit_winner
from tests.factories import UserFactory, confirm_office_values


def office_user():
    return UserFactory(roles=[Role.OFFICE_STAFF])


def first_decision_stage(edition):
    return next(s for s in edition.rulebook.pipeline if s.phase == StagePhase.DECISION)


def stage_of(edition, kind: str):
    return edition.rulebook.stages.get(kind=kind)


def chain_scene(
    code: str, *, units: int = 2, individuals: int = 1, tiers: list[str] | None = None, at: str | None = None
):
    """An edition of `code` with candidates at the first decision stage (or at the stage of kind `at`), each with
    a line on the proposed list: tiers[i] for the i-th candidate (units first), award by default."""
    edition = make_edition(code)
    # The office has confirmed the values its rulebook's text leaves open (e.g. Shandong's notice period).
    confirm_office_values(edition.rulebook)
    stage = stage_of(edition, at) if at else first_decision_stage(edition)
    applications = [
        unit_winner(edition, name=f"候选单位{i}有限公司", state=ApplicationState.CANDIDATE, awarded_on=None)
        for i in range(units)
    ]
    for i in range(individuals):
        person = individual_winner(edition, name=f"候选人{i}")
        # individual_winner makes an AWARDED row; a candidate is needed: recreate it as one.
        person.delete()
        applications.append(
            Application.objects.create(
                edition=edition,
                category=Category.INDIVIDUAL,
                owner=person.owner,
                individual=person.individual,
                applicant_key=person.applicant_key,
                recommender=person.recommender,
                number=person.number,
                state=ApplicationState.CANDIDATE,
            )
        )
    tiers = tiers or [Tier.AWARD] * len(applications)
    for rank, (application, tier) in enumerate(zip(applications, tiers, strict=True), start=1):
        Application.objects.filter(pk=application.pk).update(current_stage=stage)
        CandidateProposal.objects.create(
            edition=edition,
            application=application,
            category=application.category,
            tier=tier,
            rank=rank,
            score=100 - rank,
        )
    for application in applications:
        application.refresh_from_db()
    return edition, applications


def past(day: int = 1) -> date:
    return date(2026, 9, day)


def publish_on_channels(notice, by=None):
    """Record the notice as published, on its first day, on every channel its rulebook names (Zibo 第十八条
    新闻媒体, Linyi 第十七条 市内新闻媒体, national 第二十一条 three sites, Shandong 一（三）4 网上); without this the
    notice does not close. Written directly: a scene's notice may start in the future of the real clock."""
    from decisions.models import NoticeChannel, NoticePublication

    by = by or notice.published_by
    for channel in NoticeChannel.objects.filter(spec__rulebook_id=notice.edition.rulebook_id):
        NoticePublication.objects.get_or_create(
            notice=notice,
            channel=channel,
            defaults={"published_on": notice.starts_on, "where": f"{channel.name}（测试）", "recorded_by": by},
        )
    return notice
