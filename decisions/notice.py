"""The public notice (公示): opening it with its end computed in Chinese working days, taking a name off it after an
upheld objection, and closing it by itself once it has run.

Timers follow the project's rule: the deadline is a column (`PublicNotice.ends_at`), and one periodic sweep
(`notice_sweep`) moves on every name whose notice has ended. Each name moves in its own transaction under a row lock
that skips rows another worker holds, and only from IN_NOTICE, so two sweeps at once, or a sweep re-run after a
worker died half-way, make one transition, one history row, one audit row and one mail per name.
"""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import AuditAction, AuditResult
from accounts.services import audit_record
from applications import pipeline
from applications.enums import ApplicationState
from applications.models import Application
from applications.rules import is_office
from applications.services import record_transition
from awards.calendar import CalendarError, add_working_days
from awards.confirmations import NOTICE_WORKING_DAYS, require_confirmed
from awards.enums import Category, StageKind
from awards.models import Edition, Stage

from .enums import EntryOutcome, ObjectionState
from .models import NoticeChannel, NoticeEntry, NoticePublication, NoticeSpec, Objection, PublicNotice

S = ApplicationState


def _refuse(by, obj, reason: str, request=None):
    audit_record(
        action=AuditAction.PERMISSION_REFUSED,
        result=AuditResult.REFUSED,
        actor=by,
        obj=obj,
        detail=reason,
        request=request,
    )
    raise PermissionDenied(reason)


def notice_stage(edition: Edition) -> Stage | None:
    return next((s for s in pipeline.stages(edition.rulebook) if s.kind == StageKind.PUBLIC_NOTICE), None)


def notice_spec(rulebook) -> NoticeSpec | None:
    """What the rulebook's notice is called and where it is published (its words), or None if no rule is held."""
    return NoticeSpec.objects.filter(rulebook=rulebook).prefetch_related("channels").first()


def channels_missing(notice: PublicNotice) -> list[NoticeChannel]:
    """The channels the notice's rulebook names on which its publication is not yet recorded, in their order."""
    return list(
        NoticeChannel.objects.filter(spec__rulebook_id=notice.edition.rulebook_id)
        .exclude(pk__in=NoticePublication.objects.filter(notice=notice).values("channel_id"))
        .select_related("spec")
        .order_by("position")
    )


def channels_refusal(missing: list[NoticeChannel]) -> str | None:
    """Why the notice cannot close yet: the channels the rulebook names without a recorded publication."""
    if not missing:
        return None
    return _(
        "The notice cannot close before its publication on %(channels)s is recorded: the rulebook has it published "
        "there (%(article)s)."
    ) % {"channels": "、".join(channel.name for channel in missing), "article": missing[0].spec.article}


def notice_end(*, edition: Edition, starts_on: date) -> tuple[date, datetime]:
    """The last day of a notice published on `starts_on` (the rulebook's number of working days, the day of
    publication not counted) and the moment it ends: midnight after that day in the portal's time zone.
    Raises ValidationError when the calendar has no schedule for a year the count runs into, or when the number of
    days is a value the office set (the rulebook gives none) that nobody has confirmed."""
    require_confirmed(edition.rulebook, NOTICE_WORKING_DAYS)
    try:
        ends_on = add_working_days(starts_on, edition.rulebook.notice_working_days)
    except CalendarError as error:
        raise ValidationError(str(error)) from error
    ends_at = timezone.make_aware(datetime.combine(ends_on + timedelta(days=1), time.min))
    return ends_on, ends_at


def _tiers(edition: Edition) -> dict[int, str]:
    from reviews.models import CandidateProposal

    return dict(
        CandidateProposal.objects.filter(edition=edition).exclude(tier="").values_list("application_id", "tier")
    )


def _entry_names(application: Application) -> tuple[str, str]:
    if application.category == Category.INDIVIDUAL and application.individual_id:
        person = application.individual
        return person.full_name, (person.employer.name if person.employer_id else person.employer_name)
    return application.applicant_name, ""


