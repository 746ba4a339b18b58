"""A whole Weihai round in the browser (威海市市长质量奖认定办法, arts. 13–16): a unit registers and applies; its
district recommends it; the office's review group runs the public-opinion check, the qualification check, the
material review, the on-site review and the oral defence (experts score each on GB/T 19580); the office proposes
the candidate list and publishes it for 5 working days before the leading group decides (art. 15); the city
government approves and announces; the winner's certificate verifies as valid.

Every step is done by its person in headless Chromium, logged in as themselves; only the staff accounts and the
open edition are configuration made here, and only the notice's end is passed outside the browser (the sweep)."""

import pytest

from tests.browser import rounds as r
from tests.factories import make_credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

UNIT = "威海环翠精工机械有限公司"
REVIEW_STAGES = ["public_opinion", "qualification_check", "material_review", "onsite_review", "oral_defence"]


def test_browser_weihai_unit_from_registration_to_verified_certificate(page, tmp_path):
    r.start()
    edition = r.open_edition("weihai-mayor")
    office = r.office_user()
    coordinator = r.coordinator_of("371002", "huancui-coordinator", "环翠区 王协调")
    zhang = r.expert("expert-zhang", "张专家", "山东大学", industries=["通用设备制造业"], fields=["设备制造"])
    report = r.write_pdf(tmp_path, "自评报告.pdf", pages=2)

    # Art. 13: the unit registers, fills the form, writes its self-evaluation report and submits to its district.
    r.register_unit(
        page,
        username="weihai-jinggong",
        name=UNIT,
        credit_code=make_credit_code(),
        district="环翠区",
        industry="通用设备制造业",
        founded_on="2012-03-15",
        contact="刘质量",
        phone="13906310000",
    )
    application, number = r.apply(
        page,
        edition=edition,
        category="unit",
        texts={
            "summary": "本公司主营精密机械，员工三百人。",
            "quality_management": "全面推行卓越绩效模式，建立质量管理体系。",
            "main_indicators": "近三年产品一次交验合格率 99.9%。",
        },
        report=report,
    )
    assert number == f"WH-{edition.year}-0001"
    r.logout(page)

    # Art. 13: the district reviews and signs its recommendation opinion.
    r.coordinator_recommends(page, coordinator, application, number, "该单位质量管理成效显著，同意推荐。")

    # Art. 14: the office's review group. First the office sets up the five review stages of the edition.
    r.login(page, office.username)
    r.open_stage_list(page)
    stages = {
        "public_opinion": r.office_sets_up_stage(page, edition, "public_opinion"),
        "qualification_check": r.office_sets_up_stage(page, edition, "qualification_check"),
        "material_review": r.office_sets_up_stage(page, edition, "material_review", sheet="gbt19580-2012-unit"),
        "onsite_review": r.office_sets_up_stage(page, edition, "onsite_review", sheet="gbt19580-2012-unit"),
        "oral_defence": r.office_sets_up_stage(page, edition, "oral_defence", sheet="gbt19580-2012-unit"),
    }
    assert page.locator("#stages-table tr[data-edition-stage]").count() == 5
    r.office_starts_review(page, application, number)
    r.gate_records(page, stages["public_opinion"], application, "pass", "舆情调查未见负面报道。")
    r.gate_records(page, stages["qualification_check"], application, "pass", "符合第十条各项条件。")
    r.office_assigns(page, stages["material_review"], application, expected=1)
    r.logout(page)

    # Material review against GB/T 19580.
    total = r.expert_scores(page, zhang, application)
    assert total == "749.5"

    r.login(page, office.username)
    r.close_stage_and_pass(page, stages["material_review"], application, top=1)
    r.office_assigns(page, stages["onsite_review"], application, expected=1)
    r.schedule_visit(page, stages["onsite_review"], application, [zhang], "威海市环翠区工业园精工路 8 号")
    r.logout(page)

    r.expert_scores(page, zhang, application, share=0.8)

    r.login(page, office.username)
    r.close_stage_and_pass(page, stages["onsite_review"], application, score=700)
    r.office_assigns(page, stages["oral_defence"], application, expected=1)
    r.schedule_defence(page, stages["oral_defence"], [application], "威海市市场监管局三楼会议室")
    r.logout(page)

    r.expert_scores(page, zhang, application, share=0.8)

    # Art. 15: the office proposes the candidate list and publishes it for 5 working days first.
    r.login(page, office.username)
    r.close_stage_and_pass(page, stages["oral_defence"], application, top=1)
    r.propose_candidate_list(page, edition, application)
    r.record_step(page, edition, "candidate_list")
    r.publish_notice(page, edition, "对公示对象有异议的，请于公示期内向市强市办书面反映，电话 0631-5200000。")
    r.logout(page)

    page.goto("/public/notices/")
    page.locator("a[href^='/public/notices/']").filter(has_text="威海").first.click()
    assert page.get_attribute("#notice", "data-open") == "1"
    assert UNIT in page.locator("#notice-entries").inner_text()

    # The clock passes the notice's end; the periodic sweep moves the names on to the leading group.
    assert r.notice_sweep_after_end(edition) == 1

    # Art. 15-16: the leading group deliberates, the city government agrees and announces.
    plaque = r.write_pdf(tmp_path, "威政字〔2026〕100号.pdf")
    r.login(page, office.username)
    r.record_step(page, edition, "leading_group", minutes="领导小组审议通过认定名单。")
    r.approve_all(page, edition, "government_approval", document_number="威政字〔2026〕100号", document=plaque)
    r.announce(page, edition, document_number="威政发〔2026〕30号", document=plaque)
    assert set(r.board_status(page).values()) == {"done"}
    r.logout(page)

    r.winner_downloads_and_verifies(page, "weihai-jinggong", application, winner=UNIT, title="威海市市长质量奖")
    r.fail_on_deferred()
