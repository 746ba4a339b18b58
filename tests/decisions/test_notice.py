"""The public notice: its end in Chinese working days, and the sweep that closes it exactly once."""

from datetime import UTC, date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent
from applications import services as application_services
from applications.enums import ApplicationState
from applications.models import Application, ApplicationTransition
from applications.notifications import transition_mail_send, unmailed_transition_ids
from awards.enums import CalendarDayKind
from awards.models import CalendarDay, CalendarYear
from decisions import notice as notice_services
from decisions.enums import EntryOutcome, ObjectionState
from decisions.models import Objection, PublicNotice
from decisions.services import application_approve, approval_record
from decisions.tasks import close_due_notices
from tests.concurrency import needs_postgres, run_together
from tests.decisions.scenes import chain_scene, office_user, publish_on_channels, stage_of
from tests.decisions.test_chain import document
from tests.factories import UserFactory

S = ApplicationState
MONDAY = date(2026, 9, 28)


@pytest.fixture
def today(monkeypatch):
    def set_today(day):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: day)

    set_today(MONDAY)
    return set_today


def at_notice(code="weihai-mayor", **scene):
    """Weihai's candidates go straight from the candidate list to the notice (art. 15)."""
    return chain_scene(code, at="public_notice", **scene)


def publish(edition, office, starts_on=MONDAY, *, on_channels=True):
    """The office's notice; with `on_channels`, recorded as published on every channel its rulebook names."""
    notice = notice_services.notice_open(
        edition=edition, by=office, starts_on=starts_on, how_to_object="书面异议请寄市强市办，电话0631-5200000"
    )
    return publish_on_channels(notice, office) if on_channels else notice


# --- the end date ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, start, end",
    [
        # National Day 2026: 1-7 October off, Saturday the 10th a make-up working day.
        pytest.param("weihai-mayor", date(2026, 9, 28), date(2026, 10, 10), id="W15a-weihai-art15-5-days-national-day"),
        pytest.param(
            "national-benchmark", date(2026, 9, 28), date(2026, 10, 16), id="N21a-national-art21-10-days-national-day"
        ),
        pytest.param("weihai-mayor", date(2026, 9, 30), date(2026, 10, 13), id="W15a-weihai-art15-5-days-from-30-sep"),
        # Spring Festival 2026: 15-23 February off, Saturday the 14th and 28th make-up working days.
        pytest.param(
            "weihai-mayor", date(2026, 2, 12), date(2026, 2, 26), id="W15a-weihai-art15-5-days-spring-festival"
        ),
        pytest.param(
            "national-benchmark", date(2026, 2, 13), date(2026, 3, 5), id="N21a-national-art21-10-days-spring-festival"
        ),
    ],
)
def test_notice_end_across_the_2026_holidays(code, start, end):
    edition, _applications = at_notice(code, units=1, individuals=0)

    assert notice_services.notice_end(edition=edition, starts_on=start)[0] == end


@pytest.mark.django_db
def test_notice_end_into_2027_with_the_office_entries():
    """chinese-calendar stops at 2026; the office enters 2027 (here: New Year 1-3 January off, Sunday 4th worked)."""
    CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕测试")
    for day in (1, 2, 3):
        CalendarDay.objects.create(date=date(2027, 1, day), kind=CalendarDayKind.HOLIDAY, name="元旦")
    CalendarDay.objects.create(date=date(2027, 1, 4 + 6), kind=CalendarDayKind.WORKDAY, name="元旦调休")
    edition, _applications = at_notice(units=1, individuals=0)

    # From Wed 30 Dec 2026: 31 Dec (1), [1-3 Jan off], Mon 4 (2), 5 (3), 6 (4), 7 (5).
    ends_on, ends_at = notice_services.notice_end(edition=edition, starts_on=date(2026, 12, 30))
    assert ends_on == date(2027, 1, 7)
    assert (
        ends_at.astimezone(UTC).isoformat() == "2027-01-07T16:00:00+00:00"
    )  # midnight after the last day, in Shanghai


@pytest.mark.django_db
def test_notice_end_refused_when_the_calendar_has_no_data(today):
    edition, applications = at_notice(units=1, individuals=0)
    today(date(2026, 12, 28))

    with translation.override("en"), pytest.raises(ValidationError, match="2027"):
        publish(edition, office_user(), starts_on=date(2026, 12, 28))
    assert not PublicNotice.objects.exists()
    assert Application.objects.get(pk=applications[0].pk).state == S.CANDIDATE


