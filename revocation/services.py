"""Every write of the revocation app. One function per case transition: refuse (audited) before the transaction,
lock, check the guard, transition, save, append the timeline and audit rows. The revocation itself also revokes
the award through applications.services.record_transition and opens the recovery of what the rulebook takes
back."""

import secrets
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import AuditAction, AuditResult
from accounts.models import Organisation
from accounts.services import audit_record, client_ip
from applications.eligibility import add_years
from applications.enums import ApplicationState
from applications.models import Application
from applications.services import record_transition
from applications.uploads import check_upload
from awards.confirmations import REVOCATION_PROCEDURE, require_confirmed
from awards.enums import Category
from awards.models import AwardItem

from .enums import (
    DELEGATED_SOURCES,
    DISMISSABLE_STATES,
    LEVEL_RANK,
    LIVE_CASE_STATES,
    CaseSource,
    CaseState,
    RecoveryState,
    SpotCheckResult,
    TriggerKind,
)
from .models import (
    CaseEvent,
    CaseEvidence,
    CaseTrigger,
    RecoveryItem,
    RevocationCase,
    RevocationGround,
    RevocationProcedure,
    SpotCheck,
)
from .rules import can_act_on_cases

C = CaseState
S = ApplicationState
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


# --- helpers ---------------------------------------------------------------------------------------------


def _refuse(by, obj, reason: str, request=None):
    # Called before any transaction.atomic() block, so that the audit row is not rolled back with it.
    audit_record(
        action=AuditAction.PERMISSION_REFUSED,
        result=AuditResult.REFUSED,
        actor=by,
        obj=obj,
        detail=reason,
        request=request,
    )
    raise PermissionDenied(reason)


def _require_office(by, obj, request, what: str) -> None:
    if not can_act_on_cases(by):
        _refuse(by, obj, f"only the award office {what}", request)


def _new_reference() -> str:
    year = timezone.localdate().year
    while True:
        reference = f"R{year}-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _i in range(6))
        if not RevocationCase.objects.filter(reference=reference).exists():
            return reference


def procedure_for(rulebook) -> tuple[str, str]:
    """(the body that proposes, the body that decides) for a rulebook; the scheme's office and organiser where
    the office has not set a procedure up."""
    procedure = RevocationProcedure.objects.filter(rulebook=rulebook).first()
    if procedure is not None:
        return procedure.proposing_body, procedure.deciding_body
    scheme = rulebook.scheme
    return scheme.office or scheme.organiser, scheme.organiser


def _require_procedure(rulebook) -> None:
    """A rulebook that leaves its revocation procedure to separate rules (Zibo 第二十九条: 撤销办法另行制定) runs no
    step of a case until the office has confirmed the procedure the portal carries (awards.confirmations)."""
    require_confirmed(rulebook, REVOCATION_PROCEDURE)


def _check_ground(ground: RevocationGround | None, application: Application) -> None:
    if ground is None:
        return
    if ground.rulebook_id != application.edition.rulebook_id or ground.category != application.category:
        raise ValidationError(
            {"ground": _("This ground is not one of the rulebook's grounds for this award's category.")}
        )
    if not ground.is_active:
        raise ValidationError({"ground": _("This ground is no longer in use.")})


def _check_holder(application: Application) -> None:
    if application.state != S.AWARDED:
        raise ValidationError(_("Only a current award can be the subject of a revocation case."))


def _event(case: RevocationCase, *, from_state: str, body: str, by, comment: str = "") -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, from_state=from_state, to_state=case.state, body=body, actor=by, comment=comment
    )


def _locked_case(case: RevocationCase) -> RevocationCase:
    return (
        RevocationCase.objects.select_for_update(of=("self",))
        .select_related("application__edition__rulebook__scheme", "ground")
        .get(pk=case.pk)
    )


def _save_case(case: RevocationCase, *fields: str) -> None:
    case.state_changed_at = timezone.now()
    case.save(update_fields=["state", "state_changed_at", *fields])


def _audit_state(case: RevocationCase, *, from_state: str, by, request, comment: str = "") -> None:
    audit_record(
        action=AuditAction.STATE_CHANGE,
        actor=by,
        obj=case,
        request=request,
        detail=f"{from_state} → {case.state}" + (f": {comment}" if comment else ""),
    )


