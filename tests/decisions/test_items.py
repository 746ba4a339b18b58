"""Items issued to winners: plaques and trophies handed over, award money paid, as each rulebook gives them (Linyi
art. 19, Weihai art. 16 and 17, certificate only elsewhere); the office's table and form, the winner's own view."""

import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent
from applications.enums import ApplicationState
from applications.models import ApplicationTransition
from decisions import items as items_module
from decisions.certificates import certificate_issue
from decisions.enums import IssuedItemKind as K
from decisions.items import award_date, issued_item_record
from decisions.models import Certificate, IssuedItem
from decisions.selectors_items import edition_items_table
from tests.decisions import AWARDED_ON, individual_winner, make_edition, unit_winner

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 2)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The rules compare dates with today; pin it after the award date of the scenes (2026-09-28)."""
    monkeypatch.setattr(items_module, "_today", lambda: TODAY)
    return TODAY


@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE_STAFF)


@pytest.fixture
def linyi(db):
    return make_edition("linyi-mayor")


@pytest.fixture
def weihai(db):
    return make_edition("weihai-mayor")


@pytest.fixture
def zibo(db):
    return make_edition("zibo-leading")


def _errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def _record(application, by, kind, **fields):
    with translation.override("en"):
        return issued_item_record(application=application, kind=kind, by=by, **fields)


# --- what each rulebook gives ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "category", "kind", "fields"),
    [
        pytest.param(
            "linyi-mayor", "unit", K.TROPHY, {"issued_on": date(2026, 10, 8)}, id="L19-linyi-art19-unit-trophy"
        ),
        pytest.param("linyi-mayor", "unit", K.PLAQUE, {"issued_on": date(2026, 10, 8)}, id="linyi-art19-unit-plaque"),
        pytest.param(
            "linyi-mayor",
            "unit",
            K.AWARD_MONEY,
            {"amount": "300000", "paid_on": date(2026, 10, 20)},
            id="linyi-art19-unit-money",
        ),
        pytest.param(
            "linyi-mayor", "individual", K.TROPHY, {"issued_on": date(2026, 10, 8)}, id="linyi-art19-person-trophy"
        ),
        pytest.param(
            "linyi-mayor",
            "individual",
            K.AWARD_MONEY,
            {"amount": "50000.00", "paid_on": date(2026, 10, 20)},
            id="linyi-art19-person-money",
        ),
        pytest.param("weihai-mayor", "unit", K.PLAQUE, {"issued_on": date(2026, 10, 8)}, id="weihai-art16-unit-plaque"),
        pytest.param(
            "weihai-mayor",
            "unit",
            K.AWARD_MONEY,
            {"amount": Decimal("200000"), "paid_on": date(2026, 10, 20)},
            id="W17-weihai-art17-unit-money",
        ),
        pytest.param(
            "weihai-mayor",
            "individual",
            K.AWARD_MONEY,
            {"amount": 20000, "paid_on": date(2026, 10, 20)},
            id="W17-weihai-art17-person-money",
        ),
    ],
)
def test_issued_item_record_given_kind_created_with_audit(office, code, category, kind, fields):
    edition = make_edition(code)
    application = unit_winner(edition) if category == "unit" else individual_winner(edition)

    item = _record(application, office, kind, note="颁奖大会", **fields)

    item.refresh_from_db()
    assert (item.application_id, item.kind, item.note, item.recorded_by) == (application.pk, kind, "颁奖大会", office)
    if kind == K.AWARD_MONEY:
        expected = Decimal(str(fields["amount"])).quantize(Decimal("0.01"))
        assert (item.amount, item.paid_on, item.issued_on) == (expected, fields["paid_on"], None)
        assert str(item.amount) == f"{expected:.2f}"
    else:
        assert (item.amount, item.paid_on, item.issued_on) == (None, None, fields["issued_on"])
    audit = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="decisions.IssuedItem")
    assert (audit.actor, audit.object_id, audit.result) == (office, str(item.pk), AuditResult.SUCCESS)
    assert audit.detail.startswith(kind)


def test_issued_item_record_linyi_individual_plaque_refused_citing_art19(linyi, office):
    person = individual_winner(linyi)

    with pytest.raises(ValidationError) as excinfo:
        _record(person, office, K.PLAQUE, issued_on=date(2026, 10, 8))

    assert _errors(excinfo) == {
        "kind": [
            f"Under 第十九条 of {linyi.rulebook.title}, individuals receive Honour certificate, Trophy, Award money; "
            "Plaque is not one of them."
        ]
    }
    assert not IssuedItem.objects.exists()


def test_issued_item_record_weihai_trophy_refused_citing_art16_and_17(weihai, office):
    with pytest.raises(ValidationError) as excinfo:
        _record(unit_winner(weihai), office, K.TROPHY, issued_on=date(2026, 10, 8))

    assert _errors(excinfo) == {
        "kind": [
            f"Under 第十六条, 第十七条 of {weihai.rulebook.title}, units receive Honour certificate, Plaque, "
            "Award money; Trophy is not one of them."
        ]
    }


def test_issued_item_record_weihai_individual_plaque_refused(weihai, office):
    with pytest.raises(ValidationError) as excinfo:
        _record(individual_winner(weihai), office, K.PLAQUE, issued_on=date(2026, 10, 8))

    assert _errors(excinfo)["kind"] == [
        f"Under 第十六条, 第十七条 of {weihai.rulebook.title}, individuals receive Honour certificate, Award money; "
        "Plaque is not one of them."
    ]


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        pytest.param(K.PLAQUE, {"issued_on": date(2026, 10, 8)}, id="zibo-plaque"),
        pytest.param(K.TROPHY, {"issued_on": date(2026, 10, 8)}, id="zibo-trophy"),
        pytest.param(K.AWARD_MONEY, {"amount": "1000", "paid_on": date(2026, 10, 8)}, id="zibo-money"),
    ],
)
def test_issued_item_record_zibo_gives_certificate_only(zibo, office, kind, fields):
    with pytest.raises(ValidationError) as excinfo:
        _record(unit_winner(zibo), office, kind, **fields)

    label = {K.PLAQUE: "Plaque", K.TROPHY: "Trophy", K.AWARD_MONEY: "Award money"}[kind]
    assert _errors(excinfo) == {
        "kind": [f"Under {zibo.rulebook.title}, units receive Honour certificate; {label} is not one of them."]
    }
    assert not IssuedItem.objects.exists()


def test_issued_item_record_certificate_not_recorded_twice(linyi, office):
    with pytest.raises(ValidationError) as excinfo:
        _record(unit_winner(linyi), office, K.CERTIFICATE, issued_on=date(2026, 10, 8))

    assert _errors(excinfo) == {
        "kind": ["The certificate is issued with the edition's certificates and is not recorded here."]
    }


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        pytest.param(
            {"amount": "0", "paid_on": date(2026, 10, 20)},
            {"amount": ["The amount must be more than zero."]},
            id="zero",
        ),
        pytest.param(
            {"amount": "-100", "paid_on": date(2026, 10, 20)},
            {"amount": ["The amount must be more than zero."]},
            id="negative",
        ),
        pytest.param(
            {"amount": "100.005", "paid_on": date(2026, 10, 20)},
            {"amount": ["The amount has at most two decimal places (yuan and fen)."]},
            id="three-places",
        ),
        pytest.param(
            {"amount": "二十万", "paid_on": date(2026, 10, 20)},
            {"amount": ["Enter the amount as a number of yuan, e.g. 200000.00."]},
            id="not-a-number",
        ),
        pytest.param(
            {"amount": "NaN", "paid_on": date(2026, 10, 20)},
            {"amount": ["Enter the amount as a number of yuan, e.g. 200000.00."]},
            id="nan",
        ),
        pytest.param(
            {"amount": "10000000000", "paid_on": date(2026, 10, 20)},
            {"amount": ["The amount is too large."]},
            id="too-large",
        ),
        pytest.param(
            {"paid_on": date(2026, 10, 20)}, {"amount": ["Award money needs the amount paid."]}, id="no-amount"
        ),
        pytest.param({"amount": "300000"}, {"paid_on": ["Award money needs the date it was paid."]}, id="no-paid-date"),
        pytest.param(
            {"amount": "300000", "paid_on": TODAY + timedelta(days=1)},
            {"paid_on": ["The date 2026-11-03 is in the future."]},
            id="future-payment",
        ),
        pytest.param(
            {"amount": "300000", "paid_on": date(2026, 9, 27)},
            {"paid_on": ["The date 2026-09-27 is before the award date 2026-09-28."]},
            id="paid-before-award",
        ),
    ],
)
def test_issued_item_record_money_bad_inputs_refused(linyi, office, fields, errors):
    with pytest.raises(ValidationError) as excinfo:
        _record(unit_winner(linyi), office, K.AWARD_MONEY, **fields)

    assert _errors(excinfo) == errors
    assert not IssuedItem.objects.exists()
    assert not AuditEvent.objects.filter(object_type="decisions.IssuedItem").exists()


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        pytest.param({}, {"issued_on": ["A Trophy needs the date it was handed over."]}, id="no-date"),
        pytest.param(
            {"issued_on": TODAY + timedelta(days=1)},
            {"issued_on": ["The date 2026-11-03 is in the future."]},
            id="future",
        ),
        pytest.param(
            {"issued_on": date(2026, 9, 1)},
            {"issued_on": ["The date 2026-09-01 is before the award date 2026-09-28."]},
            id="before-award",
        ),
        pytest.param(
            {"issued_on": date(2026, 10, 8), "amount": "1000"},
            {"amount": ["Only award money has an amount."]},
            id="amount",
        ),
        pytest.param(
            {"issued_on": date(2026, 10, 8), "paid_on": date(2026, 10, 8)},
            {"paid_on": ["Only award money has a date of payment."]},
            id="paid-date",
        ),
    ],
)
def test_issued_item_record_trophy_bad_inputs_refused(linyi, office, fields, errors):
    with pytest.raises(ValidationError) as excinfo:
        _record(unit_winner(linyi), office, K.TROPHY, **fields)

    assert _errors(excinfo) == errors
    assert not IssuedItem.objects.exists()


def test_issued_item_record_today_and_award_day_accepted(linyi, office):
    application = unit_winner(linyi)

    trophy = _record(application, office, K.TROPHY, issued_on=AWARDED_ON)
    money = _record(application, office, K.AWARD_MONEY, amount="1", paid_on=TODAY)

    assert (trophy.issued_on, money.paid_on, money.amount) == (AWARDED_ON, TODAY, Decimal("1.00"))


def test_issued_item_record_approved_dates_from_approval(linyi, office):
    application = unit_winner(linyi, state=ApplicationState.APPROVED, awarded_on=None)
    transition = ApplicationTransition.objects.create(
        application=application, from_state=ApplicationState.CANDIDATE, to_state=ApplicationState.APPROVED, actor=office
    )
    ApplicationTransition.objects.filter(pk=transition.pk).update(
        occurred_at=datetime(2026, 10, 15, 0, 30, tzinfo=SHANGHAI)
    )

    with pytest.raises(ValidationError) as excinfo:
        _record(application, office, K.PLAQUE, issued_on=date(2026, 10, 14))
    item = _record(application, office, K.PLAQUE, issued_on=date(2026, 10, 15))

    assert award_date(application) == date(2026, 10, 15)
    assert _errors(excinfo) == {"issued_on": ["The date 2026-10-14 is before the award date 2026-10-15."]}
    assert item.issued_on == date(2026, 10, 15)


@pytest.mark.parametrize(
    "state",
    [
        ApplicationState.CANDIDATE,
        ApplicationState.IN_NOTICE,
        ApplicationState.NOT_SELECTED,
        ApplicationState.REVOKED,
    ],
)
def test_issued_item_record_refused_for_non_winner(linyi, office, state):
    application = unit_winner(linyi, state=state)

    with pytest.raises(ValidationError) as excinfo:
        _record(application, office, K.TROPHY, issued_on=date(2026, 10, 8))

    label = {
        ApplicationState.CANDIDATE: "Candidate",
        ApplicationState.IN_NOTICE: "In public notice",
        ApplicationState.NOT_SELECTED: "Not selected",
        ApplicationState.REVOKED: "Revoked",
    }[state]
    assert _errors(excinfo) == {
        NON_FIELD_ERRORS: [f"Items are recorded only for approved or awarded winners; this application is {label}."]
    }


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.DISTRICT_COORDINATOR, Role.EXPERT, Role.AUDITOR, Role.SYSADMIN])
def test_issued_item_record_refused_outside_office_audited(linyi, make_user, role):
    user = make_user(role)
    application = unit_winner(linyi)

    with pytest.raises(PermissionDenied):
        _record(application, user, K.TROPHY, issued_on=date(2026, 10, 8))

    assert not IssuedItem.objects.exists()
    refusal = AuditEvent.objects.get(action=AuditAction.PERMISSION_REFUSED)
    assert (refusal.actor, refusal.result, refusal.object_id) == (user, AuditResult.REFUSED, str(application.pk))
    assert refusal.detail == "only the award office records items issued to winners"


def test_issued_item_record_winner_cannot_record_own(linyi):
    application = unit_winner(linyi)

    with pytest.raises(PermissionDenied):
        _record(application, application.owner, K.AWARD_MONEY, amount="300000", paid_on=date(2026, 10, 20))

    assert not IssuedItem.objects.exists()


def test_issued_item_record_second_call_updates_with_before_after(linyi, office, make_user):
    application = unit_winner(linyi)
    first = _record(application, office, K.AWARD_MONEY, amount="100000", paid_on=date(2026, 10, 10))
    colleague = make_user(Role.OFFICE_STAFF)

    second = _record(
        application, colleague, K.AWARD_MONEY, amount="200000.00", paid_on=date(2026, 10, 12), note="第二笔"
    )

    assert second.pk == first.pk
    assert IssuedItem.objects.count() == 1
    second.refresh_from_db()
    assert (second.amount, second.paid_on, second.note, second.recorded_by) == (
        Decimal("200000.00"),
        date(2026, 10, 12),
        "第二笔",
        colleague,
    )
    update = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="decisions.IssuedItem")
    assert update.actor == colleague
    assert update.object_id == str(first.pk)
    assert (
        update.detail == "award_money: amount 100000.00 → 200000.00; paid_on 2026-10-10 → 2026-10-12; note — → 第二笔"
    )
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="decisions.IssuedItem").count() == 1


def test_issued_item_record_same_values_again_writes_nothing(linyi, office):
    application = unit_winner(linyi)
    first = _record(application, office, K.PLAQUE, issued_on=date(2026, 10, 8))

    again = _record(application, office, K.PLAQUE, issued_on=date(2026, 10, 8))

    assert again.pk == first.pk
    assert IssuedItem.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_issued_item_record_one_row_per_kind(linyi, office):
    application = unit_winner(linyi)

    _record(application, office, K.TROPHY, issued_on=date(2026, 10, 8))
    _record(application, office, K.PLAQUE, issued_on=date(2026, 10, 8))
    _record(application, office, K.TROPHY, issued_on=date(2026, 10, 9))

    assert sorted(IssuedItem.objects.values_list("kind", "issued_on")) == [
        (K.PLAQUE, date(2026, 10, 8)),
        (K.TROPHY, date(2026, 10, 9)),
    ]


# --- the table --------------------------------------------------------------------------------------------------


def test_edition_items_table_statuses_and_totals(linyi, office):
    unit = unit_winner(linyi, name="临沂钢铁有限公司")
    person = individual_winner(linyi, name="张工匠", employer="临沂钢铁有限公司")
    unit_winner(linyi, name="落选企业", state=ApplicationState.NOT_SELECTED)
    certificate_issue(application=unit, by=office)
    _record(unit, office, K.TROPHY, issued_on=date(2026, 10, 8))
    _record(unit, office, K.AWARD_MONEY, amount="300000", paid_on=date(2026, 10, 20))
    _record(person, office, K.AWARD_MONEY, amount="50000.50", paid_on=date(2026, 10, 21))

    table = edition_items_table(linyi)

    assert table.kinds == [K.CERTIFICATE, K.PLAQUE, K.TROPHY, K.AWARD_MONEY]
    by_app = {row.application.pk: row for row in table.rows}
    assert set(by_app) == {unit.pk, person.pk}
    assert [(c.kind, c.status) for c in by_app[unit.pk].cells] == [
        (K.CERTIFICATE, "rendering"),
        (K.PLAQUE, "pending"),
        (K.TROPHY, "issued"),
        (K.AWARD_MONEY, "paid"),
    ]
    assert [(c.kind, c.status) if c else None for c in by_app[person.pk].column_cells] == [
        (K.CERTIFICATE, "pending"),
        None,
        (K.TROPHY, "pending"),
        (K.AWARD_MONEY, "paid"),
    ]
    assert table.money_paid == Decimal("350000.50")
    assert (table.money_payments, table.money_due, table.outstanding) == (2, 2, 4)


def test_edition_items_table_without_winners_lists_rulebook_kinds(weihai):
    table = edition_items_table(weihai)

    assert (table.rows, table.kinds) == ([], [K.CERTIFICATE, K.PLAQUE, K.AWARD_MONEY])


# --- the office's pages ---------------------------------------------------------------------------------------


def test_items_page_office_sees_winners_items_and_totals(linyi, office, login):
    unit = unit_winner(linyi, name="临沂钢铁有限公司")
    _record(unit, office, K.TROPHY, issued_on=date(2026, 10, 8))
    _record(unit, office, K.AWARD_MONEY, amount="300000", paid_on=date(2026, 10, 20))

    with translation.override("en"):
        response = login(office).get(
            reverse("decisions:items", kwargs={"edition_id": linyi.pk}), HTTP_ACCEPT_LANGUAGE="en"
        )

    assert response.status_code == 200
    table = response.context["table"]
    assert [row.application.pk for row in table.rows] == [unit.pk]
    html = response.content.decode()
    assert "临沂钢铁有限公司" in html
    assert reverse("decisions:item_record", kwargs={"pk": unit.pk}) in html
    assert 'data-total="money">300,000.00' in html
    assert "2026-10-08" in html


def test_items_page_query_count_constant(linyi, office, login):
    def load(count: int) -> int:
        for n in range(count):
            application = unit_winner(linyi, name=f"临沂企业{count}-{n}")
            _record(application, office, K.TROPHY, issued_on=date(2026, 10, 8))
            _record(application, office, K.AWARD_MONEY, amount="1000", paid_on=date(2026, 10, 8))
            certificate_issue(application=application, by=office)
            person = individual_winner(linyi, name=f"个人{count}-{n}")
            _record(person, office, K.AWARD_MONEY, amount="1000", paid_on=date(2026, 10, 8))
        client = login(office)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("decisions:items", kwargs={"edition_id": linyi.pk}))
        assert response.status_code == 200
        assert len(response.context["table"].rows) == IssuedItem.objects.values("application").distinct().count()
        return len(queries)

    one = load(1)
    twenty = load(19)

    assert one == twenty


def test_item_record_page_prefills_existing_record(linyi, office, login):
    unit = unit_winner(linyi)
    _record(unit, office, K.AWARD_MONEY, amount="300000", paid_on=date(2026, 10, 20), note="凭证001")

    response = login(office).get(reverse("decisions:item_record", kwargs={"pk": unit.pk}) + "?kind=award_money")

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial == {
        "kind": K.AWARD_MONEY,
        "issued_on": None,
        "amount": Decimal("300000.00"),
        "paid_on": date(2026, 10, 20),
        "note": "凭证001",
    }
    assert [value for value, _label in form.fields["kind"].choices] == [K.PLAQUE, K.TROPHY, K.AWARD_MONEY]


def test_item_record_page_post_records_and_redirects(linyi, office, login):
    unit = unit_winner(linyi)

    response = login(office).post(
        reverse("decisions:item_record", kwargs={"pk": unit.pk}),
        {"kind": K.PLAQUE, "issued_on": "2026-10-08", "amount": "", "paid_on": "", "note": "大会颁发"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("decisions:items", kwargs={"edition_id": linyi.pk})
    item = IssuedItem.objects.get()
    assert (item.application_id, item.kind, item.issued_on, item.note) == (
        unit.pk,
        K.PLAQUE,
        date(2026, 10, 8),
        "大会颁发",
    )


def test_item_record_page_post_errors_on_fields(linyi, office, login):
    unit = unit_winner(linyi)

    with translation.override("en"):
        response = login(office).post(
            reverse("decisions:item_record", kwargs={"pk": unit.pk}),
            {"kind": K.AWARD_MONEY, "amount": "-5", "paid_on": "2026-12-01"},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["amount"] == ["The amount must be more than zero."]
    assert errors["paid_on"] == ["The date 2026-12-01 is in the future."]
    assert not IssuedItem.objects.exists()


def test_item_record_page_post_kind_not_given_refused(linyi, office, login):
    person = individual_winner(linyi)

    response = login(office).post(
        reverse("decisions:item_record", kwargs={"pk": person.pk}), {"kind": K.PLAQUE, "issued_on": "2026-10-08"}
    )

    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert not IssuedItem.objects.exists()


def test_item_record_page_zibo_has_nothing_to_record(zibo, office, login):
    unit = unit_winner(zibo)

    response = login(office).get(reverse("decisions:item_record", kwargs={"pk": unit.pk}))

    assert response.status_code == 200
    assert response.context["kinds"] == []
    assert [cell.kind for cell in response.context["row"].cells] == [K.CERTIFICATE]


def test_office_pages_outsiders(linyi, office, client, login, make_user):
    unit = unit_winner(linyi)
    candidate = unit_winner(linyi, name="候选企业", state=ApplicationState.CANDIDATE)
    page = reverse("decisions:items", kwargs={"edition_id": linyi.pk})
    record = reverse("decisions:item_record", kwargs={"pk": unit.pk})
    data = {"kind": K.PLAQUE, "issued_on": "2026-10-08"}

    for url in (page, record):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert client.post(record, data).status_code == 302
    for role in (Role.APPLICANT, Role.EXPERT, Role.DISTRICT_COORDINATOR, Role.AUDITOR):
        login(make_user(role))
        assert client.get(page).status_code == 403
        assert client.get(record).status_code == 403
        assert client.post(record, data).status_code == 403
    login(unit.owner)
    assert client.post(record, data).status_code == 403
    login(office)
    assert client.get(reverse("decisions:items", kwargs={"edition_id": 999999})).status_code == 404
    assert client.get(reverse("decisions:item_record", kwargs={"pk": candidate.pk})).status_code == 404
    assert client.get(reverse("decisions:item_record", kwargs={"pk": 999999})).status_code == 404
    assert not IssuedItem.objects.exists()


# --- the winner's view ----------------------------------------------------------------------------------------


@pytest.fixture
def rendered_certificate(office):
    def render(application):
        certificate = certificate_issue(application=application, by=office)
        Certificate.objects.filter(pk=certificate.pk).update(
            pdf=f"certificates/{certificate.token}.pdf", rendered_at=timezone.now()
        )
        certificate.refresh_from_db()
        return certificate

    return render


def test_my_items_shows_own_items_and_certificate_link(linyi, office, login, rendered_certificate):
    mine = unit_winner(linyi, name="临沂钢铁有限公司")
    other = unit_winner(linyi, name="临沂化工有限公司")
    certificate = rendered_certificate(mine)
    other_certificate = rendered_certificate(other)
    _record(mine, office, K.AWARD_MONEY, amount="300000", paid_on=date(2026, 10, 20))
    _record(other, office, K.TROPHY, issued_on=date(2026, 10, 8))

    with translation.override("en"):
        response = login(mine.owner).get(reverse("decisions:my_items"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.application.pk for row in rows] == [mine.pk]
    assert [(c.kind, c.status) for c in rows[0].cells] == [
        (K.CERTIFICATE, "issued"),
        (K.PLAQUE, "pending"),
        (K.TROPHY, "pending"),
        (K.AWARD_MONEY, "paid"),
    ]
    html = response.content.decode()
    assert reverse("decisions:certificate_download", kwargs={"pk": certificate.pk}) in html
    assert reverse("decisions:certificate_download", kwargs={"pk": other_certificate.pk}) not in html
    assert "临沂化工有限公司" not in html
    assert "300,000.00 yuan on 2026-10-20" in html


def test_my_items_colleague_of_winning_unit_sees_them(linyi, office, login, make_user):
    mine = unit_winner(linyi)
    colleague = make_user(Role.APPLICANT, organisation=mine.organisation)

    response = login(colleague).get(reverse("decisions:my_items"))

    assert [row.application.pk for row in response.context["rows"]] == [mine.pk]


def test_my_items_certificate_not_rendered_no_link(linyi, office, login):
    mine = unit_winner(linyi)
    certificate = certificate_issue(application=mine, by=office)

    response = login(mine.owner).get(reverse("decisions:my_items"))

    assert response.status_code == 200
    assert reverse("decisions:certificate_download", kwargs={"pk": certificate.pk}) not in response.content.decode()
    assert response.context["rows"][0].cells[0].status == "rendering"


def test_my_items_non_winner_sees_nothing(linyi, login):
    candidate = unit_winner(linyi, state=ApplicationState.CANDIDATE)

    response = login(candidate.owner).get(reverse("decisions:my_items"))

    assert (response.status_code, response.context["rows"]) == (200, [])


def test_my_items_query_count_constant(office, login, make_user):
    user = make_user(Role.APPLICANT)
    editions = iter(range(2000, 2100))

    def load(count: int) -> int:
        for _n in range(count):
            edition = make_edition("linyi-mayor", year=next(editions))
            application = unit_winner(edition, name=f"临沂企业{edition.year}")
            type(application).objects.filter(pk=application.pk).update(owner=user)
            certificate_issue(application=application, by=office)
            _record(application, office, K.TROPHY, issued_on=date(2026, 10, 8))
        client = login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("decisions:my_items"))
        assert response.status_code == 200
        return len(queries), len(response.context["rows"])

    one, rows_one = load(1)
    twenty, rows_twenty = load(19)

    assert (rows_one, rows_twenty) == (1, 20)
    assert one == twenty


def test_my_application_items_own_and_outsiders(linyi, office, client, login, make_user):
    mine = unit_winner(linyi)
    other = unit_winner(linyi, name="临沂化工有限公司")
    url = reverse("decisions:my_application_items", kwargs={"pk": mine.pk})
    other_url = reverse("decisions:my_application_items", kwargs={"pk": other.pk})

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("decisions:my_items"))["Location"].startswith(reverse("accounts:login"))

    login(mine.owner)
    own = client.get(url)
    assert own.status_code == 200
    assert [row.application.pk for row in own.context["rows"]] == [mine.pk]
    assert client.get(other_url).status_code == 404
    refusal = AuditEvent.objects.get(action=AuditAction.PERMISSION_REFUSED, actor=mine.owner)
    assert refusal.detail == f"items of applications.Application #{other.pk} are outside the user's scope"
    assert client.get(reverse("decisions:my_application_items", kwargs={"pk": 999999})).status_code == 404

    for role in (Role.OFFICE_STAFF, Role.EXPERT, Role.DISTRICT_COORDINATOR):
        login(make_user(role))
        assert client.get(url).status_code == 403
        assert client.get(reverse("decisions:my_items")).status_code == 403


# --- two office staff at once (real row locks need PostgreSQL) -------------------------------------------------

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_issued_item_record_concurrent_records_leave_one_row(make_user):
    edition = make_edition("linyi-mayor")
    application = unit_winner(edition)
    staff = [make_user(Role.OFFICE_STAFF) for _ in range(4)]
    errors, barrier = [], threading.Barrier(len(staff))

    def run(user, amount):
        try:
            barrier.wait(timeout=10)
            issued_item_record(
                application=application, kind=K.AWARD_MONEY, by=user, amount=amount, paid_on=date(2026, 10, 20)
            )
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(user, f"{n}0000")) for n, user in enumerate(staff, start=1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert IssuedItem.objects.filter(application=application, kind=K.AWARD_MONEY).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="decisions.IssuedItem").count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="decisions.IssuedItem").count() == 3


# --- how the award money was used (Weihai art. 19, Linyi art. 21) ------------------------------------------------


def _purpose(edition, text):
    from decisions.models import AwardMoneyPurpose

    return AwardMoneyPurpose.objects.get(rulebook=edition.rulebook, text=text)


def _use(item, by, purpose, **fields):
    from decisions.items import award_money_use_record

    values = {"amount": "50000", "used_on": date(2026, 10, 20)} | fields
    with translation.override("en"):
        return award_money_use_record(item=item, purpose=purpose, by=by, **values)


@pytest.mark.parametrize(
    ("code", "article", "purposes"),
    [
        pytest.param(
            "weihai-mayor",
            "第十九条",
            ["质量持续改进", "质量攻关", "标准制定", "技术攻关", "科技研发", "人员培训", "实验室建设", "经验推广宣传"],
            id="W19-weihai-art19-purposes-of-award-money",
        ),
        pytest.param(
            "linyi-mayor",
            "第二十一条",
            [
                "质量持续改进",
                "质量攻关",
                "标准制定",
                "技术攻关",
                "科技研发",
                "人员培训",
                "实验室建设投入",
                "经验推广宣传",
            ],
            id="L21-linyi-art21-purposes-of-award-money",
        ),
        pytest.param("zibo-leading", None, [], id="zibo-gives-no-award-money-no-purposes"),
    ],
)
def test_award_money_purposes_are_rulebook_data(code, article, purposes):
    from decisions.models import AwardMoneyPurpose

    rows = AwardMoneyPurpose.objects.filter(rulebook__scheme__code=code).order_by("position")
    assert [p.text for p in rows] == purposes
    assert {p.article for p in rows} == ({article} if article else set())


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("weihai-mayor", id="W19-weihai-art19-use-recorded-with-audit"),
        pytest.param("linyi-mayor", id="L21-linyi-art21-use-recorded-with-audit"),
    ],
)
def test_award_money_use_recorded_against_a_listed_purpose(office, code):
    from decisions.items import money_used_as_required

    edition = make_edition(code)
    unit = unit_winner(edition)
    money = _record(unit, office, K.AWARD_MONEY, amount="200000", paid_on=date(2026, 10, 10))
    use = _use(money, office, _purpose(edition, "质量攻关"), amount="50000.50")
    _use(money, office, _purpose(edition, "人员培训"), amount="20000")
    assert (use.amount, use.used_on, use.recorded_by) == (Decimal("50000.50"), date(2026, 10, 20), office)
    assert money_used_as_required(money) == Decimal("70000.50")
    audit = AuditEvent.objects.filter(object_type="decisions.AwardMoneyUse", action=AuditAction.CREATE).order_by("pk")[
        0
    ]
    assert audit.detail == "award money use 质量攻关 50000.50 on 2026-10-20"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        pytest.param(
            {"amount": "150000.01"},
            {"amount": ["Uses of 200000.01 yuan would exceed the 200000.00 yuan paid."]},
            id="W19-weihai-art19-uses-beyond-the-money-paid-refused",
        ),
        pytest.param(
            {"used_on": date(2026, 10, 9)},
            {"used_on": ["The date 2026-10-09 is before the money was paid (2026-10-10)."]},
            id="W19-weihai-art19-use-before-payment-refused",
        ),
        pytest.param(
            {"used_on": date(2026, 11, 3)},
            {"used_on": ["The date 2026-11-03 is in the future."]},
            id="W19-weihai-art19-use-in-future-refused",
        ),
        pytest.param({"amount": "0"}, {"amount": ["The amount must be more than zero."]}, id="W19-weihai-art19-zero"),
    ],
)
def test_award_money_use_bad_inputs_refused(weihai, office, fields, errors):
    unit = unit_winner(weihai)
    money = _record(unit, office, K.AWARD_MONEY, amount="200000", paid_on=date(2026, 10, 10))
    _use(money, office, _purpose(weihai, "标准制定"))
    with pytest.raises(ValidationError) as excinfo:
        _use(money, office, _purpose(weihai, "技术攻关"), **fields)
    assert _errors(excinfo) == errors


@pytest.mark.parametrize(
    "code", [pytest.param("weihai-mayor", id="W19-weihai-art19-purpose-of-another-rulebook-refused-citing-art19")]
)
def test_award_money_use_purpose_not_listed_refused_citing_the_article(office, code):
    edition = make_edition(code)
    unit = unit_winner(edition)
    money = _record(unit, office, K.AWARD_MONEY, amount="200000", paid_on=date(2026, 10, 10))
    linyi_purpose = _purpose(make_edition("linyi-mayor", 2025), "实验室建设投入")
    with pytest.raises(ValidationError) as excinfo:
        _use(money, office, linyi_purpose)
    [message] = _errors(excinfo)["purpose"]
    assert "第十九条" in message and "实验室建设" in message and "经验推广宣传" in message


def test_award_money_use_refused_outside_office_and_on_other_items(linyi, office, make_user):
    unit = unit_winner(linyi)
    money = _record(unit, office, K.AWARD_MONEY, amount="1000", paid_on=date(2026, 10, 10))
    trophy = _record(unit, office, K.TROPHY, issued_on=date(2026, 10, 10))
    with pytest.raises(PermissionDenied):
        _use(money, unit.owner, _purpose(linyi, "质量攻关"), amount="10")
    with pytest.raises(ValidationError) as excinfo:
        _use(trophy, office, _purpose(linyi, "质量攻关"), amount="10")
    assert _errors(excinfo) == {NON_FIELD_ERRORS: ["Uses are recorded only against award money paid."]}
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_REFUSED, actor=unit.owner).count() == 1


@pytest.mark.parametrize("code", [pytest.param("weihai-mayor", id="W19-weihai-art19-uses-page-from-the-issued-item")])
def test_money_uses_page_records_a_use_with_evidence(office, login, code):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.applications.conftest import pdf_bytes

    edition = make_edition(code)
    unit = unit_winner(edition)
    money = _record(unit, office, K.AWARD_MONEY, amount="200000", paid_on=date(2026, 10, 10))
    client = login(office)
    record_page = client.get(reverse("decisions:item_record", kwargs={"pk": unit.pk})).content.decode()
    url = reverse("decisions:money_uses", kwargs={"pk": money.pk})
    assert url in record_page
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "第十九条" in html and "经验推广宣传" in html
    response = client.post(
        url,
        {
            "purpose": _purpose(edition, "科技研发").pk,
            "amount": "80000",
            "used_on": "2026-10-25",
            "description": "研发项目",
            "evidence": SimpleUploadedFile("invoice.pdf", pdf_bytes(), content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    use = money.uses.get()
    assert (use.purpose.text, use.amount, use.evidence_name) == ("科技研发", Decimal("80000.00"), "invoice.pdf")
    page = client.get(url)
    assert page.context["account"].not_used_as_required == Decimal("120000.00")
    evidence = client.get(reverse("decisions:money_use_evidence", kwargs={"pk": money.pk, "use_pk": use.pk}))
    assert evidence.status_code == 200
    assert b"".join(evidence.streaming_content) == pdf_bytes()
    evidence.close()


def test_money_uses_page_outsiders_and_query_count(linyi, office, client, login, make_user):
    unit = unit_winner(linyi)
    money = _record(unit, office, K.AWARD_MONEY, amount="200000", paid_on=date(2026, 10, 10))
    trophy = _record(unit, office, K.TROPHY, issued_on=date(2026, 10, 10))
    url = reverse("decisions:money_uses", kwargs={"pk": money.pk})
    assert client.get(url).status_code == 302
    for role in (Role.APPLICANT, Role.EXPERT, Role.AUDITOR):
        login(make_user(role))
        assert client.get(url).status_code == 403
    login(office)
    assert client.get(reverse("decisions:money_uses", kwargs={"pk": trophy.pk})).status_code == 404
    assert client.get(reverse("decisions:money_uses", kwargs={"pk": 999999})).status_code == 404

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _use(money, office, _purpose(linyi, "质量攻关"), amount="100")
    few = queries()
    for _n in range(30):
        _use(money, office, _purpose(linyi, "质量攻关"), amount="100")
    assert queries() == few
