"""Who acts next, and on which page (reviews.next_action), for every state of the lifecycle and every kind of
stage; and where an application stands in its rulebook's pipeline."""

import itertools
from types import SimpleNamespace

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from applications.enums import CLOSED_STATES, ApplicationState
from awards.enums import STAGE_PHASE, StageKind, StagePhase
from reviews.next_action import (
    CURRENT,
    DONE,
    EDITION,
    EDITION_STAGE,
    LATER,
    NEXT,
    NO_ARG,
    STOPPED,
    Actor,
    next_actions,
    standing,
)

S, K = ApplicationState, StageKind
REVIEW_KINDS = [k for k in K if STAGE_PHASE[k] == StagePhase.REVIEW]
DECISION_KINDS = [k for k in K if STAGE_PHASE[k] == StagePhase.DECISION]
# The pages the table may name; reviews:stage_progress is built by another part of issue 10 and may not exist yet.
KNOWN_PAGES = {
    "": NO_ARG,
    "reviews:stage_create": NO_ARG,
    "reviews:gate": EDITION_STAGE,
    "reviews:signoff": EDITION_STAGE,
    "reviews:visits": EDITION_STAGE,
    "reviews:defence": EDITION_STAGE,
    "reviews:board": EDITION_STAGE,
    "reviews:stage_progress": EDITION_STAGE,
    "reviews:ranking": EDITION,
    "decisions:board": EDITION,
}


def summary(actions) -> list[tuple[str, str]]:
    return [(action.actor.value, action.url_name) for action in actions]


@pytest.mark.parametrize(
    ("state", "kind", "edition_stage", "departments"),
    list(itertools.product(list(S), [None, *K], [False, True], [False, True])),
    ids=lambda value: str(value),
)
def test_every_state_and_stage_kind_names_who_acts_and_a_known_page(state, kind, edition_stage, departments):
    actions = next_actions(state=state, stage_kind=kind, edition_stage=edition_stage, departments=departments)
    assert actions, "someone (or nobody, for a closed application) is always named"
    for action in actions:
        assert isinstance(action.actor, Actor) and action.actor_label and str(action.task)
        assert action.url_name in KNOWN_PAGES
        assert action.url_arg == KNOWN_PAGES[action.url_name]


@pytest.mark.parametrize("kind", [None, *K], ids=str)
@pytest.mark.parametrize("state", sorted(CLOSED_STATES), ids=str)
def test_a_closed_application_waits_for_nobody(state, kind):
    assert summary(next_actions(state=state, stage_kind=kind)) == [("nobody", "")]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (S.DRAFT, [("applicant", "")]),
        (S.RETURNED, [("applicant", "")]),
        (S.SUBMITTED, [("coordinator", "")]),
        (S.AWARDED, [("nobody", "")]),
        (S.APPROVED, [("office", "decisions:board")]),
        (S.IN_NOTICE, [("public", ""), ("office", "decisions:board")]),
    ],
    ids=lambda v: str(v),
)
def test_states_whose_next_step_does_not_depend_on_the_stage(state, expected):
    for kind in [None, *K]:
        assert summary(next_actions(state=state, stage_kind=kind, edition_stage=True)) == expected


def test_a_recommended_application_waits_for_the_office_to_start_its_review():
    (action,) = next_actions(state=S.RECOMMENDED, stage_kind=None)
    assert (action.actor, action.start_review, action.url_name) == (Actor.OFFICE, True, "")


@pytest.mark.parametrize(
    ("kind", "departments", "expected"),
    [
        (K.PUBLIC_OPINION, False, [("office_or_agency", "reviews:gate")]),
        (K.FORMAL_CHECK, False, [("office_or_agency", "reviews:gate")]),
        (K.QUALIFICATION_CHECK, False, [("office_or_agency", "reviews:gate")]),
        # Linyi art. 15: several departments sign off the qualification check.
        (K.QUALIFICATION_CHECK, True, [("qualification_departments", "reviews:signoff")]),
        (K.SATISFACTION_SURVEY, False, [("office_or_agency", "reviews:gate")]),
        (K.MATERIAL_REVIEW, False, [("experts", "reviews:board"), ("office", "reviews:stage_progress")]),
        (
            K.ONSITE_REVIEW,
            False,
            [
                ("office_or_agency", "reviews:visits"),
                ("experts", "reviews:board"),
                ("office", "reviews:stage_progress"),
            ],
        ),
        (
            K.ORAL_DEFENCE,
            False,
            [
                ("office_or_agency", "reviews:defence"),
                ("experts", "reviews:board"),
                ("office", "reviews:stage_progress"),
            ],
        ),
    ],
    ids=lambda v: str(v),
)
def test_in_review_each_review_stage_names_its_actor_and_page(kind, departments, expected):
    assert summary(next_actions(state=S.IN_REVIEW, stage_kind=kind, edition_stage=True, departments=departments)) == (
        expected
    )


@pytest.mark.parametrize("kind", REVIEW_KINDS, ids=str)
def test_in_review_a_stage_not_set_up_for_the_edition_is_set_up_first(kind):
    assert summary(next_actions(state=S.IN_REVIEW, stage_kind=kind, edition_stage=False)) == [
        ("office", "reviews:stage_create")
    ]