def _store_evidence(*, case: RevocationCase, uploaded, by, description: str = "") -> CaseEvidence:
    checked = check_upload(uploaded)
    stored = CaseEvidence(
        case=case,
        name=checked.name,
        size=checked.size,
        sha256=checked.sha256,
        content_type=checked.content_type,
        description=description,
        uploaded_by=by if by is not None and by.pk else None,
    )
    stored.file.save(checked.name, uploaded, save=False)
    stored.save()
    return stored


def _create_case(
    *,
    application: Application,
    source: str,
    state: str,
    summary: str,
    by=None,
    ground: RevocationGround | None = None,
    comment: str = "",
    request=None,
    **fields,
) -> RevocationCase:
    # Inside the caller's transaction.
    case = RevocationCase.objects.create(
        reference=_new_reference(),
        application=application,
        source=source,
        state=state,
        ground=ground,
        summary=summary,
        opened_by=by if by is not None and getattr(by, "pk", None) else None,
        **fields,
    )
    proposing_body, _deciding = procedure_for(application.edition.rulebook)
    _event(case, from_state="", body=proposing_body if state == C.OPENED else "", by=case.opened_by, comment=comment)
    audit_record(
        action=AuditAction.CREATE,
        actor=case.opened_by,
        obj=case,
        request=request,
        detail=f"case on application #{application.pk} from {source} ({state})",
    )
    return case


def _locked_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("edition__rulebook__scheme", "organisation", "individual")
        .get(pk=application.pk)
    )


# --- opening a case --------------------------------------------------------------------------------------


def case_open(*, application, source, by, summary, ground=None, request=None) -> RevocationCase:
    """Open a case against a current award from one of the sources of Weihai art. 26 (or a periodic evaluation).

    The office opens cases; a periodic evaluation (revocation.aftercare) opens one through its own service, which
    has already checked that `by` is one of the round's evaluators. The case starts OPENED.

    Side effects: inserts the case, its first timeline row and a CREATE audit row. Refuses (audited) a user who is
    not office staff for any other source; ValidationError if the award is not current, the source is unknown,
    the facts are empty, or the ground is not one of the award's rulebook for its category.
    """
    if source not in CaseSource.values:
        raise ValidationError({"source": _("Unknown source of information.")})
    if source not in DELEGATED_SOURCES:
        _require_office(by, application, request, "opens revocation cases")
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("State the facts the case is about.")})
    with transaction.atomic():
        application = _locked_application(application)
        _check_holder(application)
        _check_ground(ground, application)
        return _create_case(
            application=application,
            source=source,
            state=C.OPENED,
            summary=summary,
            by=by,
            ground=ground,
            request=request,
        )


def report_file(
    *, application, full_name: str, contact: str, facts: str, evidence=None, request=None
) -> RevocationCase:
    """A citizen's report (no login) about a current award holder: a case from a public report, AWAITING the
    office. The reporter's name, contact and address stay on the case for the office only.

    Side effects: inserts the case, its timeline row, the evidence file (checked like an application's files) and a
    CREATE audit row. ValidationError if the award is not current or a field is missing; UploadRejected for a file
    the portal will not keep.
    """
    full_name, contact, facts = (full_name or "").strip(), (contact or "").strip(), (facts or "").strip()
    if not (full_name and contact and facts):
        raise ValidationError(_("Give your real name, a way to contact you and the facts."))
    if evidence is not None:
        check_upload(evidence)
    with transaction.atomic():
        application = _locked_application(application)
        _check_holder(application)
        case = _create_case(
            application=application,
            source=CaseSource.PUBLIC_REPORT,
            state=C.AWAITING,
            summary=facts,
            request=request,
            reporter_name=full_name,
            reporter_contact=contact,
            reporter_addr=client_ip(request),
        )
        if evidence is not None:
            _store_evidence(case=case, uploaded=evidence, by=None, description=_("Submitted with the report"))
    return case


# --- the case's steps ------------------------------------------------------------------------------------


