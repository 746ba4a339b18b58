"""The ranking of an edition's candidates and the proposed candidate list within the scheme's quotas.

Weights. Each scored stage's share comes from the rulebook (``awards.Stage.weight``, set by the office in the
rulebook admin). Where no scored stage of the rulebook has a weight, every scored stage of the edition that has
at least one result counts equally: the office has not chosen, and equal shares are the neutral reading. A stage
whose weight is empty while others have one is shown but does not count.

Quotas and tiers (``candidate_list_propose``). Per category, candidates fill the award tier in rank order up to
the ``Quota`` of that category and tier; a "total" quota of the tier (Zibo art. 4: 8 in all) is applied after the
per-category caps by moving the lowest combined scores out of the tier until the total fits. Those not placed go on
to the next tier (Linyi's nomination tier, art. 2) the same way, and the rest stay outside (tier ""). A category
without an award quota has no cap from the rulebook; a tier other than the award has places only where the
rulebook gives it a quota. Places may stay empty (Weihai art. 6).

Ties at a cut: candidates sharing a rank move together. When a group of tied candidates does not fit in the places
left, none of them enters the tier (no rank is split arbitrarily, and no one below them is placed instead): the
places stay empty, the group goes on to the next tier, and each of them is flagged ``tied_at_cut`` so that the
office decides with a written reason (``candidate_change``). No application is ever placed above its rank.

Encouraged types (Linyi art. 11) are shown on each line, never used to reorder.
"""

from collections import Counter
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.enums import AuditAction, AuditResult
from accounts.rules import is_office
from accounts.services import audit_record
from applications.enums import ApplicationState
from applications.models import Application
from awards.enums import SCORED_STAGES, Category, QuotaScope, Tier
from awards.models import Edition, Quota

from . import aggregation
from .models import CandidateProposal, EditionStage
from .results import stage_results

OUTSIDE = ""
TIER_ORDER = [Tier.AWARD, Tier.NOMINATION]
CATEGORY_ORDER = [Category.UNIT, Category.INDIVIDUAL]


def scored_edition_stages(edition: Edition) -> list[EditionStage]:
    """The edition's stages scored by experts, in pipeline order. One query."""
    return list(
        EditionStage.objects.filter(edition=edition, stage__kind__in=SCORED_STAGES)
        .select_related("stage", "score_sheet")
        .order_by("stage__position")
    )


def _weights(edition: Edition, results_by_kind: dict[str, dict]) -> dict[str, float]:
    """Stage kind -> weight, from the rulebook, or equal over the edition's scored stages with results."""
    rulebook_weights = dict(
        edition.rulebook.stages.filter(kind__in=SCORED_STAGES, weight__isnull=False).values_list("kind", "weight")
    )
    if rulebook_weights:
        total = sum(rulebook_weights.values(), Decimal(0))
        if total != 1:
            raise ValidationError(
                _("The weights of the scored stages in the rulebook add up to %(total)s, not 1.") % {"total": total}
            )
        return {kind: float(weight) for kind, weight in rulebook_weights.items()}
    with_results = [kind for kind, results in results_by_kind.items() if results]
    return {kind: 1 / len(with_results) for kind in with_results}


def _candidates(edition: Edition) -> list[Application]:
    return list(
        Application.objects.filter(edition=edition, state=ApplicationState.CANDIDATE)
        .select_related("organisation__unit_profile", "individual")
        .order_by("number", "pk")
    )


def _category_position(category: str) -> int:
    return CATEGORY_ORDER.index(category) if category in CATEGORY_ORDER else len(CATEGORY_ORDER)