@pytest.mark.parametrize("kind", [None, *[k for k in K if STAGE_PHASE[k] != StagePhase.REVIEW]], ids=lambda v: str(v))
def test_in_review_at_a_stage_that_is_not_a_review_stage_asks_the_office_to_check(kind):
    with translation.override("en"):
        (action,) = next_actions(state=S.IN_REVIEW, stage_kind=kind, edition_stage=True)
        assert (action.actor, action.url_name) == (Actor.OFFICE, "")
        assert str(action.task) == "The application's stage does not fit its state “Under review”; check its history."


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (K.CANDIDATE_LIST, [("office", "reviews:ranking"), ("office", "decisions:board")]),
        (K.SUPERVISION_OPINIONS, [("supervision_group", "decisions:board")]),
        (K.REVIEW_COMMITTEE, [("review_committee", "decisions:board")]),
        (K.LEADING_GROUP, [("leading_group", "decisions:board")]),
        (K.MINISTRY_CONSULTATION, [("ministry", "decisions:board")]),
        (K.PUBLIC_NOTICE, [("office", "decisions:board")]),
        (K.GOVERNMENT_APPROVAL, [("government", "decisions:board")]),
        (K.ORGANISER_APPROVAL, [("organiser", "decisions:board")]),
        (K.ANNOUNCEMENT, [("office", "decisions:board")]),
    ],
    ids=lambda v: str(v),
)
def test_a_candidate_waits_for_the_body_of_its_decision_stage(kind, expected):
    assert summary(next_actions(state=S.CANDIDATE, stage_kind=kind)) == expected


@pytest.mark.parametrize("kind", [None, *[k for k in K if k not in DECISION_KINDS]], ids=lambda v: str(v))
def test_a_candidate_at_a_stage_that_is_not_a_decision_stage_asks_the_office_to_check(kind):
    assert summary(next_actions(state=S.CANDIDATE, stage_kind=kind)) == [("office", "")]


def test_every_page_named_exists_except_the_stage_progress_page_of_another_part():
    for name, arg in KNOWN_PAGES.items():
        if not name:
            continue
        try:
            reverse(name, args=[1] if arg else [])
        except NoReverseMatch:
            assert name == "reviews:stage_progress"


# --- where it stands ----------------------------------------------------------------------------------------------


def _pipeline(*kinds):
    return [SimpleNamespace(kind=kind, position=n, phase=STAGE_PHASE[kind]) for n, kind in enumerate(kinds, 1)]


WEIHAI = _pipeline(
    K.APPLICATION,
    K.DISTRICT_RECOMMENDATION,
    K.PUBLIC_OPINION,
    K.MATERIAL_REVIEW,
    K.CANDIDATE_LIST,
    K.PUBLIC_NOTICE,
    K.ANNOUNCEMENT,
)


def statuses(state, current_kind=None):
    current = next((s for s in WEIHAI if s.kind == current_kind), None)
    return [item.status for item in standing(state=state, current_stage=current, stages=WEIHAI)]


@pytest.mark.parametrize(
    ("state", "current", "expected"),
    [
        (S.DRAFT, None, [CURRENT, LATER, LATER, LATER, LATER, LATER, LATER]),
        (S.RETURNED, None, [CURRENT, LATER, LATER, LATER, LATER, LATER, LATER]),
        (S.SUBMITTED, None, [DONE, CURRENT, LATER, LATER, LATER, LATER, LATER]),
        (S.NOT_RECOMMENDED, None, [DONE, STOPPED, LATER, LATER, LATER, LATER, LATER]),
        (S.WITHDRAWN, None, [STOPPED, LATER, LATER, LATER, LATER, LATER, LATER]),
        (S.RECOMMENDED, None, [DONE, DONE, NEXT, LATER, LATER, LATER, LATER]),
        (S.IN_REVIEW, K.MATERIAL_REVIEW, [DONE, DONE, DONE, CURRENT, LATER, LATER, LATER]),
        (S.DISQUALIFIED, K.PUBLIC_OPINION, [DONE, DONE, STOPPED, LATER, LATER, LATER, LATER]),
        (S.NOT_SELECTED, K.MATERIAL_REVIEW, [DONE, DONE, DONE, STOPPED, LATER, LATER, LATER]),
        (S.CANDIDATE, K.CANDIDATE_LIST, [DONE, DONE, DONE, DONE, CURRENT, LATER, LATER]),
        (S.IN_NOTICE, K.PUBLIC_NOTICE, [DONE, DONE, DONE, DONE, DONE, CURRENT, LATER]),
        (S.APPROVED, K.ANNOUNCEMENT, [DONE, DONE, DONE, DONE, DONE, DONE, CURRENT]),
        (S.APPROVED, None, [DONE, DONE, DONE, DONE, DONE, DONE, CURRENT]),
        (S.AWARDED, None, [DONE] * 7),
        (S.REVOKED, None, [DONE] * 7),
    ],
    ids=lambda v: str(v),
)
def test_standing_in_the_pipeline(state, current, expected):
    assert statuses(state, current) == expected


def test_standing_covers_every_state():
    for state in S:
        assert len(statuses(state)) == len(WEIHAI)