def _step(*, case, by, request, what: str, source_states, apply, body_of, comment: str = "", fields=()):
    """The common shape of a step: refuse, lock, check the state, transition, save, timeline, audit."""
    _require_office(by, case, request, what)
    with transaction.atomic():
        case = _locked_case(case)
        _require_procedure(case.application.edition.rulebook)
        if case.state not in source_states:
            raise ValidationError(
                _("The case is %(state)s; this step is not possible now.") % {"state": case.get_state_display()}
            )
        from_state = case.state
        apply(case)
        _save_case(case, *fields)
        proposing_body, deciding_body = procedure_for(case.application.edition.rulebook)
        _event(
            case,
            from_state=from_state,
            body=proposing_body if body_of == "propose" else deciding_body,
            by=by,
            comment=comment,
        )
        _audit_state(case, from_state=from_state, by=by, request=request, comment=comment)
    return case


def case_confirm(*, case: RevocationCase, by, comment: str = "", request=None) -> RevocationCase:
    """The office takes up a citizen's report or a case the portal proposed: AWAITING → OPENED.

    Side effects: state, timeline and audit rows. Refuses (audited) anyone but the office."""
    return _step(
        case=case,
        by=by,
        request=request,
        what="confirms cases",
        source_states={C.AWAITING},
        apply=lambda c: c.confirm(),
        body_of="propose",
        comment=comment.strip(),
    )


def case_investigate(*, case: RevocationCase, by, comment: str = "", request=None) -> RevocationCase:
    """The proposing body starts verifying the facts ("经查证属实"): OPENED → INVESTIGATING.

    Side effects: state, timeline and audit rows. Refuses (audited) anyone but the office."""
    return _step(
        case=case,
        by=by,
        request=request,
        what="investigates cases",
        source_states={C.OPENED},
        apply=lambda c: c.investigate(),
        body_of="propose",
        comment=comment.strip(),
    )


def case_propose(*, case: RevocationCase, by, ground: RevocationGround, findings: str, request=None) -> RevocationCase:
    """The facts are verified: the proposing body proposes revocation on a ground of the award's rulebook to the
    deciding body: INVESTIGATING → PROPOSED.

    Side effects: sets the ground and the findings; state, timeline and audit rows. ValidationError without a
    ground of this award's rulebook and category or without findings."""
    findings = (findings or "").strip()
    if ground is None:
        raise ValidationError({"ground": _("Choose the ground of the proposed revocation.")})
    if not findings:
        raise ValidationError({"findings": _("State what the investigation found.")})
    _check_ground(ground, case.application)

    def apply(c):
        c.ground = ground
        c.findings = findings
        c.propose()

    return _step(
        case=case,
        by=by,
        request=request,
        what="proposes revocations",
        source_states={C.INVESTIGATING},
        apply=apply,
        body_of="propose",
        comment=findings,
        fields=("ground", "findings"),
    )


