"""Experience-sharing events (national art. 23, Weihai art. 22) and the holder's record of them, which backs the
ground "long-term refusal to share" (Weihai art. 27 (7), art. 28 (6))."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from revocation.aftercare import services
from revocation.aftercare.enums import Attendance
from revocation.aftercare.selectors import sharing_record
from tests.decisions import make_edition, unit_winner
from tests.revocation.conftest import cites

pytestmark = pytest.mark.django_db


def _event(zibo, office, *, held_on=None, title="质量经验交流会"):
    return services.sharing_event_create(
        scheme=zibo["edition"].scheme,
        title=title,
        held_on=held_on or timezone.localdate() - timedelta(days=1),
        place="淄博市会展中心",
        by=office,
    )


def _invited(zibo, office, **kwargs):
    event = _event(zibo, office, **kwargs)
    services.sharing_event_invite(event=event, applications=[zibo["unit"], zibo["person"]], by=office)
    return event, event.invitations.get(application=zibo["unit"])


@cites("Z28-zibo-art28-holders-share-experience-at-events")
def test_invite_current_holders_once(zibo, office):
    event = _event(zibo, office)
    created = services.sharing_event_invite(event=event, applications=[zibo["unit"]], by=office)
    assert len(created) == 1
    again = services.sharing_event_invite(event=event, applications=[zibo["unit"], zibo["person"]], by=office)
    assert [i.application_id for i in again] == [zibo["person"].pk]
    assert event.invitations.count() == 2
    assert set(event.invitations.values_list("attendance", flat=True)) == {Attendance.INVITED}


@pytest.mark.parametrize("who", ["revoked", "rejected", "other_scheme"])
def test_invite_non_holder_refused(zibo, office, who):
    target = unit_winner(make_edition("weihai-mayor", 2025), name="威海某公司") if who == "other_scheme" else zibo[who]
    event = _event(zibo, office)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.sharing_event_invite(event=event, applications=[zibo["unit"], target], by=office)
    assert caught.value.messages == ["Only current holders of the event's scheme can be invited."]
    assert not event.invitations.exists()


def test_invite_by_holder_refused(zibo, office):
    event = _event(zibo, office)
    with pytest.raises(PermissionDenied):
        services.sharing_event_invite(event=event, applications=[zibo["unit"]], by=zibo["unit"].owner)


def test_attendance_excused_needs_reason(zibo, office):
    _event_, invitation = _invited(zibo, office)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.sharing_attendance_record(invitation=invitation, attendance=Attendance.EXCUSED, by=office)
    assert caught.value.messages == ["Give the reason for the excuse."]
    recorded = services.sharing_attendance_record(
        invitation=invitation, attendance=Attendance.EXCUSED, excuse="总经理出国参展", by=office
    )
    assert (recorded.attendance, recorded.excuse, recorded.recorded_by) == (
        Attendance.EXCUSED,
        "总经理出国参展",
        office,
    )


def test_attendance_correction_drops_the_reason(zibo, office):
    _event_, invitation = _invited(zibo, office)
    services.sharing_attendance_record(invitation=invitation, attendance=Attendance.EXCUSED, excuse="出差", by=office)
    recorded = services.sharing_attendance_record(
        invitation=invitation, attendance=Attendance.ABSENT, excuse="出差", by=office
    )
    assert (recorded.attendance, recorded.excuse) == (Attendance.ABSENT, "")


def test_attendance_before_event_refused(zibo, office):
    _event_, invitation = _invited(zibo, office, held_on=timezone.localdate() + timedelta(days=3))
    with pytest.raises(ValidationError):
        services.sharing_attendance_record(invitation=invitation, attendance=Attendance.ATTENDED, by=office)


def test_attendance_back_to_invited_refused(zibo, office):
    _event_, invitation = _invited(zibo, office)
    with pytest.raises(ValidationError):
        services.sharing_attendance_record(invitation=invitation, attendance=Attendance.INVITED, by=office)


def test_sharing_record_counts_each_kind_of_answer(zibo, office):
    answers = [
        (date(2025, 3, 1), Attendance.ATTENDED, ""),
        (date(2025, 6, 1), Attendance.EXCUSED, "设备检修"),
        (date(2025, 9, 1), Attendance.ABSENT, ""),
        (date(2025, 12, 1), Attendance.ABSENT, ""),
        (date(2026, 1, 5), None, ""),
    ]
    for held_on, attendance, excuse in answers:
        event, invitation = _invited(zibo, office, held_on=held_on, title=f"交流会{held_on}")
        if attendance:
            services.sharing_attendance_record(invitation=invitation, attendance=attendance, excuse=excuse, by=office)
    assert sharing_record(zibo["unit"]) == {
        "invited": 5,
        "attended": 1,
        "excused": 1,
        "absent": 2,
        "pending": 1,
        "absent_on": [date(2025, 12, 1), date(2025, 9, 1)],
    }
    # The other holder was invited to the same events, none of them recorded.
    assert sharing_record(zibo["person"]) == {
        "invited": 5,
        "attended": 0,
        "excused": 0,
        "absent": 0,
        "pending": 5,
        "absent_on": [],
    }


def test_sharing_record_never_invited_is_all_zero(zibo):
    assert sharing_record(zibo["unit"]) == {
        "invited": 0,
        "attended": 0,
        "excused": 0,
        "absent": 0,
        "pending": 0,
        "absent_on": [],
    }


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("weihai-mayor", id="W22-weihai-art22-holder-invited-and-attendance-recorded"),
        pytest.param("national-benchmark", id="N23-national-art23-holder-invited-and-attendance-recorded"),
        pytest.param("shandong-benchmark", id="S5-shandong-3-exchange-event-for-benchmark-holders"),
    ],
)
def test_sharing_event_for_holders_of_other_schemes(office, code):
    holder = unit_winner(make_edition(code, 2025), name="经验交流单位有限公司", awarded_on=date(2025, 9, 1))
    event = services.sharing_event_create(
        scheme=holder.edition.scheme,
        title="质量经验交流观摩会",
        held_on=timezone.localdate() - timedelta(days=1),
        place="会议中心",
        by=office,
    )
    [invitation] = services.sharing_event_invite(event=event, applications=[holder], by=office)
    services.sharing_attendance_record(invitation=invitation, attendance=Attendance.ATTENDED, by=office)
    assert sharing_record(holder)["attended"] == 1
    # Only that scheme's holders may be invited.
    stranger = unit_winner(make_edition("zibo-leading", 2025), name="淄博某公司", awarded_on=date(2025, 9, 1))
    with pytest.raises(ValidationError):
        services.sharing_event_invite(event=event, applications=[stranger], by=office)