def edition_ranking(*, edition: Edition) -> list[dict]:
    """Every candidate (state CANDIDATE) of the edition with its stage finals, combined score and rank in its
    category, best first per category (units, then individuals); incomplete candidates last, unranked.

    Each entry: ``application``, ``category``, ``finals`` (stage kind -> Decimal or None), ``score`` (Decimal or
    None), ``rank`` (competition ranking within the category, or None), ``flags`` (``outliers``: experts flagged
    at any stage; ``consensus``: an agreed score replaced a computed one; ``consensus_pending``: a spread above the
    threshold without an agreed score yet; ``incomplete``: a weighted stage has no result), ``encouraged`` and
    ``encouraged_labels``. A fixed number of queries whatever the number of candidates."""
    stages = scored_edition_stages(edition)
    results_by_kind = {es.stage.kind: stage_results(edition_stage=es) for es in stages}
    candidates = _candidates(edition)
    candidate_ids = {application.pk for application in candidates}
    weights = _weights(
        edition,
        {kind: {k: v for k, v in results.items() if k in candidate_ids} for kind, results in results_by_kind.items()},
    )
    entries = []
    for application in candidates:
        stage_of = {kind: results.get(application.pk) for kind, results in results_by_kind.items()}
        finals = {kind: (result.final if result is not None else None) for kind, result in stage_of.items()}
        incomplete = not weights or any(finals.get(kind) is None for kind in weights)
        score = None
        if not incomplete:
            score = aggregation.combine({kind: finals[kind] for kind in weights}, weights)
        present = [result for result in stage_of.values() if result is not None]
        profile = getattr(application.organisation, "unit_profile", None) if application.organisation_id else None
        labels = profile.encouraged_labels if profile is not None else []
        entries.append(
            {
                "application": application,
                "category": application.category,
                "finals": finals,
                "score": aggregation.to_points(score) if score is not None else None,
                "rank": None,
                "flags": {
                    "outliers": sum(len(result.outliers) for result in present),
                    "consensus": any(result.consensus is not None for result in present),
                    "consensus_pending": any(r.needs_consensus and r.consensus is None for r in present),
                    "incomplete": incomplete,
                },
                "encouraged": bool(labels),
                "encouraged_labels": labels,
            }
        )
    by_id = {entry["application"].pk: entry for entry in entries}
    for category in {entry["category"] for entry in entries}:
        totals = {
            e["application"].pk: e["score"] for e in entries if e["category"] == category and e["score"] is not None
        }
        for application_id, position in aggregation.rank(totals):
            by_id[application_id]["rank"] = position
    entries.sort(
        key=lambda e: (
            _category_position(e["category"]),
            e["rank"] is None,
            e["rank"] or 0,
            e["application"].number or "",
            e["application"].pk,
        )
    )
    return entries


# --- the proposed list ----------------------------------------------------------------------------------------


def _refuse(by, obj, reason: str, request=None):
    """Audit the refusal, then refuse. Called before any transaction opens, so the audit row survives."""
    audit_record(
        action=AuditAction.PERMISSION_REFUSED,
        result=AuditResult.REFUSED,
        actor=by,
        obj=obj,
        detail=reason,
        request=request,
    )
    raise PermissionDenied(reason)


def _groups(entries: list[dict]) -> list[list[dict]]:
    """Consecutive entries sharing a rank (entries are in rank order)."""
    groups: list[list[dict]] = []
    for entry in entries:
        if groups and groups[-1][0]["rank"] == entry["rank"]:
            groups[-1].append(entry)
        else:
            groups.append([entry])
    return groups


def assign_tiers(ranked: list[dict], quotas: dict[tuple[str, str], int]) -> tuple[dict[int, str], set[int]]:
    """Tier per application id and the ids tied at a cut, for ranked entries (``edition_ranking`` without the
    incomplete ones) and quotas as (scope, tier) -> max_count. The rules are in the module docstring."""
    pending = {
        category: [e for e in ranked if e["category"] == category] for category in {e["category"] for e in ranked}
    }
    tiers: dict[int, str] = {}
    tied: set[int] = set()
    for tier in TIER_ORDER:
        has_places = tier == Tier.AWARD or any(t == tier for _scope, t in quotas)
        if not has_places:
            continue
        placed: dict[str, list[dict]] = {}
        for category, waiting in pending.items():
            cap = quotas.get((category, tier))
            if cap is None and tier != Tier.AWARD:
                cap = 0 if (QuotaScope.TOTAL, tier) not in quotas else None
            taken: list[dict] = []
            for group in _groups(waiting):
                if cap is not None and len(taken) + len(group) > cap:
                    if len(taken) < cap:
                        tied.update(e["application"].pk for e in group)
                    break
                taken.extend(group)
            placed[category] = taken
        total_cap = quotas.get((QuotaScope.TOTAL, tier))
        if total_cap is not None:
            while sum(len(taken) for taken in placed.values()) > total_cap:
                lowest = min(taken[-1]["score"] for taken in placed.values() if taken)
                dropped = []
                for taken in placed.values():
                    while taken and taken[-1]["score"] == lowest:
                        dropped.append(taken.pop())
                if sum(len(taken) for taken in placed.values()) < total_cap:
                    # More were tied at the lowest score than places had to be freed: they leave together.
                    tied.update(entry["application"].pk for entry in dropped)
        for category, taken in placed.items():
            for entry in taken:
                tiers[entry["application"].pk] = tier
            pending[category] = pending[category][len(taken) :]
    for entry in ranked:
        tiers.setdefault(entry["application"].pk, OUTSIDE)
    return tiers, tied


def _quotas(edition: Edition) -> dict[tuple[str, str], Quota]:
    return {(q.scope, q.tier): q for q in Quota.objects.filter(rulebook_id=edition.rulebook_id)}


def _tier_counts(tiers: dict[int, str], categories: dict[int, str]) -> str:
    counts = Counter((tier, categories[app]) for app, tier in tiers.items())
    parts = []
    for tier in [*TIER_ORDER, OUTSIDE]:
        per_category = [
            f"{category} {counts[(tier, category)]}" for category in CATEGORY_ORDER if counts[(tier, category)]
        ]
        total = sum(counts[(tier, category)] for category in CATEGORY_ORDER)
        parts.append(f"{tier or 'outside'} {total}" + (f" ({', '.join(per_category)})" if per_category else ""))
    return "; ".join(parts)