def _check_decision(document_number: str, decided_on: date | None, application: Application) -> str:
    document_number = (document_number or "").strip()
    errors = {}
    if not document_number:
        errors["document_number"] = _("Enter the number of the decision document.")
    if decided_on is None:
        errors["decided_on"] = _("Enter the date of the decision.")
    elif decided_on > timezone.localdate():
        errors["decided_on"] = _("The decision date cannot be in the future.")
    elif application.awarded_on and decided_on < application.awarded_on:
        errors["decided_on"] = _("The decision date cannot be before the award (%(date)s).") % {
            "date": application.awarded_on.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    return document_number


def _attach_decision(case: RevocationCase, document) -> None:
    if document is not None:
        checked = check_upload(document)
        case.decision_file.save(checked.name, document, save=False)
        case.decision_file_name = checked.name


def case_revoke(
    *,
    case: RevocationCase,
    by,
    document_number: str,
    decided_on: date,
    ground: RevocationGround | None = None,
    document=None,
    comment: str = "",
    request=None,
) -> RevocationCase:
    """Record the deciding body's revocation (Weihai: the city government on the office's proposal) and carry out
    its consequences: PROPOSED → REVOKED, and the award AWARDED → REVOKED.

    Side effects: on the application sets revoked_on (the decision date, from which the re-application ban runs),
    revocation_ground (article, item and wording) and revocation_document, then revokes it through
    applications.services.record_transition (history, audit, mail on commit); on the case sets the decision
    fields and the optional document file; inserts one RecoveryItem per award item the rulebook takes back for the
    category (with the amount issued, if recorded); timeline and audit rows. The announcement page lists the case
    from then on. Refuses (audited) anyone but the office; ValidationError without document number and date, with
    a date in the future or before the award, or if the award is no longer current.
    """
    _require_office(by, case, request, "records revocations")
    if document is not None:
        check_upload(document)
    with transaction.atomic():
        case = _locked_case(case)
        _require_procedure(case.application.edition.rulebook)
        if case.state != C.PROPOSED:
            raise ValidationError(_("Only a proposed revocation can be decided."))
        application = _locked_application(case.application)
        document_number = _check_decision(document_number, decided_on, application)
        ground = ground or case.ground
        if ground is None:
            raise ValidationError({"ground": _("Choose the ground of the revocation.")})
        _check_ground(ground, application)
        _check_holder(application)
        _proposing, deciding_body = procedure_for(application.edition.rulebook)

        from_state = application.state
        application.revoked_on = decided_on
        application.revocation_ground = f"{ground.citation} {ground.text}"[:300]
        application.revocation_document = document_number
        application.revoke()
        record_transition(
            application=application,
            from_state=from_state,
            by=by,
            comment=f"{deciding_body} {document_number}: {ground.citation}",
            request=request,
        )

        case_from = case.state
        case.ground = ground
        case.decided_by_body = deciding_body
        case.decision_number = document_number
        case.decided_on = decided_on
        _attach_decision(case, document)
        case.revoke()
        _save_case(
            case, "ground", "decided_by_body", "decision_number", "decided_on", "decision_file", "decision_file_name"
        )
        _event(case, from_state=case_from, body=deciding_body, by=by, comment=comment.strip() or document_number)
        _audit_state(case, from_state=case_from, by=by, request=request, comment=document_number)
        _open_recovery(case=case, application=application, by=by)
    return case


def _open_recovery(*, case: RevocationCase, application: Application, by) -> list[RecoveryItem]:
    """One item per award item the rulebook takes back, citing the article the revocation rests on (Weihai
    第二十七条 for units, 第二十八条 for individuals: 收回奖牌/证书和未按要求使用的奖励资金). Of the award money only
    what was not recorded as used for the rulebook's listed purposes is due."""
    from decisions.items import money_used_as_required
    from decisions.models import IssuedItem

    issued = {item.kind: item for item in IssuedItem.objects.filter(application=application)}
    items = []
    for award_item in AwardItem.objects.filter(
        rulebook_id=application.edition.rulebook_id, category=application.category, recovered_on_revocation=True
    ):
        record = issued.get(award_item.kind)
        values = {"amount_issued": record.amount if record is not None else None}
        if record is not None and record.amount is not None:
            used = money_used_as_required(record)
            values.update(amount_used=used, amount_due=max(record.amount - used, 0))
        items.append(
            RecoveryItem.objects.create(
                case=case,
                kind=award_item.kind,
                article=case.ground.article if case.ground is not None else award_item.article,
                updated_by=by,
                **values,
            )
        )
    return items


def case_dismiss(
    *,
    case: RevocationCase,
    by,
    reason: str,
    document_number: str = "",
    decided_on: date | None = None,
    document=None,
    request=None,
) -> RevocationCase:
    """Close a case without revocation: an unfounded report or proposal before the proposal (reason only), or the
    deciding body's refusal of a proposed revocation (with its document number and date).

    Side effects: sets the findings (and the decision fields for a proposed case); state, timeline and audit
    rows. The award is untouched. Refuses (audited) anyone but the office."""
    _require_office(by, case, request, "dismisses cases")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("State why the case is dismissed.")})
    if document is not None:
        check_upload(document)
    with transaction.atomic():
        case = _locked_case(case)
        _require_procedure(case.application.edition.rulebook)
        if case.state not in DISMISSABLE_STATES:
            raise ValidationError(_("This case has already been decided."))
        from_state = case.state
        fields = ["findings"]
        proposing_body, deciding_body = procedure_for(case.application.edition.rulebook)
        body = proposing_body
        if from_state == C.PROPOSED:
            case.decision_number = _check_decision(document_number, decided_on, case.application)
            case.decided_on = decided_on
            case.decided_by_body = deciding_body
            _attach_decision(case, document)
            fields += ["decision_number", "decided_on", "decided_by_body", "decision_file", "decision_file_name"]
            body = deciding_body
        case.findings = (case.findings + "\n\n" + reason).strip() if case.findings else reason
        case.dismiss()
        _save_case(case, *fields)
        _event(case, from_state=from_state, body=body, by=by, comment=reason)
        _audit_state(case, from_state=from_state, by=by, request=request, comment=reason)
    return case


