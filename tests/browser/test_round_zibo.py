"""A whole Zibo round in the browser (淄博市质量领军企业（人物）选树办法, arts. 12–19): a unit registers and applies;
its district pre-selects it; the office forms the edition's supervision group; the third-party agency runs the
public-opinion and qualification checks and arranges the site visit and the defence session while experts score
the material review, the on-site review and the oral defence; a member of the supervision group files an opinion,
the office answers it and records the group's opinions as taken into account before it proposes the candidate list
(art. 17); the leading group fixes the proposed list, which is published for 5 working days (art. 18); the city
government approves and publishes it (art. 19); the winner's certificate verifies as valid.

Every step is done by its person in headless Chromium, logged in as themselves; only the staff accounts (the agency
account bound to its agency, the supervisors' accounts) and the open edition are configuration made here, and only
the notice's end is passed outside the browser (the sweep)."""

import pytest

from tests.browser import rounds as r
from tests.factories import make_credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

UNIT = "淄博齐鲁新材料股份有限公司"
OPINION = "建议核实该企业近三年环保处罚情况后再列入候选名单。"


def test_browser_zibo_unit_with_supervision_opinions_to_verified_certificate(page, tmp_path):
    r.start()
    edition = r.open_edition("zibo-leading")
    office = r.office_user("office-zibo", "周主任")
    coordinator = r.coordinator_of("370303", "zhangdian-coordinator", "张店区 钱协调")
    agency_user, agency = r.agency_account("agency-qilu", "齐鲁评价 吴经理", "山东齐鲁质量评价中心有限公司", "370303")
    deputy = r.supervisor_account("supervisor-deputy", "人大代表 郑监督")
    journalist = r.supervisor_account("supervisor-journalist", "记者 冯监督")
    sun = r.expert("expert-sun", "孙专家", "山东理工大学", industries=["化学原料和化学制品制造业"])
    report = r.write_pdf(tmp_path, "自我评价报告.pdf")

    # Art. 15: the unit applies to its district.
    r.register_unit(
        page,
        username="zibo-qilu",
        name=UNIT,
        credit_code=make_credit_code(division="370303"),
        district="张店区",
        industry="化学原料和化学制品制造业",
        founded_on="2009-05-20",
        contact="陈质量",
        phone="13905330000",
    )
    application, number = r.apply(
        page,
        edition=edition,
        category="unit",
        texts={
            "summary": "本公司主营高性能新材料，员工八百人。",
            "quality_management": "导入卓越绩效管理模式，通过质量、环境、职业健康安全体系认证。",
            "main_indicators": "近三年主要产品质量指标居全省前列。",
        },
        report=report,
    )
    assert number == f"ZB-{edition.year}-0001"
    r.logout(page)
    r.coordinator_recommends(page, coordinator, application, number, "经初选，该企业质量管理水平领先，同意上报。")

    # The office: the review stages, run by the third-party agency (art. 16), and the supervision group (art. 12).
    r.login(page, office.username)
    r.open_stage_list(page)
    sheet = "gbt19580-2012-unit"
    stages = {
        "public_opinion": r.office_sets_up_stage(page, edition, "public_opinion", run_by=agency),
        "qualification_check": r.office_sets_up_stage(page, edition, "qualification_check", run_by=agency),
        "material_review": r.office_sets_up_stage(page, edition, "material_review", sheet=sheet, run_by=agency),
        "onsite_review": r.office_sets_up_stage(page, edition, "onsite_review", sheet=sheet, run_by=agency),
        "oral_defence": r.office_sets_up_stage(page, edition, "oral_defence", sheet=sheet, run_by=agency),
    }
    r.office_forms_supervision_group(
        page,
        edition,
        [
            ("deputy", "郑监督", "淄博市人大常委会", deputy),
            ("journalist", "冯监督", "淄博日报社", journalist),
        ],
    )
    r.office_starts_review(page, application, number)
    r.logout(page)

    # Art. 16: the agency's public-opinion check and qualification check, from its own worklist.
    r.login(page, agency_user.username)
    r.gate_records(page, stages["public_opinion"], application, "pass", "舆情调查未见负面信息。", agency=True)
    r.gate_records(page, stages["qualification_check"], application, "pass", "资格审查合格。", agency=True)
    r.logout(page)

    # The material review.
    r.login(page, office.username)
    r.office_assigns(page, stages["material_review"], application, expected=1)
    r.logout(page)
    r.expert_scores(page, sun, application)
    r.login(page, office.username)
    r.close_stage_and_pass(page, stages["material_review"], application, score=700)
    r.office_assigns(page, stages["onsite_review"], application, expected=1)
    r.logout(page)

    # The on-site review: the agency arranges the visit, the expert scores after it.
    r.login(page, agency_user.username)
    r.schedule_visit(page, stages["onsite_review"], application, [sun], "淄博市张店区新材料产业园", agency=True)
    r.logout(page)
    r.expert_scores(page, sun, application, share=0.8)
    r.login(page, office.username)
    r.close_stage_and_pass(page, stages["onsite_review"], application, top=1)
    r.office_assigns(page, stages["oral_defence"], application, expected=1)
    r.logout(page)

    # The oral defence.
    r.login(page, agency_user.username)
    r.schedule_defence(page, stages["oral_defence"], [application], "淄博市市场监管局答辩室", agency=True)
    r.logout(page)
    r.expert_scores(page, sun, application, share=0.8)
    r.login(page, office.username)
    r.close_stage_and_pass(page, stages["oral_defence"], application, top=1)
    r.logout(page)

    # Art. 17: the supervision group's opinions, answered and taken into account.
    r.supervisor_files_opinion(page, deputy, edition, OPINION)
    r.login(page, office.username)
    r.office_answers_opinion(page, edition, OPINION, "已函询市生态环境局，该企业近三年无环保处罚记录。")
    r.record_step(
        page,
        edition,
        "supervision_opinions",
        minutes="监督小组意见一条：核实环保处罚情况；经核实无处罚记录，予以采纳。",
    )
    r.propose_candidate_list(page, edition, application)
    r.record_step(page, edition, "candidate_list")
    r.record_step(page, edition, "leading_group", minutes="领导小组审议并确定拟选树名单。")
    r.publish_notice(page, edition, "对公示名单有异议的，请于公示期内向市质量强市办书面反映，电话 0533-3100000。")
    r.logout(page)

    page.goto("/public/notices/")
    page.locator("a[href^='/public/notices/']").filter(has_text="淄博").first.click()
    assert page.get_attribute("#notice", "data-open") == "1"
    assert UNIT in page.locator("#notice-entries").inner_text()

    assert r.notice_sweep_after_end(edition) == 1

    # Art. 19: the city government approves and publishes.
    document = r.write_pdf(tmp_path, "淄政字〔2026〕80号.pdf")
    r.login(page, office.username)
    r.approve_all(page, edition, "government_approval", document_number="淄政字〔2026〕80号", document=document)
    r.announce(page, edition, document_number="淄政发〔2026〕9号", document=document)
    assert set(r.board_status(page).values()) == {"done"}
    r.logout(page)

    r.winner_downloads_and_verifies(page, "zibo-qilu", application, winner=UNIT, title="淄博市质量领军企业")
    r.fail_on_deferred()
