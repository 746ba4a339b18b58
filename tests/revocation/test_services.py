"""Cases from open to decision, and every consequence of a revocation."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from applications.eligibility import check_eligibility
from applications.enums import ApplicationState
from applications.models import Application, ApplicationTransition
from applications.selectors import applicant_facts
from awards.enums import EligibilityKind
from decisions.certificates import REVOKED, certificate_issue, verification_status
from decisions.models import IssuedItem
from revocation import services
from revocation.enums import CaseSource, RecoveryState
from revocation.models import CaseEvent, RevocationCase
from tests.applications.conftest import pdf_bytes
from tests.decisions import individual_winner, make_edition, unit_winner

from .conftest import DECIDED_ON, case_at, cites, ground

pytestmark = pytest.mark.django_db
PDF = pdf_bytes()


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- opening ---------------------------------------------------------------------------------------------


def test_case_open_by_office_starts_opened_with_timeline_and_audit(winner, office):
    case = services.case_open(
        application=winner,
        source=CaseSource.QUALITY_INSPECTION,
        by=office,
        summary="质量稽查发现问题",
        ground=ground("weihai-mayor", "第二十七条", 4),
    )
    assert (case.state, case.source, case.opened_by, case.ground.number) == ("opened", "quality_inspection", office, 4)
    assert case.reference.startswith(f"R{timezone.localdate().year}-")
    assert list(case.events.values_list("from_state", "to_state", "body")) == [("", "opened", "市强市办")]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="revocation.RevocationCase").count() == 1


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(CaseSource.SPECIAL_EVALUATION, id="W26-weihai-art26-special-evaluation"),
        pytest.param(CaseSource.OPINION_SURVEY, id="W26-weihai-art26-opinion-survey"),
        pytest.param(CaseSource.QUALITY_INSPECTION, id="W26-weihai-art26-quality-inspection"),
        pytest.param(CaseSource.MEDIA_EXPOSURE, id="W26-weihai-art26-media-exposure"),
    ],
)
def test_case_open_from_each_source_the_office_collects(winner, office, source):
    case = services.case_open(application=winner, source=source, by=office, summary="收集到的信息")
    assert (case.state, case.source, case.events.get().body) == ("opened", source, "市强市办")


def test_case_open_refuses_non_office_with_audit(winner, make_user):
    applicant = make_user(Role.APPLICANT)
    with pytest.raises(PermissionDenied):
        services.case_open(application=winner, source=CaseSource.MEDIA_EXPOSURE, by=applicant, summary="x")
    assert RevocationCase.objects.count() == 0
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_REFUSED, actor=applicant).count() == 1


def test_case_open_periodic_evaluation_accepts_the_evaluating_service(make_user):
    zibo = make_edition("zibo-leading", 2025)
    holder = unit_winner(zibo, name="淄博陶瓷有限公司")
    evaluator = make_user(Role.EXPERT)
    rule = ground("zibo-leading", "第三十条", 1)
    case = services.case_open(
        application=holder, source=CaseSource.PERIODIC_EVALUATION, by=evaluator, summary="定期评估不合格", ground=rule
    )
    assert (case.state, case.ground, case.opened_by) == ("opened", rule, evaluator)


def test_case_open_refuses_an_award_not_held(weihai, office):
    approved = unit_winner(weihai, state=ApplicationState.APPROVED)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.case_open(application=approved, source=CaseSource.MEDIA_EXPOSURE, by=office, summary="x")
    assert error.value.messages == ["Only a current award can be the subject of a revocation case."]


def test_case_open_refuses_a_ground_of_another_scheme_or_category(winner, office):
    for wrong in (ground("linyi-mayor", "第二十八条", 1), ground("weihai-mayor", "第二十八条", 1, "individual")):
        with pytest.raises(ValidationError) as error:
            services.case_open(
                application=winner, source=CaseSource.MEDIA_EXPOSURE, by=office, summary="x", ground=wrong
            )
        assert list(error.value.error_dict) == ["ground"]


def test_case_open_refuses_unknown_source_and_empty_facts(winner, office):
    with pytest.raises(ValidationError) as error:
        services.case_open(application=winner, source="rumour", by=office, summary="x")
    assert list(error.value.error_dict) == ["source"]
    with pytest.raises(ValidationError) as error:
        services.case_open(application=winner, source=CaseSource.MEDIA_EXPOSURE, by=office, summary="  ")
    assert list(error.value.error_dict) == ["summary"]


def test_report_file_awaits_office_with_reporter_and_evidence(winner, rf):
    request = rf.post("/revocation/report/", REMOTE_ADDR="203.0.113.9")
    request.user = __import__("django.contrib.auth.models", fromlist=["AnonymousUser"]).AnonymousUser()
    case = services.report_file(
        application=winner,
        full_name="张三",
        contact="13800000000",
        facts="该企业产品多次抽检不合格",
        evidence=pdf(),
        request=request,
    )
    assert (case.state, case.source, case.reporter_name, case.reporter_contact, case.reporter_addr) == (
        "awaiting",
        "public_report",
        "张三",
        "13800000000",
        "203.0.113.9",
    )
    assert [(e.name, e.size, e.uploaded_by) for e in case.evidence.all()] == [("evidence.pdf", len(PDF), None)]
    assert case.opened_by is None


# --- steps -----------------------------------------------------------------------------------------------


@cites("W27d-weihai-art27-office-proposes-city-government-revokes")
def test_steps_run_in_order_each_by_the_body_the_scheme_names(winner, office):
    case = case_at("revoked", application=winner, office=office)
    assert list(case.events.values_list("from_state", "to_state", "body")) == [
        ("", "opened", "市强市办"),
        ("opened", "investigating", "市强市办"),
        ("investigating", "proposed", "市强市办"),
        ("proposed", "revoked", "市政府"),
    ]
    assert (case.decided_by_body, case.decision_number, case.decided_on) == ("市政府", "威政字〔2026〕88号", DECIDED_ON)


@cites("L28c-linyi-art28-leading-group-asks-city-government")
def test_linyi_decision_is_recorded_for_the_city_government_on_the_leading_groups_proposal(office):
    linyi = make_edition("linyi-mayor", 2025)
    holder = unit_winner(linyi, name="临沂机械有限公司", awarded_on=date(2025, 9, 1))
    case = case_at("revoked", application=holder, office=office)
    assert list(case.events.values_list("body", flat=True)) == ["质量强市工作领导小组"] * 3 + ["市政府"]


def test_confirm_opens_an_awaiting_case(winner, office):
    case = services.report_file(application=winner, full_name="张三", contact="138", facts="事实")
    case = services.case_confirm(case=case, by=office, comment="受理")
    assert case.state == "opened"
    assert case.events.last().comment == "受理"


def test_step_out_of_order_is_refused(winner, office):
    case = case_at("opened", application=winner, office=office)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.case_revoke(case=case, by=office, document_number="1", decided_on=DECIDED_ON)
    assert error.value.messages == ["Only a proposed revocation can be decided."]
    with pytest.raises(ValidationError):
        services.case_confirm(case=case, by=office)


def test_propose_needs_ground_and_findings(winner, office):
    case = case_at("investigating", application=winner, office=office)
    with pytest.raises(ValidationError) as error:
        services.case_propose(case=case, by=office, ground=None, findings="x")
    assert list(error.value.error_dict) == ["ground"]
    with pytest.raises(ValidationError) as error:
        services.case_propose(case=case, by=office, ground=ground("weihai-mayor", "第二十七条", 1), findings=" ")
    assert list(error.value.error_dict) == ["findings"]


@pytest.mark.parametrize("step", ["case_confirm", "case_investigate"])
def test_steps_refuse_non_office_with_audit(winner, office, make_user, step):
    case = case_at("opened", application=winner, office=office)
    auditor = make_user(Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        getattr(services, step)(case=case, by=auditor)
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_REFUSED, actor=auditor).count() == 1


# --- the decision ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "decided_on", "field"),
    [
        pytest.param("", DECIDED_ON, "document_number", id="no-document-number"),
        pytest.param("威政字〔2026〕88号", None, "decided_on", id="no-date"),
        pytest.param("威政字〔2026〕88号", "tomorrow", "decided_on", id="future-date"),
        pytest.param("威政字〔2026〕88号", date(2025, 9, 27), "decided_on", id="before-the-award"),
    ],
)
def test_revoke_requires_document_number_and_a_proper_date(winner, office, number, decided_on, field):
    case = case_at("proposed", application=winner, office=office)
    if decided_on == "tomorrow":
        decided_on = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.case_revoke(case=case, by=office, document_number=number, decided_on=decided_on)
    assert list(error.value.error_dict) == [field]
    winner.refresh_from_db()
    assert (winner.state, winner.revoked_on) == ("awarded", None)


@cites("W27c-weihai-art27-recovers-plaque-and-money-citing-art27")
def test_revoke_carries_out_every_consequence(winner, office, make_user):
    IssuedItem.objects.create(
        application=winner,
        kind="award_money",
        amount=Decimal("200000.00"),
        paid_on=date(2025, 10, 10),
        recorded_by=office,
    )
    IssuedItem.objects.create(application=winner, kind="plaque", issued_on=date(2025, 10, 10), recorded_by=office)
    certificate = certificate_issue(application=winner, by=office)
    case = case_at(
        "revoked", application=winner, office=office, reporter_ground=ground("weihai-mayor", "第二十七条", 2)
    )

    winner.refresh_from_db()
    assert (winner.state, winner.revoked_on, winner.revocation_document) == (
        "revoked",
        DECIDED_ON,
        "威政字〔2026〕88号",
    )
    assert winner.revocation_ground.startswith("第二十七条第（二）项 发生重大质量、生产安全、环境污染")
    last = ApplicationTransition.objects.filter(application=winner).last()
    assert (last.from_state, last.to_state, last.actor) == ("awarded", "revoked", office)
    # Weihai art. 27: the plaque and the award money are taken back; the unit's certificate is not listed. No use
    # of the money was recorded, so all of it is due.
    assert sorted(case.recovery.values_list("kind", "article", "amount_issued", "amount_used", "amount_due")) == [
        ("award_money", "第二十七条", Decimal("200000.00"), Decimal("0.00"), Decimal("200000.00")),
        ("plaque", "第二十七条", None, None, None),
    ]
    assert set(case.recovery.values_list("state", flat=True)) == {"pending"}
    status, found = verification_status(certificate.token)
    assert (status, found.application.revoked_on) == (REVOKED, DECIDED_ON)


@cites("W27c-weihai-art28-individual-certificate-and-money-citing-art28")
def test_revoke_an_individual_recovers_certificate_and_money(weihai, office):
    person = individual_winner(weihai)
    case = case_at("revoked", application=person, office=office)
    assert sorted(case.recovery.values_list("kind", "article")) == [
        ("award_money", "第二十八条"),
        ("certificate", "第二十八条"),
    ]
    assert case.ground.article == "第二十八条"


def _paid(application, office, amount: str):
    return IssuedItem.objects.create(
        application=application,
        kind="award_money",
        amount=Decimal(amount),
        paid_on=date(2025, 10, 10),
        recorded_by=office,
    )


def _use(item, office, purpose: str, amount: str):
    from decisions.items import award_money_use_record
    from decisions.models import AwardMoneyPurpose

    return award_money_use_record(
        item=item,
        purpose=AwardMoneyPurpose.objects.get(rulebook=item.application.edition.rulebook, text=purpose),
        amount=amount,
        used_on=date(2026, 3, 1),
        by=office,
    )


@pytest.mark.parametrize(
    ("uses", "used", "due"),
    [
        pytest.param([], "0.00", "200000.00", id="W27c-weihai-art27-nothing-used-all-recovered"),
        pytest.param(
            [("质量攻关", "50000"), ("人员培训", "30000.50")],
            "80000.50",
            "119999.50",
            id="W27c-weihai-art27-recovers-only-money-not-used-as-required",
        ),
        pytest.param(
            [("质量持续改进", "120000"), ("经验推广宣传", "80000")],
            "200000.00",
            "0.00",
            id="W27c-weihai-art27-all-used-as-required-nothing-due",
        ),
    ],
)
def test_revoke_recovers_only_the_money_not_used_as_required(winner, office, uses, used, due):
    item = _paid(winner, office, "200000.00")
    for purpose, amount in uses:
        _use(item, office, purpose, amount)
    case = case_at("revoked", application=winner, office=office)
    money = case.recovery.get(kind="award_money")
    assert (money.article, money.amount_issued, money.amount_used, money.amount_due) == (
        "第二十七条",
        Decimal("200000.00"),
        Decimal(used),
        Decimal(due),
    )


@cites("W27c-weihai-art27-recovered-amount-capped-at-money-not-used")
def test_recovery_of_more_than_the_money_not_used_is_refused(winner, office):
    item = _paid(winner, office, "200000.00")
    _use(item, office, "标准制定", "150000")
    case = case_at("revoked", application=winner, office=office)
    money = case.recovery.get(kind="award_money")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.recovery_update(
            item=money,
            by=office,
            state=RecoveryState.RECOVERED,
            done_on=date(2026, 11, 1),
            amount_recovered=Decimal("200000.00"),
        )
    assert error.value.message_dict["amount_recovered"] == [
        "Only the money not used as required is recovered: at most 50000.00 yuan (第二十七条)."
    ]


# --- Zibo: the leading group proposes (第十条第（三）项), the procedure is left to separate rules (第二十九条) ----


def _zibo_case(office):
    zibo = make_edition("zibo-leading", 2025)
    holder = unit_winner(zibo, name="淄博精密制造有限公司", awarded_on=date(2025, 9, 1))
    return services.case_open(
        application=holder, source=CaseSource.PERIODIC_EVALUATION, by=office, summary="定期评估不符合条件"
    )


@cites("Z29-zibo-art29-procedure-unconfirmed-refuses-every-step")
def test_zibo_steps_refused_until_the_office_confirms_the_procedure(office):
    case = _zibo_case(office)
    for step in (
        lambda: services.case_investigate(case=case, by=office),
        lambda: services.case_dismiss(case=case, by=office, reason="不成立"),
    ):
        with pytest.raises(ValidationError) as error:
            step()
        [message] = error.value.messages
        assert "第二十九条" in message and "撤销程序" in message
    case.refresh_from_db()
    assert (case.state, case.events.count()) == ("opened", 1)


@cites("Z30-zibo-art10-leading-group-proposes-once-procedure-confirmed")
def test_zibo_case_runs_once_the_procedure_is_confirmed(office):
    from awards.confirmations import REVOCATION_PROCEDURE, office_set_value_confirm
    from awards.models import OfficeSetValue

    case = _zibo_case(office)
    value = OfficeSetValue.objects.get(rulebook=case.application.edition.rulebook, key=REVOCATION_PROCEDURE)
    office_set_value_confirm(value=value, by=office, basis="淄博市质量领军企业（人物）撤销办法（市质量强市办印发）")
    case = case_at("revoked", application=case.application, office=office)
    assert list(case.events.values_list("to_state", "body")) == [
        ("opened", "市质量强市工作领导小组"),
        ("investigating", "市质量强市工作领导小组"),
        ("proposed", "市质量强市工作领导小组"),
        ("revoked", "市质量强市办"),
    ]
    assert case.ground.citation == "第三十条"


def test_revoke_twice_is_refused(winner, office):
    case = case_at("revoked", application=winner, office=office)
    with pytest.raises(ValidationError):
        services.case_revoke(case=case, by=office, document_number="x", decided_on=DECIDED_ON)
    assert ApplicationTransition.objects.filter(application=winner, to_state="revoked").count() == 1


def test_second_case_cannot_revoke_an_award_already_revoked(winner, office):
    first = case_at("proposed", application=winner, office=office)
    second = case_at("proposed", application=winner, office=office)
    services.case_revoke(case=first, by=office, document_number="A", decided_on=DECIDED_ON)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.case_revoke(case=second, by=office, document_number="B", decided_on=DECIDED_ON)
    assert error.value.messages == ["Only a current award can be the subject of a revocation case."]
    winner.refresh_from_db()
    assert winner.revocation_document == "A"


def test_revoke_with_decision_document_file(winner, office):
    case = case_at("proposed", application=winner, office=office)
    case = services.case_revoke(
        case=case, by=office, document_number="威政字〔2026〕9号", decided_on=DECIDED_ON, document=pdf("决定.pdf")
    )
    assert case.decision_file_name == "决定.pdf"
    assert case.decision_file.name.startswith(f"revocation/{case.pk}/decision-")


def test_dismiss_before_proposal_needs_only_a_reason(winner, office):
    case = case_at("investigating", application=winner, office=office)
    case = services.case_dismiss(case=case, by=office, reason="查无实据")
    assert (case.state, case.findings, case.decision_number) == ("dismissed", "查无实据", "")
    winner.refresh_from_db()
    assert winner.state == "awarded"


def test_dismiss_a_proposed_case_needs_the_decision_document(winner, office):
    case = case_at("proposed", application=winner, office=office)
    with pytest.raises(ValidationError) as error:
        services.case_dismiss(case=case, by=office, reason="市政府未同意")
    assert sorted(error.value.error_dict) == ["decided_on", "document_number"]
    case = services.case_dismiss(
        case=case, by=office, reason="市政府未同意", document_number="威政字〔2026〕90号", decided_on=DECIDED_ON
    )
    assert (case.state, case.decided_by_body, case.events.last().body) == ("dismissed", "市政府", "市政府")


# --- recovery --------------------------------------------------------------------------------------------


def test_recovery_tracked_until_done(winner, office):
    case = case_at("revoked", application=winner, office=office)
    money = case.recovery.get(kind="award_money")
    with pytest.raises(ValidationError) as error:
        services.recovery_update(item=money, by=office, state=RecoveryState.RECOVERED, done_on=date(2026, 11, 1))
    assert list(error.value.error_dict) == ["amount_recovered"]
    services.recovery_update(
        item=money,
        by=office,
        state=RecoveryState.RECOVERED,
        done_on=date(2026, 11, 1),
        amount_recovered=Decimal("150000.00"),
        note="已收回未使用部分",
    )
    plaque = case.recovery.get(kind="plaque")
    with pytest.raises(ValidationError) as error:
        services.recovery_update(item=plaque, by=office, state=RecoveryState.WAIVED, done_on=date(2026, 11, 2))
    assert list(error.value.error_dict) == ["note"]
    services.recovery_update(item=plaque, by=office, state=RecoveryState.RECOVERED, done_on=date(2026, 11, 2))
    assert sorted(case.recovery.values_list("kind", "state", "done_on", "amount_recovered")) == [
        ("award_money", "recovered", date(2026, 11, 1), Decimal("150000.00")),
        ("plaque", "recovered", date(2026, 11, 2), None),
    ]
    assert AuditEvent.objects.filter(object_type="revocation.RecoveryItem", action=AuditAction.UPDATE).count() == 2


# --- the ban (Weihai art. 29), enforced by the eligibility engine from the revocation date -----------------


@pytest.mark.parametrize(
    ("on", "banned"),
    [
        pytest.param(date(2031, 10, 14), True, id="weihai-第二十九条-day-before-5th-anniversary-of-revocation-refused"),
        pytest.param(date(2031, 10, 15), False, id="weihai-第二十九条-5th-anniversary-of-revocation-may-apply"),
    ],
)
def test_ban_runs_five_years_from_the_revocation_date(winner, office, on, banned):
    case_at("revoked", application=winner, office=office)
    later = make_edition("weihai-mayor", 2031)
    draft = Application(
        edition=later,
        category=winner.category,
        owner=winner.owner,
        organisation=winner.organisation,
        applicant_key=winner.applicant_key,
        recommender=winner.recommender,
    )
    with translation.override("en"):
        failures = check_eligibility(edition=later, facts=applicant_facts(application=draft), on=on)
    bans = [f for f in failures if f.kind == EligibilityKind.REVOCATION_BAN_YEARS]
    assert [(f.article, "may apply again from 2031-10-15" in f.message) for f in bans] == (
        [("第二十九条", True)] if banned else []
    )


def test_case_event_is_append_only(winner, office):
    event = case_at("opened", application=winner, office=office).events.get()
    with pytest.raises(PermissionError):
        event.save()
    assert CaseEvent.objects.count() == 1