# --- opening ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_notice_open_copies_the_names_and_moves_the_candidates(today):
    edition, applications = at_notice(units=2, individuals=1)

    notice = publish(edition, office_user())

    assert (notice.starts_on, notice.ends_on, notice.working_days) == (MONDAY, date(2026, 10, 10), 5)
    entries = list(notice.entries.order_by("position"))
    assert [(e.name, e.unit_name, e.category) for e in entries] == [
        ("候选人0", "威海港务集团有限公司", "individual"),
        ("候选单位0有限公司", "", "unit"),
        ("候选单位1有限公司", "", "unit"),
    ]
    assert {a.state for a in Application.objects.filter(edition=edition)} == {S.IN_NOTICE}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "starts_on, how, message",
    [
        (date(2026, 9, 27), "电话", "past date"),
        (MONDAY, "  ", "how objections are received"),
    ],
)
def test_notice_open_bad_inputs(today, starts_on, how, message):
    edition, _applications = at_notice(units=1, individuals=0)

    with translation.override("en"), pytest.raises(ValidationError, match=message):
        notice_services.notice_open(edition=edition, by=office_user(), starts_on=starts_on, how_to_object=how)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EXPERT, Role.AUDITOR])
def test_notice_open_refused_to_others_and_audited(today, role):
    edition, _applications = at_notice(units=1, individuals=0)
    outsider = UserFactory(roles=[role])

    with pytest.raises(PermissionDenied):
        publish(edition, outsider)
    assert AuditEvent.objects.filter(actor=outsider, result=AuditResult.REFUSED).count() == 1


# --- the sweep -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sweep_leaves_a_running_notice_alone(today):
    edition, _applications = at_notice(units=2, individuals=0)
    notice = publish(edition, office_user())

    assert notice_services.notice_sweep(now=notice.ends_at - timedelta(seconds=1)) == 0
    assert {a.state for a in Application.objects.filter(edition=edition)} == {S.IN_NOTICE}


@pytest.mark.django_db
def test_sweep_moves_names_on_to_the_leading_group_in_weihai_and_closes_the_notice(today):
    edition, applications = at_notice(units=2, individuals=0)
    notice = publish(edition, office_user())

    assert notice_services.notice_sweep(now=notice.ends_at) == 2
    assert notice_services.notice_sweep(now=notice.ends_at) == 0

    moved = Application.objects.filter(edition=edition).select_related("current_stage")
    assert {(a.state, a.current_stage.kind) for a in moved} == {(S.CANDIDATE, "leading_group")}
    notice.refresh_from_db()
    assert notice.closed_at == notice.ends_at
    assert set(notice.entries.values_list("outcome", flat=True)) == {EntryOutcome.PASSED}


def open_objection(entry):
    return Objection.objects.create(
        reference=f"YY{entry.pk:06d}",
        notice=entry.notice,
        entry=entry,
        full_name="张三",
        phone="13800000000",
        statement="该单位去年发生质量事故。",
    )


@pytest.mark.django_db
def test_sweep_keeps_a_name_with_an_open_objection_in_notice_and_approval_refuses_it(today):
    edition, applications = at_notice("zibo-leading", units=2, individuals=0)
    office = office_user()
    notice = publish(edition, office)
    objection = open_objection(notice.entries.get(application=applications[0]))

    assert notice_services.notice_sweep(now=notice.ends_at) == 1
    assert [Application.objects.get(pk=a.pk).state for a in applications] == [S.IN_NOTICE, S.CANDIDATE]
    assert PublicNotice.objects.get(pk=notice.pk).closed_at is None  # still a name pending

    # The approval waits for the objection: a name is still at the earlier step.
    with translation.override("en"), pytest.raises(ValidationError, match="earlier step"):
        approval_record(
            edition=edition,
            stage=stage_of(edition, "government_approval"),
            by=office,
            held_on=MONDAY,
            document_number="淄政字〔2026〕9号",
            document=document(),
        )

    Objection.objects.filter(pk=objection.pk).update(state=ObjectionState.DISMISSED)
    assert notice_services.notice_sweep(now=notice.ends_at) == 1
    assert Application.objects.get(pk=applications[0].pk).state == S.CANDIDATE
    assert PublicNotice.objects.get(pk=notice.pk).closed_at is not None


