"""Who acts next on an application, and on which page: one table for the office's dossier, read from the
application's state and the kind of its current stage (the rulebook's pipeline data), never from a scheme's name.

Also where the application stands in its rulebook's pipeline: every stage, in order, done, current or later (or,
for a closed application, the stage where it stopped).

The pages named here belong to several apps (reviews, decisions); this module only names them, the template
reverses them, so no app here imports a later one.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.enums import CLOSED_STATES, ApplicationState
from awards.enums import STAGE_PHASE, StageKind, StagePhase

S = ApplicationState
K = StageKind


class Actor(models.TextChoices):
    """Who takes the next step. The rulebook's own wording (``Stage.body``) is shown beside it."""

    APPLICANT = "applicant", _("The applicant")
    COORDINATOR = "coordinator", _("The recommending district's coordinator")
    OFFICE = "office", _("The award office")
    OFFICE_OR_AGENCY = "office_or_agency", _("The award office or its third-party agency")
    QUALIFICATION_DEPARTMENTS = "qualification_departments", _("The qualification departments")
    EXPERTS = "experts", _("The assigned experts")
    SUPERVISION_GROUP = "supervision_group", _("The supervision group")
    REVIEW_COMMITTEE = "review_committee", _("The review committee")
    LEADING_GROUP = "leading_group", _("The leading group")
    MINISTRY = "ministry", _("The ministry consulted")
    GOVERNMENT = "government", _("The city government")
    ORGANISER = "organiser", _("The organiser")
    PUBLIC = "public", _("The public (objections during the notice)")
    NOBODY = "nobody", _("Nobody: the application is closed")


# What the link of an action needs: nothing, the edition stage's pk, or the edition's pk.
NO_ARG, EDITION_STAGE, EDITION = "", "edition_stage", "edition"


@dataclass(frozen=True)
class NextAction:
    actor: Actor
    task: str  # what the actor does, a sentence the office reads
    url_name: str = ""  # the page where it is done; "" where the office has no page for it
    url_arg: str = NO_ARG  # which id the URL takes (see above)
    start_review: bool = False  # the dossier's own "start review" button does it

    @property
    def actor_label(self) -> str:
        return str(self.actor.label)


def _fallback(state: str) -> tuple[NextAction, ...]:
    # A stage that does not match the state (data changed by hand, or a stage the pipeline does not have).
    return (
        NextAction(
            Actor.OFFICE,
            _("The application's stage does not fit its state “%(state)s”; check its history.")
            % {"state": S(state).label},
        ),
    )


# Review stages recorded on the gate page (a result per application).
_GATE_TASKS = {
    K.PUBLIC_OPINION: _("Records the result of the public-opinion check."),
    K.FORMAL_CHECK: _("Records the result of the formal check."),
    K.QUALIFICATION_CHECK: _("Records the result of the qualification check."),
    K.SATISFACTION_SURVEY: _("Records the score of the social satisfaction survey."),
}
# Scored stages: what is arranged before the experts score, and on which page.
_SCORED_PREPARATION = {
    K.ONSITE_REVIEW: ("reviews:visits", _("Schedules the site visit and its team.")),
    K.ORAL_DEFENCE: ("reviews:defence", _("Schedules the oral-defence session.")),
}
# Decision stages, recorded on the decision board.
_DECISION_ACTORS = {
    K.SUPERVISION_OPINIONS: (Actor.SUPERVISION_GROUP, _("Gives its opinions; the office records them.")),
    K.REVIEW_COMMITTEE: (Actor.REVIEW_COMMITTEE, _("Votes in plenary; the office records the votes.")),
    K.LEADING_GROUP: (Actor.LEADING_GROUP, _("Decides the list; the office records the decision.")),
    K.MINISTRY_CONSULTATION: (Actor.MINISTRY, _("Is consulted; the office records the answer.")),
    K.PUBLIC_NOTICE: (Actor.OFFICE, _("Publishes the public notice.")),
    K.GOVERNMENT_APPROVAL: (Actor.GOVERNMENT, _("Approves the list; the office records the approval.")),
    K.ORGANISER_APPROVAL: (Actor.ORGANISER, _("Approves the list; the office records the approval.")),
    K.ANNOUNCEMENT: (Actor.OFFICE, _("Records the announcement; the certificates are issued.")),
}
_CLOSED_TASKS = {
    S.NOT_RECOMMENDED: _("Not recommended by the district; nothing waits."),
    S.DISQUALIFIED: _("Failed a review stage; nothing waits."),
    S.NOT_SELECTED: _("Not selected; nothing waits."),
    S.WITHDRAWN: _("Withdrawn by the applicant; nothing waits."),
    S.REVOKED: _("The award has been revoked; nothing waits."),
}


def _review(kind, *, edition_stage: bool, departments: bool) -> tuple[NextAction, ...]:
    if kind in _GATE_TASKS or kind in (K.MATERIAL_REVIEW, K.ONSITE_REVIEW, K.ORAL_DEFENCE):
        if not edition_stage:
            return (NextAction(Actor.OFFICE, _("Sets up this review stage for the edition."), "reviews:stage_create"),)
    if kind == K.QUALIFICATION_CHECK and departments:
        return (
            NextAction(
                Actor.QUALIFICATION_DEPARTMENTS,
                _("Each department signs off the qualification check."),
                "reviews:signoff",
                EDITION_STAGE,
            ),
        )
    if kind in _GATE_TASKS:
        return (NextAction(Actor.OFFICE_OR_AGENCY, _GATE_TASKS[kind], "reviews:gate", EDITION_STAGE),)
    if kind in (K.MATERIAL_REVIEW, K.ONSITE_REVIEW, K.ORAL_DEFENCE):
        steps = []
        if kind in _SCORED_PREPARATION:
            url_name, task = _SCORED_PREPARATION[kind]
            steps.append(NextAction(Actor.OFFICE_OR_AGENCY, task, url_name, EDITION_STAGE))
        steps.append(
            NextAction(Actor.EXPERTS, _("Score the application on their sheets."), "reviews:board", EDITION_STAGE)
        )
        steps.append(
            NextAction(
                Actor.OFFICE,
                _("Closes the stage and moves on the applications that pass."),
                "reviews:stage_progress",
                EDITION_STAGE,
            )
        )
        return tuple(steps)
    return ()