def notice_open(*, edition: Edition, by, starts_on: date, how_to_object: str, request=None) -> PublicNotice:
    """Publish the notice of the edition's candidates waiting at its public-notice stage.

    Refuses anyone but the office (audited), a date before today, text on how to object left empty, a calendar
    without data for the period (naming the year), and an edition with nobody waiting at the notice stage (which
    is also how the scheme's order is kept: Weihai's names arrive here straight from the candidate list, the
    others' only after the leading group). Side effects: one PublicNotice with a NoticeEntry per name (a copy of the
    name, unit, district, category and tier), each application CANDIDATE → IN_NOTICE with history, audit and mail,
    and a CREATE audit row for the notice."""
    if not is_office(by):
        _refuse(by, edition, "only the award office publishes a public notice", request)
    how_to_object = (how_to_object or "").strip()
    if not how_to_object:
        raise ValidationError(_("Say where and how objections are received, with a contact telephone."))
    if starts_on < timezone.localdate():
        raise ValidationError(_("A notice cannot be published on a past date."))
    stage = notice_stage(edition)
    if stage is None:
        raise ValidationError(
            _("The procedure of %(scheme)s has no public notice.") % {"scheme": edition.scheme.short_name}
        )
    ends_on, ends_at = notice_end(edition=edition, starts_on=starts_on)
    with transaction.atomic():
        Edition.objects.select_for_update().filter(pk=edition.pk).first()
        if PublicNotice.objects.filter(edition=edition, stage=stage).exists():
            raise ValidationError(_("The notice of this edition has already been published."))
        candidates = list(
            Application.objects.select_for_update(of=("self",))
            .select_related("organisation", "individual", "individual__employer", "recommender")
            .filter(edition=edition, state=S.CANDIDATE, current_stage=stage)
            .order_by("category", "number", "pk")
        )
        if not candidates:
            raise ValidationError(_("No candidate is waiting for the public notice."))
        earlier = Application.objects.filter(
            edition=edition, state=S.CANDIDATE, current_stage__position__lt=stage.position
        ).count()
        if earlier:
            raise ValidationError(
                _("%(count)d candidates have not yet been through the steps before the public notice.")
                % {"count": earlier}
            )
        spec = notice_spec(edition.rulebook)
        title = (
            _("Public notice of the %(list)s of %(edition)s") % {"list": spec.list_name, "edition": str(edition)}
            if spec is not None
            else _("Public notice of the proposed winners of %(edition)s") % {"edition": str(edition)}
        )
        notice = PublicNotice.objects.create(
            edition=edition,
            stage=stage,
            title=title[:200],
            body=stage.body or edition.scheme.office or edition.scheme.organiser,
            working_days=edition.rulebook.notice_working_days,
            starts_on=starts_on,
            ends_on=ends_on,
            ends_at=ends_at,
            how_to_object=how_to_object,
            published_by=by,
        )
        tiers = _tiers(edition)
        entries = []
        for position, application in enumerate(candidates, start=1):
            name, unit = _entry_names(application)
            entries.append(
                NoticeEntry(
                    notice=notice,
                    application=application,
                    position=position,
                    name=name,
                    unit_name=unit,
                    district_name=application.recommender.name,
                    category=application.category,
                    tier=tiers.get(application.pk, "award"),
                )
            )
            from_state = application.state
            application.open_notice(stage=stage)
            record_transition(
                application=application,
                from_state=from_state,
                by=by,
                comment=_("Public notice %(start)s to %(end)s.")
                % {"start": starts_on.isoformat(), "end": ends_on.isoformat()},
                request=request,
            )
        NoticeEntry.objects.bulk_create(entries)
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            obj=notice,
            request=request,
            detail=f"notice {starts_on}..{ends_on} ({notice.working_days} working days), {len(entries)} names",
        )
    return notice


def open_objection_exists(application: Application) -> bool:
    return Objection.objects.filter(entry__application=application, state=ObjectionState.OPEN).exists()