def evidence_add(*, case: RevocationCase, by, uploaded, description: str = "", request=None) -> CaseEvidence:
    """Add a file the office gathered to a case. Side effects: stores the file (private storage), a CREATE audit
    row. Refuses (audited) anyone but the office; UploadRejected for a file the portal will not keep."""
    _require_office(by, case, request, "adds evidence")
    with transaction.atomic():
        stored = _store_evidence(case=case, uploaded=uploaded, by=by, description=(description or "").strip())
        audit_record(action=AuditAction.CREATE, actor=by, obj=stored, request=request, detail=f"evidence on {case}")
    return stored


def recovery_update(
    *,
    item: RecoveryItem,
    by,
    state: str,
    done_on: date | None = None,
    amount_recovered=None,
    note: str = "",
    request=None,
) -> RecoveryItem:
    """Record that an item was recovered (or waived, with a reason) or is still pending.

    Side effects: updates the row; an UPDATE audit row showing before → after. Refuses (audited) anyone but the
    office; ValidationError for a done item without a date (or in the future), money recovered without an amount,
    a waiver without a note."""
    _require_office(by, item, request, "tracks recovery")
    note = (note or "").strip()
    errors = {}
    if state not in RecoveryState.values:
        errors["state"] = _("Unknown state.")
    if state != RecoveryState.PENDING:
        if done_on is None:
            errors["done_on"] = _("Enter the date.")
        elif done_on > timezone.localdate():
            errors["done_on"] = _("The date cannot be in the future.")
    if state == RecoveryState.RECOVERED and item.kind == "award_money" and amount_recovered is None:
        errors["amount_recovered"] = _("Enter the amount recovered.")
    if amount_recovered is not None and item.amount_due is not None and amount_recovered > item.amount_due:
        errors["amount_recovered"] = _(
            "Only the money not used as required is recovered: at most %(due)s yuan (%(article)s)."
        ) % {"due": item.amount_due, "article": item.article}
    if state == RecoveryState.WAIVED and not note:
        errors["note"] = _("Say why the item is not recovered.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = RecoveryItem.objects.select_for_update().get(pk=item.pk)
        before = f"{item.state} {item.done_on or ''} {item.amount_recovered or ''}".strip()
        item.state = state
        item.done_on = done_on if state != RecoveryState.PENDING else None
        item.amount_recovered = amount_recovered
        item.note = note
        item.updated_by = by
        item.save(update_fields=["state", "done_on", "amount_recovered", "note", "updated_by", "updated_at"])
        after = f"{item.state} {item.done_on or ''} {item.amount_recovered or ''}".strip()
        audit_record(action=AuditAction.UPDATE, actor=by, obj=item, request=request, detail=f"{before} → {after}")
    return item


# --- spot checks and the cases they trigger -------------------------------------------------------------


def spot_check_record(
    *,
    organisation: Organisation,
    checked_on: date,
    authority: str,
    level: str,
    product: str,
    result: str,
    by,
    reference: str = "",
    note: str = "",
    request=None,
) -> tuple[SpotCheck, list[RevocationCase]]:
    """Record a quality spot check of a unit's product and let the rules of its current awards' rulebooks decide
    whether the portal proposes a case.

    Side effects: inserts the check and a CREATE audit row; may insert proposed cases (see triggers_evaluate).
    Refuses (audited) anyone but the office; ValidationError for a date in the future."""
    _require_office(by, organisation, request, "records spot checks")
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": _("The date of the check cannot be in the future.")})
    with transaction.atomic():
        check = SpotCheck.objects.create(
            organisation=organisation,
            checked_on=checked_on,
            authority=authority.strip(),
            level=level,
            product=product.strip(),
            result=result,
            reference=reference.strip(),
            note=note.strip(),
            recorded_by=by,
        )
        audit_record(action=AuditAction.CREATE, actor=by, obj=check, request=request, detail=check.result)
        proposed = triggers_evaluate(organisation=organisation, request=request)
    return check, proposed


def triggering_checks(trigger: CaseTrigger, checks: list[SpotCheck]) -> list[SpotCheck] | None:
    """The checks that meet `trigger`, or None. `checks` are the unit's checks that count, oldest first.

    Failures within a window: the latest run of `count` failures whose first and last lie within `window_years`
    of each other (the window opened by the first failure ends the day before its Nth anniversary; a failure on
    the anniversary falls outside). Consecutive failures: the last `count` checks all failed."""
    if trigger.kind == TriggerKind.CONSECUTIVE_FAILURES:
        tail = checks[-trigger.count :]
        if len(tail) == trigger.count and all(c.result == SpotCheckResult.FAIL for c in tail):
            return tail
        return None
    failures = [c for c in checks if c.result == SpotCheckResult.FAIL]
    for end in range(len(failures), trigger.count - 1, -1):
        run = failures[end - trigger.count : end]
        if run[-1].checked_on < add_years(run[0].checked_on, trigger.window_years or 0):
            return run
    return None


def _counted(trigger: CaseTrigger, checks: list[SpotCheck], since: date | None) -> list[SpotCheck]:
    minimum = LEVEL_RANK.get(trigger.min_level, 0)
    return [c for c in checks if LEVEL_RANK.get(c.level, 0) >= minimum and (since is None or c.checked_on >= since)]


def triggers_evaluate(*, organisation: Organisation, request=None) -> list[RevocationCase]:
    """Propose a case, AWAITING the office, for each current award of the unit whose rulebook's rule its spot
    checks meet. Only checks on or after the award date count. Once per set of checks: the same set never
    proposes twice, and no new proposal is made while a case from the same rule is still live.

    Side effects: inserts the proposed cases (with the checks that met the rule), their timeline and audit rows.
    Runs in the caller's transaction (or its own)."""
    proposed = []
    with transaction.atomic():
        awards = list(
            Application.objects.select_for_update(of=("self",))
            .select_related("edition__rulebook__scheme")
            .filter(organisation=organisation, category=Category.UNIT, state=S.AWARDED)
            .order_by("pk")
        )
        if not awards:
            return proposed
        checks = list(SpotCheck.objects.filter(organisation=organisation).order_by("checked_on", "id"))
        for application in awards:
            triggers = CaseTrigger.objects.filter(rulebook_id=application.edition.rulebook_id, is_active=True)
            for trigger in triggers.select_related("ground"):
                run = triggering_checks(trigger, _counted(trigger, checks, application.awarded_on))
                if run is None:
                    continue
                key = f"t{trigger.pk}:" + ",".join(str(c.pk) for c in run)
                live = RevocationCase.objects.filter(
                    application=application, trigger=trigger, state__in=sorted(LIVE_CASE_STATES)
                )
                if live.exists() or RevocationCase.objects.filter(application=application, trigger_key=key).exists():
                    continue
                summary = _("%(rule)s: %(checks)s") % {
                    "rule": str(trigger),
                    "checks": "; ".join(f"{c.checked_on.isoformat()} {c.authority} {c.product}" for c in run),
                }
                try:
                    with transaction.atomic():
                        case = _create_case(
                            application=application,
                            source=CaseSource.SPOT_CHECK_TRIGGER,
                            state=C.AWAITING,
                            summary=summary,
                            ground=trigger.ground,
                            request=request,
                            trigger=trigger,
                            trigger_key=key,
                        )
                except IntegrityError:  # proposed by a concurrent evaluation of the same set
                    continue
                case.spot_checks.set(run)
                proposed.append(case)
    return proposed