def next_actions(
    *, state: str, stage_kind: str | None, edition_stage: bool = False, departments: bool = False
) -> tuple[NextAction, ...]:
    """What happens next to an application in `state` whose current stage is of `stage_kind` (None: no current
    stage), in the order it happens. `edition_stage`: the office has set the review stage up for the edition;
    `departments`: its qualification check is signed off by departments (Linyi art. 15)."""
    kind = K(stage_kind) if stage_kind else None
    if state in CLOSED_STATES:
        return (NextAction(Actor.NOBODY, _CLOSED_TASKS[S(state)]),)
    if state == S.DRAFT:
        return (NextAction(Actor.APPLICANT, _("Fills in the application and submits it.")),)
    if state == S.RETURNED:
        return (NextAction(Actor.APPLICANT, _("Corrects the application and submits it again.")),)
    if state == S.SUBMITTED:
        return (NextAction(Actor.COORDINATOR, _("Recommends the application, returns it or declines it.")),)
    if state == S.RECOMMENDED:
        return (NextAction(Actor.OFFICE, _("Starts the review: the first review stage."), start_review=True),)
    if state == S.IN_REVIEW:
        if kind is None or STAGE_PHASE[kind] != StagePhase.REVIEW:
            return _fallback(state)
        return _review(kind, edition_stage=edition_stage, departments=departments) or _fallback(state)
    if state == S.CANDIDATE:
        if kind == K.CANDIDATE_LIST:
            return (
                NextAction(
                    Actor.OFFICE, _("Ranks the candidates and proposes the candidate list."), "reviews:ranking", EDITION
                ),
                NextAction(
                    Actor.OFFICE, _("Records the proposed list on the decision board."), "decisions:board", EDITION
                ),
            )
        if kind in _DECISION_ACTORS:
            actor, task = _DECISION_ACTORS[kind]
            return (NextAction(actor, task, "decisions:board", EDITION),)
        return _fallback(state)
    if state == S.IN_NOTICE:
        return (
            NextAction(Actor.PUBLIC, _("May object until the notice ends.")),
            NextAction(
                Actor.OFFICE,
                _("Decides each objection; the notice closes by itself when it ends."),
                "decisions:board",
                EDITION,
            ),
        )
    if state == S.APPROVED:
        return (
            NextAction(
                Actor.OFFICE, _("Records the announcement; the certificates are issued."), "decisions:board", EDITION
            ),
        )
    if state == S.AWARDED:
        return (NextAction(Actor.NOBODY, _("Awarded; the supervision after the award goes on.")),)
    return _fallback(state)


# --- where the application stands in its pipeline ---------------------------------------------------------------

DONE, NEXT, CURRENT, LATER, STOPPED = "done", "next", "current", "later", "stopped"
STANDING_LABELS = {
    DONE: _("done"),
    NEXT: _("waits to start"),
    CURRENT: _("current"),
    LATER: _("later"),
    STOPPED: _("stopped here"),
}


@dataclass(frozen=True)
class Standing:
    stage: object  # awards.models.Stage
    status: str

    @property
    def label(self) -> str:
        return str(STANDING_LABELS[self.status])


def _kind_position(stages, kind) -> int | None:
    return next((stage.position for stage in stages if stage.kind == kind), None)


def _pivot(state: str, current, stages) -> tuple[int | None, str]:
    """The position of the stage the application is at (or stopped at) and its status there."""
    first_review = next((s.position for s in stages if s.phase == StagePhase.REVIEW), None)
    if state in (S.DRAFT, S.RETURNED):
        return _kind_position(stages, K.APPLICATION), CURRENT
    if state == S.SUBMITTED:
        return _kind_position(stages, K.DISTRICT_RECOMMENDATION), CURRENT
    if state == S.RECOMMENDED:
        # The recommendation is done; the first review stage waits for the office to start it.
        return first_review, NEXT
    if state == S.NOT_RECOMMENDED:
        return _kind_position(stages, K.DISTRICT_RECOMMENDATION), STOPPED
    if state == S.WITHDRAWN:
        return (current.position if current else _kind_position(stages, K.APPLICATION)), STOPPED
    if state in (S.AWARDED, S.REVOKED):
        return None, DONE
    if state == S.APPROVED and current is None:
        return _kind_position(stages, K.ANNOUNCEMENT), CURRENT
    if current is None:
        return None, LATER
    return current.position, STOPPED if state in CLOSED_STATES else CURRENT


def standing(*, state: str, current_stage, stages) -> list[Standing]:
    """Every stage of the pipeline (`stages` in order, applications.pipeline.stages) with the application's
    status there: the stages before its current one are done, the current one is current (or, for a closed
    application, where it stopped; for a recommended one, the first review stage waits to start), the rest
    later. An award held or revoked has gone through every stage."""
    position, status = _pivot(state, current_stage, stages)
    if position is None:
        return [Standing(stage, status) for stage in stages]
    return [
        Standing(stage, DONE if stage.position < position else status if stage.position == position else LATER)
        for stage in stages
    ]
