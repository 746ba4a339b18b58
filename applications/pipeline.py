"""Reading a rulebook's stage pipeline: which steps an edition's applications go through, in which order.

The lifecycle's states are fixed; the pipeline data decides which of its transitions an edition uses (a scheme
without a district recommendation never routes through a coordinator) and where review and decision stages
lead next.
"""

from awards.enums import StageKind, StagePhase
from awards.models import Rulebook, Stage


def stages(rulebook: Rulebook) -> list[Stage]:
    # Uses the prefetch cache when the caller loaded rulebook.stages.
    return sorted(rulebook.stages.all(), key=lambda stage: stage.position)


def has_stage(rulebook: Rulebook, kind: StageKind | str) -> bool:
    return any(stage.kind == kind for stage in stages(rulebook))


def next_stage(rulebook: Rulebook, after: Stage | None, *, phase: StagePhase | str | None = None) -> Stage | None:
    """The stage that follows `after` (the first one when `after` is None), optionally only within a phase."""
    following = [s for s in stages(rulebook) if after is None or s.position > after.position]
    if phase is not None:
        following = [s for s in following if s.phase == phase]
    return following[0] if following else None