def candidate_list_propose(*, edition: Edition, by, request=None) -> list[CandidateProposal]:
    """Propose the edition's candidate list from the ranking within the rulebook's quotas (module docstring).

    Office staff only. Replaces the edition's earlier proposal unless the office has changed a line of it.
    Refuses while a candidate has no complete score: a list that silently left someone out would mislead.
    Side effects: deletes the earlier proposal lines, inserts one line per candidate, one CREATE audit row with
    the counts per tier and the ids tied at a cut. A refusal appends a PERMISSION_REFUSED audit row.
    The returned lines carry ``tied_at_cut`` (not stored)."""
    if not is_office(by):
        _refuse(by, edition, "only office staff propose the candidate list", request)
    ranking = edition_ranking(edition=edition)
    incomplete = [entry["application"] for entry in ranking if entry["flags"]["incomplete"]]
    if incomplete:
        raise ValidationError(
            _("These candidates have no result yet at every weighted stage: %(numbers)s.")
            % {"numbers": ", ".join(a.number or str(a.pk) for a in incomplete)}
        )
    quotas = {key: quota.max_count for key, quota in _quotas(edition).items()}
    tiers, tied = assign_tiers(ranking, quotas)
    with transaction.atomic():
        existing = list(CandidateProposal.objects.select_for_update().filter(edition=edition))
        if any(proposal.changed_by_id is not None for proposal in existing):
            raise ValidationError(_("The office has changed the proposed list; clear those changes first."))
        CandidateProposal.objects.filter(edition=edition).delete()
        proposals = CandidateProposal.objects.bulk_create(
            [
                CandidateProposal(
                    edition=edition,
                    application=entry["application"],
                    category=entry["category"],
                    tier=tiers[entry["application"].pk],
                    rank=entry["rank"],
                    score=entry["score"],
                    encouraged=entry["encouraged"],
                )
                for entry in ranking
            ]
        )
        categories = {entry["application"].pk: entry["category"] for entry in ranking}
        detail = f"proposed: {_tier_counts(tiers, categories)}"
        if tied:
            detail += f"; tied at a cut: {', '.join(str(pk) for pk in sorted(tied))}"
        audit_record(action=AuditAction.CREATE, actor=by, obj=edition, detail=detail, request=request)
    for proposal in proposals:
        proposal.tied_at_cut = proposal.application_id in tied
    return proposals


def _tier_label(tier: str) -> str:
    return str(Tier(tier).label) if tier else _("outside the quotas")


def candidate_change(*, proposal: CandidateProposal, tier: str, reason: str, by, request=None) -> CandidateProposal:
    """The office moves one line of the proposed list to another tier (or outside), with a written reason.

    Refuses a tier the rulebook has no places in and a tier already full, citing the quota and its article.
    Side effects: updates the line's tier, changed_by and change_reason; one UPDATE audit row "before → after".
    A refusal by role appends a PERMISSION_REFUSED audit row."""
    if not is_office(by):
        _refuse(by, proposal, "only office staff change the candidate list", request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason for the change."))
    if tier not in [*Tier.values, OUTSIDE]:
        raise ValidationError(_("Unknown tier: %(tier)s.") % {"tier": tier})
    with transaction.atomic():
        lines = list(CandidateProposal.objects.select_for_update().filter(edition_id=proposal.edition_id))
        line = next((line for line in lines if line.pk == proposal.pk), None)
        if line is None:  # the list was proposed again meanwhile
            raise ValidationError(_("This line is no longer on the proposed list; reload it."))
        if line.tier == tier:
            raise ValidationError(_("This candidate is already in that tier."))
        if tier != OUTSIDE:
            quotas = _quotas(line.edition)
            own, total = quotas.get((line.category, tier)), quotas.get((QuotaScope.TOTAL, tier))
            if tier != Tier.AWARD and own is None and total is None:
                raise ValidationError(
                    _("The rules of this scheme have no places in the tier %(tier)s.") % {"tier": _tier_label(tier)}
                )
            checks = [
                (own, sum(1 for other in lines if other.tier == tier and other.category == line.category)),
                (total, sum(1 for other in lines if other.tier == tier)),
            ]
            for quota, taken in checks:
                if quota is not None and taken >= quota.max_count:
                    raise ValidationError(
                        _("The tier %(tier)s is full: %(scope)s at most %(max)s (%(article)s).")
                        % {
                            "tier": _tier_label(tier),
                            "scope": quota.get_scope_display(),
                            "max": quota.max_count,
                            "article": quota.article or line.edition.rulebook.title,
                        }
                    )
        before = line.tier
        line.tier = tier
        line.changed_by = by
        line.change_reason = reason
        line.save(update_fields=["tier", "changed_by", "change_reason"])
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=line,
            detail=f"tier {before or 'outside'} → {tier or 'outside'}: {reason}",
            request=request,
        )
    return line
