"""A whole Linyi round in the browser for an individual (临沂市市长质量奖管理办法, arts. 13–18): a person registers and
applies; the county recommends; several departments sign off the qualification check (art. 15); experts score the
material review, the on-site review and the oral defence; the office records the social satisfaction survey
(art. 16); the office proposes the candidate list, the review committee's plenary votes on it, the leading group
approves, the list is published for 5 working days (art. 17); the city government approves and announces (art. 18);
the winner's certificate verifies as valid.

Every step is done by its person in headless Chromium, logged in as themselves; only the staff accounts (the three
department accounts bound to their departments among them) and the open edition are configuration made here, and
only the notice's end is passed outside the browser (the sweep)."""

import pytest

from tests.browser import rounds as r

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PERSON = "王质量"
# Art. 15 names nine departments; the office lists the three that sign for this edition on the sign-off page.
DEPARTMENTS = ["市发改委", "市人社局", "市质监局"]


def test_browser_linyi_individual_from_registration_to_verified_certificate(page, tmp_path):
    r.start()
    edition = r.open_edition("linyi-mayor")
    office = r.office_user("office-linyi", "孙主任")
    coordinator = r.coordinator_of("371302", "lanshan-coordinator", "兰山区 赵协调")
    signers = [r.department_account(f"dept-{i}", name, "371300") for i, name in enumerate(DEPARTMENTS)]
    li = r.expert("expert-li", "李专家", "临沂大学", fields=["质量管理"])
    report = r.write_pdf(tmp_path, "自我评价报告.pdf")

    # Art. 14: the person registers and applies with the county's signed recommendation.
    r.register_individual(
        page,
        username="linyi-wang",
        full_name=PERSON,
        employer="临沂鲁南制药集团有限公司",
        district="兰山区",
        since="2008-07-01",
        phone="13905390000",
    )
    application, number = r.apply(
        page,
        edition=edition,
        category="individual",
        texts={
            "summary": "从事药品质量管理工作十八年，主持建立全过程质量追溯体系。",
            "contributions": "主导制定行业标准两项，推动企业获评省级质量标杆。",
        },
        report=report,
    )
    assert number == f"LY-{edition.year}-0001"
    r.logout(page)
    r.coordinator_recommends(page, coordinator, application, number, "该同志长期扎根质量一线，成绩突出，同意推荐。")

    # The office sets up the review stages and starts the review of every recommended application of the edition.
    r.login(page, office.username)
    r.open_stage_list(page)
    stages = {
        "qualification_check": r.office_sets_up_stage(page, edition, "qualification_check"),
        "material_review": r.office_sets_up_stage(page, edition, "material_review", sheet="individual-quality-person"),
        "onsite_review": r.office_sets_up_stage(page, edition, "onsite_review", sheet="individual-quality-person"),
        "oral_defence": r.office_sets_up_stage(page, edition, "oral_defence", sheet="individual-quality-person"),
        "satisfaction_survey": r.office_sets_up_stage(page, edition, "satisfaction_survey"),
    }
    r.office_sets_departments(page, stages["qualification_check"], DEPARTMENTS)
    r.office_starts_review_of_edition(page, edition, [application])
    r.logout(page)

    # Art. 15: each department signs off for itself; the last approval passes the check.
    for user, name in zip(signers, DEPARTMENTS, strict=True):
        r.department_signs(page, user, application, name, f"{name}审核：符合条件。")

    # Art. 15, second paragraph: material review, on-site review, oral defence.
    r.login(page, office.username)
    r.office_assigns(page, stages["material_review"], application, expected=1)
    r.logout(page)
    assert r.expert_scores(page, li, application) == "74.5"
    r.login(page, office.username)
    r.close_stage_and_pass(page, stages["material_review"], application, top=1)
    r.office_assigns(page, stages["onsite_review"], application, expected=1)
    r.schedule_visit(page, stages["onsite_review"], application, [li], "临沂鲁南制药集团质量管理部")
    r.logout(page)
    r.expert_scores(page, li, application, share=0.8)
    r.login(page, office.username)
    r.close_stage_and_pass(page, stages["onsite_review"], application, score=60)
    r.office_assigns(page, stages["oral_defence"], application, expected=1)
    r.schedule_defence(page, stages["oral_defence"], [application], "临沂市市场监管局会议中心")
    r.logout(page)
    r.expert_scores(page, li, application, share=0.8)

    # Art. 16: the social satisfaction survey, then the suggested candidate list.
    r.login(page, office.username)
    r.close_stage_and_pass(page, stages["oral_defence"], application, top=1)
    r.gate_records(page, stages["satisfaction_survey"], application, "pass", "社会满意度测评良好。", score="92.5")
    r.propose_candidate_list(page, edition, application)
    r.record_step(page, edition, "candidate_list")
    # Art. 9: the office forms the review committee (one chair, vice chairs, an odd number of members in all).
    # Its members' pool accounts are fixtures made only now, so that the review stages' assignment above drew
    # from the one review expert alone.
    roles = ["chair", "vice_chair", "vice_chair"] + ["member"] * 6
    committee = [(r.expert(f"committee-{i}", f"委员{i}", "临沂大学"), role) for i, role in enumerate(roles)]
    r.office_forms_committee(page, edition, committee)
    # The review committee's plenary: 9 members, 7 present (quorum two thirds), 6 for, 1 against.
    r.record_step(
        page,
        edition,
        "review_committee",
        minutes="评审委全体会议审议建议候选名单，形成建议拟获奖名单。",
        plenary=(9, 7, {application: (6, 1, 0)}),
    )
    r.record_step(page, edition, "leading_group", minutes="领导小组审定拟获奖名单。")
    r.publish_notice(page, edition, "对公示名单有异议的，请于公示期内向强市办反映，电话 0539-8000000。")
    r.logout(page)

    page.goto("/public/notices/")
    page.locator("a[href^='/public/notices/']").filter(has_text="临沂").first.click()
    assert page.get_attribute("#notice", "data-open") == "1"
    assert PERSON in page.locator("#notice-entries").inner_text()

    assert r.notice_sweep_after_end(edition) == 1

    # Art. 18: the city government approves and announces.
    document = r.write_pdf(tmp_path, "临政字〔2026〕50号.pdf")
    r.login(page, office.username)
    r.approve_all(page, edition, "government_approval", document_number="临政字〔2026〕50号", document=document)
    r.announce(page, edition, document_number="临政发〔2026〕12号", document=document)
    assert set(r.board_status(page).values()) == {"done"}
    r.logout(page)

    r.winner_downloads_and_verifies(page, "linyi-wang", application, winner=PERSON, title="临沂市市长质量奖")
    r.fail_on_deferred()