def notice_entry_withdraw(*, entry: NoticeEntry, reason: str, by, request=None) -> NoticeEntry:
    """Take a name off the notice after an upheld objection: IN_NOTICE → NOT_SELECTED with the reason.

    Office only (audited refusal); the reason is required. Runs inside the caller's transaction when there is one.
    Side effects: the entry's outcome WITHDRAWN with the reason; transition, history, audit row, mail."""
    if not is_office(by):
        _refuse(by, entry.notice, "only the award office takes a name off a notice", request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason the name leaves the list."))
    with transaction.atomic():
        entry = NoticeEntry.objects.select_for_update().select_related("notice").get(pk=entry.pk)
        application = Application.objects.select_for_update(of=("self",)).get(pk=entry.application_id)
        if entry.outcome != EntryOutcome.PENDING or application.state != S.IN_NOTICE:
            raise ValidationError(_("This name is no longer in the notice."))
        from_state = application.state
        application.reject()
        entry.outcome, entry.outcome_reason = EntryOutcome.WITHDRAWN, reason
        entry.save(update_fields=["outcome", "outcome_reason"])
        record_transition(application=application, from_state=from_state, by=by, comment=reason, request=request)
    return entry


def notice_entry_release(*, entry: NoticeEntry, by=None, now: datetime | None = None, request=None) -> bool:
    """Move a name on once its notice has ended and no objection to it is open: to the next stage of the
    rulebook (CANDIDATE again, e.g. the leading group in Weihai, the government's approval elsewhere), or APPROVED
    if the notice is the last step. Returns whether it moved; False (and nothing written) when the notice runs on,
    an objection is open, the publication on a channel its rulebook names is not recorded (`channels_missing`),
    the name has moved already, or another worker holds it right now.
    Side effects when it moves: transition, history, audit, mail; the entry's outcome PASSED."""
    now = now or timezone.now()
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("edition__rulebook")
            .filter(pk=entry.application_id, state=S.IN_NOTICE)
            .first()
        )
        if application is None:
            return False
        entry = NoticeEntry.objects.select_related("notice", "notice__stage", "notice__edition").get(pk=entry.pk)
        if entry.outcome != EntryOutcome.PENDING or entry.notice.ends_at > now:
            return False
        if open_objection_exists(application):
            return False
        if channels_missing(entry.notice):
            return False
        following = pipeline.next_stage(application.edition.rulebook, entry.notice.stage)
        from_state = application.state
        application.close_notice(next_stage=following, approved=following is None)
        entry.outcome = EntryOutcome.PASSED
        entry.save(update_fields=["outcome"])
        record_transition(
            application=application,
            from_state=from_state,
            by=by,
            comment=_("The public notice ended on %(end)s without an objection upheld.")
            % {"end": entry.notice.ends_on.isoformat()},
            request=request,
        )
    return True


def notice_sweep(*, now: datetime | None = None) -> int:
    """Close every notice past its end: move on each name without an open objection, and mark the notice closed
    once no name is left pending (a compare-and-set, so it is marked once). Returns how many names moved.
    Safe to run on several workers at once and to re-run after a crash (module docstring)."""
    now = now or timezone.now()
    moved = 0
    due = PublicNotice.objects.filter(closed_at__isnull=True, ends_at__lte=now).values_list("pk", flat=True)
    for notice_id in list(due):
        for entry in NoticeEntry.objects.filter(notice_id=notice_id, outcome=EntryOutcome.PENDING).order_by("pk"):
            moved += notice_entry_release(entry=entry, now=now)
        if not NoticeEntry.objects.filter(notice_id=notice_id, outcome=EntryOutcome.PENDING).exists():
            PublicNotice.objects.filter(pk=notice_id, closed_at__isnull=True).update(closed_at=now)
    return moved


def notice_publication_record(
    *, notice: PublicNotice, channel: NoticeChannel, published_on: date, where: str, by, request=None
) -> NoticePublication:
    """Record where and when the office published the notice on one channel its rulebook names (e.g. Zibo
    第十八条 新闻媒体; national 第二十一条 工信部网站). Until each named channel is recorded the notice does not close.

    Office only (audited refusal); the channel must be one of the notice's rulebook; `where` is required; the date
    cannot be before the notice's first day nor in the future; one record per channel. Side effects: one
    NoticePublication and a CREATE audit row; once the last channel is recorded of a notice that has ended, its
    names move on after commit (`notice_sweep` for this notice)."""
    if not is_office(by):
        _refuse(by, notice, "only the award office records where a notice was published", request)
    where = (where or "").strip()
    if not where:
        raise ValidationError(_("Say where the notice was published (the outlet, page or address)."))
    if channel.spec.rulebook_id != notice.edition.rulebook_id:
        raise ValidationError(_("The rulebook of this notice names no such channel."))
    if published_on > timezone.localdate():
        raise ValidationError(_("The date of publication cannot be in the future."))
    if published_on < notice.starts_on:
        raise ValidationError(
            _("The notice was published from %(start)s; a publication cannot be dated before.")
            % {"start": notice.starts_on.isoformat()}
        )
    with transaction.atomic():
        PublicNotice.objects.select_for_update().filter(pk=notice.pk).first()
        if NoticePublication.objects.filter(notice=notice, channel=channel).exists():
            raise ValidationError(
                _("The publication on %(channel)s is already recorded.") % {"channel": channel.name}
            )
        publication = NoticePublication.objects.create(
            notice=notice, channel=channel, published_on=published_on, where=where[:300], recorded_by=by
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            obj=publication,
            request=request,
            detail=f"notice {notice.pk} published on {channel.name} {published_on}",
        )
        if notice.ends_at <= timezone.now() and not channels_missing(notice):
            transaction.on_commit(lambda: notice_sweep())
    return publication