@pytest.mark.django_db
def test_approve_refused_with_an_open_objection(today):
    """A candidate with an open objection cannot be approved, whatever state the list is in."""
    edition, applications = at_notice("shandong-benchmark", units=1, individuals=0)
    office = office_user()
    notice = publish(edition, office)
    notice_services.notice_sweep(now=notice.ends_at)
    approval_record(
        edition=edition,
        stage=stage_of(edition, "organiser_approval"),
        by=office,
        held_on=MONDAY,
        document_number="鲁工信字〔2026〕1号",
        document=document(),
    )
    open_objection(notice.entries.get())

    with translation.override("en"), pytest.raises(ValidationError, match="objection .* is still under investigation"):
        application_approve(application=applications[0], by=office)
    assert Application.objects.get(pk=applications[0].pk).state == S.CANDIDATE


@pytest.mark.django_db
def test_withdraw_takes_the_name_off_with_the_reason(today):
    edition, applications = at_notice(units=1, individuals=0)
    office = office_user()
    entry = publish(edition, office).entries.get()

    with translation.override("en"), pytest.raises(ValidationError, match="Write the reason"):
        notice_services.notice_entry_withdraw(entry=entry, reason=" ", by=office)
    notice_services.notice_entry_withdraw(entry=entry, reason="异议属实：隐瞒质量事故", by=office)

    entry.refresh_from_db()
    assert (entry.outcome, entry.outcome_reason) == (EntryOutcome.WITHDRAWN, "异议属实：隐瞒质量事故")
    assert Application.objects.get(pk=applications[0].pk).state == S.NOT_SELECTED
    with translation.override("en"), pytest.raises(ValidationError, match="no longer in the notice"):
        notice_services.notice_entry_withdraw(entry=entry, reason="再次", by=office)


@pytest.mark.django_db
def test_close_due_notices_task_runs_the_sweep(today, monkeypatch):
    edition, _applications = at_notice(units=1, individuals=0)
    notice = publish(edition, office_user())
    monkeypatch.setattr("django.utils.timezone.now", lambda: notice.ends_at)

    assert close_due_notices.delay().get() == 1


# --- exactly once ------------------------------------------------------------------------------------------------


def _once_each(edition, applications):
    for application in applications:
        rows = ApplicationTransition.objects.filter(application=application, from_state=S.IN_NOTICE)
        assert rows.count() == 1
        audits = AuditEvent.objects.filter(
            action=AuditAction.STATE_CHANGE, object_id=str(application.pk), detail__startswith="in_notice →"
        )
        assert audits.count() == 1
        owner_mails = [m for m in mail.outbox if application.owner.email in m.to]
        assert len(owner_mails) == 1, [m.subject for m in owner_mails]


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sweep_run_four_times_at_once_moves_each_name_once(today):
    edition, applications = at_notice(units=6, individuals=2)
    notice = publish(edition, office_user())
    mail.outbox.clear()

    errors, results = run_together([lambda: notice_services.notice_sweep(now=notice.ends_at)] * 4)

    assert errors == []
    assert sum(results) == 8
    assert {a.state for a in Application.objects.filter(edition=edition)} == {S.CANDIDATE}
    _once_each(edition, applications)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sweep_killed_half_way_then_rerun_moves_each_name_once(today, monkeypatch):
    """A worker that dies in the middle: its open transaction rolls back (no half transition, no mail queued);
    the next run finishes the rest and repeats nothing."""
    edition, applications = at_notice(units=4, individuals=0)
    notice = publish(edition, office_user())
    mail.outbox.clear()
    real, calls = application_services.record_transition, []

    def dying(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise SystemExit("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(notice_services, "record_transition", dying)
    with pytest.raises(SystemExit):
        notice_services.notice_sweep(now=notice.ends_at)
    states = sorted(Application.objects.filter(edition=edition).values_list("state", flat=True))
    assert states == [S.CANDIDATE, S.CANDIDATE, S.IN_NOTICE, S.IN_NOTICE]

    monkeypatch.setattr(notice_services, "record_transition", real)
    assert notice_services.notice_sweep(now=notice.ends_at) == 2
    _once_each(edition, applications)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_transition_mail_sent_once_even_when_delivered_twice(today):
    edition, applications = at_notice(units=1, individuals=0)
    publish(edition, office_user())
    row = ApplicationTransition.objects.get(application=applications[0], to_state=S.IN_NOTICE)
    mail.outbox.clear()

    assert transition_mail_send(transition_id=row.pk) == 0  # sent on commit already
    assert mail.outbox == []
    ApplicationTransition.objects.filter(pk=row.pk).update(mailed_at=None)  # as if the worker died before sending
    assert row.pk in unmailed_transition_ids(older_than_seconds=0)
    assert transition_mail_send(transition_id=row.pk) == 1
    assert transition_mail_send(transition_id=row.pk) == 0
    assert len(mail.outbox) == 1
