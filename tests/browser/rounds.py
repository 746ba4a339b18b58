"""Steps shared by the three whole-round browser tests (tests/browser/test_round_*.py): every person logs in as
themselves, reaches their page from the dashboard or the links of the pages, does their step, logs out.

Only configuration is made outside the browser: the staff accounts (``office_user``, ``coordinator_of``,
``department_account``, ``agency_account``, ``supervisor_account``, ``expert``) and an edition open for applications
today (``open_edition``). The one step a test does outside the browser is ``notice_sweep_after_end``: the clock moves
past the public notice's end and the sweep runs with ``now`` at that end, as the periodic task does then.

Two stand-ins remain, both named: the verification address is read from the certificate the winner downloaded,
because it is printed only as the QR code a person scans (``winner_downloads_and_verifies``); and a step no page
offers yet is done by a stand-in recorded in ``DEFERRED``, and the test then fails at its end naming it
(``fail_on_deferred``), as it does for a link it had to type (``MISSING_LINKS``).

Selectors are ids, data- attributes and form field names, so the steps do not depend on the wording of the
zh-Hans catalogue; where a step asserts text, it is the Chinese the page shows.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import District
from awards.models import Edition, Rulebook
from reviews.models import ExpertProfile
from tests.applications.conftest import make_coordinator, make_edition, pdf_bytes
from tests.factories import TEST_PASSWORD, UserFactory

APPLICATION_ID = re.compile(r"/applications/(\d+)/")
BOARD_ID = re.compile(r"/reviews/stages/(\d+)/")


def today() -> date:
    """The portal's today: the date in Beijing time (the stages and decisions are dated by it)."""
    return timezone.localdate()


def url_exists(name: str, *args) -> bool:
    try:
        reverse(name, args=args)
    except NoReverseMatch:
        return False
    return True


def missing(what: str) -> None:
    """A step whose page is not in the portal yet: the test fails here, naming the missing piece."""
    pytest.fail(f"Not doable in the browser yet: {what}")


# --- configuration made by fixtures -----------------------------------------------------------------------------


def open_edition(code: str) -> Edition:
    """An edition of `code` open for applications today (configuration). A rulebook whose validity ended before
    today (Linyi's 2017 rules, Zibo's 2021 rules) is taken as extended by the city until 2028: the office would load
    the rules in force, and their stages, quotas and conditions are the same data."""
    rulebook = Rulebook.objects.get(scheme__code=code)
    if rulebook.valid_until is not None and rulebook.valid_until < today() + timedelta(days=60):
        Rulebook.objects.filter(pk=rulebook.pk).update(valid_until=date(2028, 12, 31))
    return make_edition(code)


def department_account(username: str, name: str, region_code: str):
    """A qualification-department account bound to its department (configuration, like the other staff)."""
    from accounts.models import Department

    department, _created = Department.objects.get_or_create(name=name, region=District.objects.get(code=region_code))
    return UserFactory(
        username=username, display_name=f"{name} 审核员", roles=[Role.QUALIFICATION_DEPARTMENT], department=department
    )


def agency_account(username: str, name: str, agency_name: str, district_code: str):
    """A third-party agency's account bound to its agency (configuration)."""
    from tests.factories import OrganisationFactory

    agency = OrganisationFactory(name=agency_name, district=District.objects.get(code=district_code))
    user = UserFactory(username=username, display_name=name, roles=[Role.AGENCY_STAFF], agency=agency)
    return user, agency


def supervisor_account(username: str, name: str):
    return UserFactory(username=username, display_name=name, roles=[Role.SUPERVISOR])


def expert(username: str, full_name: str, employer: str, *, industries=(), fields=()) -> ExpertProfile:
    user = UserFactory(username=username, display_name=full_name, roles=[Role.EXPERT])
    return ExpertProfile.objects.create(
        user=user, full_name=full_name, employer_name=employer, industries=list(industries), fields=list(fields)
    )


def office_user(username: str = "office-chen", name: str = "陈主任"):
    return UserFactory(username=username, display_name=name, roles=[Role.OFFICE_STAFF], is_staff=True)


def coordinator_of(district_code: str, username: str, name: str):
    return make_coordinator(district_code, username=username, display_name=name)


def write_pdf(tmp_path, name: str, pages: int = 1) -> str:
    path = tmp_path / name
    path.write_bytes(pdf_bytes(pages=pages))
    return str(path)


# --- logging in and out, navigation ----------------------------------------------------------------------------


def login(page, username: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-button")
    page.wait_for_url("**/accounts/dashboard/")


def logout(page) -> None:
    page.locator("a.dropdown-toggle:has(i.bi-person-circle)").click()
    page.click("#logout-button")
    page.wait_for_url("**/accounts/login/")


def dashboard(page) -> None:
    page.locator("nav a.nav-link[href='/accounts/dashboard/']").click()
    page.wait_for_url("**/accounts/dashboard/")


def nav(page, url_name: str, *args) -> None:
    """Click the navigation bar's link to `url_name` (opening its drop-down menu first)."""
    url = reverse(url_name, args=args)
    link = page.locator(f"nav a[href='{url}']").first
    if not link.is_visible():
        page.locator("nav li.dropdown", has=page.locator(f"a[href='{url}']")).locator(".dropdown-toggle").click()
    link.click()
    page.wait_for_url(f"**{url}")


def dashboard_link(page, role: Role, url_name: str, *args, what: str) -> None:
    """From the dashboard, follow the card of `role` to `url_name`; where the card has no such link yet, open the
    page by its address and leave a note (the final report lists them)."""
    dashboard(page)
    url = reverse(url_name, args=args)
    link = page.locator(f"[data-role={role.value}] a[href^='{url}']").first
    if link.count():
        link.click()
    else:
        # TODO link: the dashboard card of this role has no link to this page yet.
        MISSING_LINKS.append(f"dashboard card of {role.value} → {url_name} ({what})")
        page.goto(url)
    page.wait_for_url(f"**{url}*")


MISSING_LINKS: list[str] = []
# Steps that no page offers yet, done by a stand-in so that the rest of the round still runs; the test fails at its
# end naming each (``fail_on_deferred``).
DEFERRED: list[str] = []


def start() -> None:
    """At the start of a round: nothing deferred or missing yet."""
    DEFERRED.clear()
    MISSING_LINKS.clear()


def fail_on_deferred() -> None:
    """At the end of a round: fail, naming every step that needed a stand-in and every link that was missing."""
    problems = list(dict.fromkeys(DEFERRED)) + [f"no link: {note}" for note in dict.fromkeys(MISSING_LINKS)]
    if problems:
        missing("; ".join(problems))


def goto_todo_link(page, url: str, note: str) -> None:
    """A page reached by its address because no page links to it yet (reported at the end)."""
    # TODO link
    MISSING_LINKS.append(note)
    page.goto(url)


def expect_alert_success(page) -> None:
    assert page.locator(".alert-success[role=alert]").count() >= 1, page.locator(".alert").all_inner_texts()


# --- the applicant ----------------------------------------------------------------------------------------------


def register_unit(
    page,
    *,
    username: str,
    name: str,
    credit_code: str,
    district: str,
    industry: str,
    founded_on: str,
    contact: str,
    phone: str,
) -> None:
    page.goto("/accounts/login/")
    page.click("#register-link")
    page.wait_for_url("**/register/")
    page.click("#register-unit")
    page.wait_for_url("**/register/unit/")
    page.fill("#id_username", username)
    page.fill("#id_password1", "Harbour#Light2026")
    page.fill("#id_password2", "Harbour#Light2026")
    page.fill("#id_email", f"{username}@example.cn")
    page.fill("#id_phone", phone)
    page.fill("#id_organisation_name", name)
    page.fill("#id_credit_code", credit_code)
    page.select_option("#id_district", label=district)
    page.fill("#id_industry", industry)
    page.fill("#id_founded_on", founded_on)
    page.fill("#id_operating_since", founded_on)
    page.fill("#id_contact_name", contact)
    page.fill("#id_contact_phone", phone)
    page.click("#register-button")
    page.wait_for_url("**/applications/")


def register_individual(
    page, *, username: str, full_name: str, employer: str, district: str, since: str, phone: str
) -> None:
    page.goto("/accounts/login/")
    page.click("#register-link")
    page.wait_for_url("**/register/")
    page.click("#register-individual")
    page.wait_for_url("**/register/individual/")
    page.fill("#id_username", username)
    page.fill("#id_password1", "Harbour#Light2026")
    page.fill("#id_password2", "Harbour#Light2026")
    page.fill("#id_email", f"{username}@example.cn")
    page.fill("#id_phone", phone)
    page.fill("#id_full_name", full_name)
    page.fill("#id_employer_name", employer)
    page.fill("#id_position", "质量总监")
    page.select_option("#id_district", label=district)
    page.fill("#id_quality_work_since", since)
    page.click("#register-button")
    page.wait_for_url("**/applications/")


APPLICANT_PASSWORD = "Harbour#Light2026"


def apply(page, *, edition, category: str, texts: dict[str, str], report: str) -> tuple[int, str]:
    """From "my applications": start an application to `edition`, fill the form, declare, upload the
    self-evaluation report and submit. Returns the application's id (from the address) and the number the page
    shows."""
    page.click(f"[data-edition='{edition.pk}'] button.start-application[data-category={category}]")
    page.wait_for_url(re.compile(r".*/applications/\d+/edit/$"))
    for name, text in texts.items():
        page.fill(f"#id_{name}", text)
    declarations = "#application-form input[type=checkbox][name$=_declared], #application-form input[name=declared]"
    for box in page.locator(declarations).all():
        box.check()
    page.set_input_files("#id_file_self_evaluation", report)
    page.set_input_files("#id_file_evidence", report)  # the rulebook's required materials include evidence
    page.click("#submit-button")
    page.wait_for_url(re.compile(r".*/applications/\d+/$"))
    assert page.get_attribute("#application", "data-state") == "submitted", page.locator(".alert").all_inner_texts()
    number = page.locator("h1 small").inner_text().strip()
    return int(APPLICATION_ID.search(page.url).group(1)), number


def coordinator_recommends(page, coordinator, application_id: int, number: str, opinion: str) -> None:
    login(page, coordinator.username)
    page.click("#inbox-link")
    page.wait_for_url("**/applications/inbox/")
    row = page.locator(f"tr[data-application='{application_id}']")
    assert row.locator("[data-state]").get_attribute("data-state") == "submitted"
    row.get_by_role("link", name=number).click()
    page.wait_for_url(f"**/applications/{application_id}/")
    page.fill("#id_opinion", opinion)
    page.click("#recommend-button")
    page.wait_for_selector("#application[data-state=recommended]")
    assert page.locator("#history tr[data-to=recommended]").count() == 1
    logout(page)


# --- the office: review stages ----------------------------------------------------------------------------------


def stage_pk(edition, kind: str) -> int:
    return edition.rulebook.stages.get(kind=kind).pk


def office_sets_up_stage(
    page,
    edition,
    kind: str,
    *,
    experts: int = 1,
    sheet: str | None = None,
    days_before: int = 3,
    days: int = 30,
    run_by=None,
) -> int:
    """From the review stages list: set up the stage `kind` of `edition`, open from a few days ago. Returns the
    edition stage's id (from the board it lands on)."""
    page.click("#stage-create-link")
    page.wait_for_url("**/reviews/stages/new/")
    page.select_option("#id_edition", str(edition.pk))
    page.select_option("#id_stage", str(stage_pk(edition, kind)))
    page.fill("#id_opens", (today() - timedelta(days=days_before)).isoformat())
    page.fill("#id_sheets_due", (today() + timedelta(days=days)).isoformat())
    page.fill("#id_experts_per_application", str(experts))
    if run_by is not None:
        if page.locator("#id_run_by").count():
            page.select_option("#id_run_by", str(run_by.pk))
        else:
            DEFERRED.append(
                "the office cannot give a review stage to its third-party agency on any page: the stage set-up form "
                "(reviews:stage_create) has no “run by” field, and EditionStage.run_by is set only by "
                "seed_demo_roles; the test set it with a queryset update to go on"
            )
    if sheet is not None:
        from reviews.models import ScoreSheetTemplate

        page.select_option("#id_score_sheet", label=str(ScoreSheetTemplate.objects.get(code=sheet)))
    page.click("#stage-create-button")
    page.wait_for_url(BOARD_ID)
    edition_stage = int(page.get_attribute("#board", "data-edition-stage"))
    assert page.locator(".alert-success[role=alert]").count() == 1
    if run_by is not None and not page.locator("#id_run_by").count():
        from reviews.models import EditionStage

        # Stand-in for the missing field (see DEFERRED): the test fails at its end naming it.
        EditionStage.objects.filter(pk=edition_stage).update(run_by=run_by)
    # Back to the list, for the next one.
    page.locator(".breadcrumb a[href='/reviews/stages/']").click()
    page.wait_for_url("**/reviews/stages/")
    assert page.locator(f"#stages-table tr[data-edition-stage='{edition_stage}']").count() == 1
    return edition_stage


def open_stage_list(page) -> None:
    """The review stages list: by the breadcrumb of the review page the office is on, else from the dashboard."""
    crumb = page.locator(".breadcrumb a[href='/reviews/stages/']")
    if crumb.count():
        crumb.first.click()
    else:
        dashboard(page)
        page.click("#stage-board-link")
    page.wait_for_url("**/reviews/stages/")


def office_forms_committee(page, edition, members: list[tuple[ExpertProfile, str]]) -> int:
    """The office forms the edition's review committee from the stage list's "review bodies" link, seats the
    members in their roles and confirms it. Confirming is first tried one member short: a Linyi committee of an
    even size is refused (art. 9) and the page says why; the last member is then seated and the confirmation
    goes through."""
    open_stage_list(page)
    page.locator(f"a.bodies-link[href='/reviews/editions/{edition.pk}/bodies/']").first.click()
    page.wait_for_url(f"**/reviews/editions/{edition.pk}/bodies/")
    page.select_option("#body-kind", "review_committee")
    page.fill("#body-name", "评审委员会")
    page.click("#body-create-button")
    body = page.locator("section[data-body]").first
    body_pk = int(body.get_attribute("data-body"))

    def seat(expert, role):
        page.select_option(f"#expert-{body_pk}", str(expert.pk))
        page.select_option(f"#role-{body_pk}", role)
        page.click(f"button[data-seat='{body_pk}']")
        page.wait_for_selector(f"section[data-body='{body_pk}'] tr[data-member='{expert.pk}']")

    *first, last = members
    for expert, role in first:
        seat(expert, role)
    page.click(f"button[data-confirm-body='{body_pk}']")
    assert "第九条" in page.locator(".alert-danger, [data-problems]").first.inner_text()
    assert page.get_attribute(f"section[data-body='{body_pk}']", "data-confirmed") == "false"
    seat(*last)
    page.click(f"button[data-confirm-body='{body_pk}']")
    assert page.get_attribute(f"section[data-body='{body_pk}']", "data-confirmed") == "true"
    if page.locator(f"button[data-approve-body='{body_pk}']").count():  # Linyi art. 7(四): the leading group approves
        page.fill(f"#approved-on-{body_pk}", timezone.localdate().isoformat())
        page.fill(f"#approval-document-{body_pk}", "质量强市工作领导小组会议纪要")
        page.click(f"button[data-approve-body='{body_pk}']")
        assert page.get_attribute(f"section[data-body='{body_pk}']", "data-approved") == "true"
    return body_pk


def open_board(page, edition_stage: int) -> None:
    open_stage_list(page)
    page.click(f"#stages-table tr[data-edition-stage='{edition_stage}'] a.board-link")
    page.wait_for_url(f"**/reviews/stages/{edition_stage}/")


def open_record_page(page, edition_stage: int) -> None:
    """From the review stages list to the stage's record page (gate, visits, defence)."""
    open_stage_list(page)
    page.click(f"#stages-table tr[data-edition-stage='{edition_stage}'] a.record-link")
    page.wait_for_url(f"**/reviews/stages/{edition_stage}/*/")


def open_worklist(page) -> None:
    """The office's worklist of applications, from the dashboard."""
    if not url_exists("office:applications"):
        missing(
            "the office worklist `office:applications` with its “start review” action (helper “worklist”): "
            "nothing in the portal moves a recommended application into the review"
        )
    dashboard_link(page, Role.OFFICE_STAFF, "office:applications", what="office worklist")


def office_starts_review(page, application_id: int, number: str) -> None:
    """The office's worklist: open the recommended application's page and start its review there."""
    open_worklist(page)
    row = page.locator(f"#worklist-table tr[data-application='{application_id}']")
    assert row.get_attribute("data-state") == "recommended"
    row.get_by_role("link", name=number).click()
    page.wait_for_url(f"**/office/applications/{application_id}/*")
    assert page.get_attribute("#dossier", "data-state") == "recommended"
    page.click("#start-review")
    page.wait_for_selector("#dossier[data-state=in_review]")
    expect_alert_success(page)


def office_starts_review_of_edition(page, edition, application_ids: list[int]) -> None:
    """The office's worklist, filtered to the edition: start the review of all its recommended applications."""
    open_worklist(page)
    page.select_option("#id_edition", str(edition.pk))
    with page.expect_navigation():
        page.locator("form.portal-filter button[type=submit]").click()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#start-review-edition")
    assert "alert-success" in page.get_attribute("#bulk-result", "class")
    assert page.locator("#bulk-refused").count() == 0
    for pk in application_ids:
        assert page.get_attribute(f"#worklist-table tr[data-application='{pk}']", "data-state") == "in_review"


def _open_record(page, edition_stage: int, agency: bool) -> None:
    if agency:
        open_agency_record_page(page, edition_stage)
    else:
        open_record_page(page, edition_stage)


def gate_records(
    page, edition_stage: int, application_id: int, outcome: str, note: str, score=None, *, agency: bool = False
) -> None:
    """On the stage's gate page (the office's, or the agency's from its own worklist): record `outcome` (pass,
    fail or noted) for the application."""
    _open_record(page, edition_stage, agency)
    assert page.get_attribute("#gate", "data-can-record") == "true"
    row = page.locator(f"#gate-pending .gate-row[data-application='{application_id}']")
    prefix = f"gate-{application_id}"
    row.locator(f"input[name='{prefix}-outcome'][value={outcome}]").check()
    row.locator(f"[name='{prefix}-note']").fill(note)
    if score is not None:
        row.locator(f"[name='{prefix}-score']").fill(str(score))
    row.locator("button[type=submit]").click()
    page.wait_for_selector(f"#gate-records tr[data-application='{application_id}'][data-outcome={outcome}]")
    expect_alert_success(page)


def office_assigns(page, edition_stage: int, application_id: int, expected: int) -> None:
    """The stage board: run the optimal assignment; the application gets its experts."""
    open_board(page, edition_stage)
    assert page.get_attribute("#board", "data-can-assign") == "true"
    page.click("#assign-optimal")
    page.wait_for_selector("#board[data-can-assign=false]")
    assert page.get_attribute(f"#board-applications tr[data-application='{application_id}']", "data-assigned") == str(
        expected
    )


def schedule_visit(
    page, edition_stage: int, application_id: int, team: list[ExpertProfile], place: str, *, agency: bool = False
) -> None:
    _open_record(page, edition_stage, agency)
    page.select_option("#id_application", str(application_id))
    page.fill("#id_scheduled_on", today().isoformat())
    page.fill("#id_place", place)
    for member in team:
        page.check(f"input[name=team][value='{member.pk}']")
    page.fill("#id_checklist", "核查质量管理体系运行记录\n查看生产现场\n访谈一线员工")
    page.click("#visit-button")
    page.wait_for_selector(f"#visit-list tr[data-application='{application_id}']")
    assert page.get_attribute(f"#visit-list tr[data-application='{application_id}']", "data-date") == (
        today().isoformat()
    )


def schedule_defence(page, edition_stage: int, application_ids: list[int], place: str, *, agency: bool = False) -> None:
    """A session that started a little earlier today (sheets may be submitted once it has been held)."""
    _open_record(page, edition_stage, agency)
    starts = timezone.localtime() - timedelta(minutes=30)
    if starts.date() != today():
        starts = timezone.localtime().replace(hour=0, minute=1)
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", place)
    page.select_option("#id_applications", [str(pk) for pk in application_ids])
    page.click("#defence-button")
    page.wait_for_selector("#defence-list tr[data-session]")
    for pk in application_ids:
        assert page.locator(f"#defence-list [data-application='{pk}']").count() == 1


def close_stage_and_pass(page, edition_stage: int, application_id: int, *, top: int | None = None, score=None) -> None:
    """The office closes a scored stage against its ranking and moves on those that pass: the top N, or all at or
    above a score, ticked by the page's own selection, then "close the stage and move on"."""
    if not url_exists("reviews:stage_progress", edition_stage):
        missing(
            "`reviews:stage_progress`, the page that closes a scored stage and moves on the applications that pass "
            "(helper “progress”): without it a scored stage can never be closed"
        )
    url = reverse("reviews:stage_progress", args=[edition_stage])
    open_board(page, edition_stage)
    link = page.locator(f"a[href='{url}']")
    if link.count():
        link.first.click()
    else:
        goto_todo_link(page, url, "reviews:board → reviews:stage_progress (close the stage and move on)")
    page.wait_for_url(f"**{url}")
    assert page.get_attribute("#progress", "data-closed") == "false"
    row = page.locator(f"#progress-table tr[data-application='{application_id}']")
    assert row.get_attribute("data-at-stage") == "true"
    if top is not None:
        page.check("#mode-top")
        page.fill("#id_top", str(top))
    else:
        page.check("#mode-score")
        page.fill("#id_min_score", str(score))
    with page.expect_navigation():
        page.click("#select-apply")
    assert row.get_attribute("data-passes") == "true"
    assert page.is_checked(f"#pass-{application_id}")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#close-stage")
    assert page.get_attribute("#progress", "data-closed") == "true", page.locator(".alert").all_inner_texts()
    expect_alert_success(page)


def office_sets_departments(page, edition_stage: int, names: list[str]) -> None:
    """The qualification check's page of department sign-offs: the office sets which departments sign."""
    open_board(page, edition_stage)
    page.click("#signoff-link")
    page.wait_for_url(f"**/reviews/stages/{edition_stage}/signoff/")
    page.fill("#departments-form textarea[name=names]", "\n".join(names))
    with page.expect_navigation():
        page.locator("#departments-form button[type=submit]").click()
    expect_alert_success(page)
    listed = page.locator("#department-list li[data-department]").evaluate_all(
        "items => items.map(i => i.dataset.department)"
    )
    assert listed == names


def department_signs(page, user, application_id: int, department: str, note: str) -> None:
    """A department's account: from "awaiting my signature" to the sign-off form of the application; approves."""
    login(page, user.username)
    assert department in page.locator("#dashboard-department").inner_text()
    page.click("#signatures-link")
    page.wait_for_url(f"**{reverse('reviews:signatures')}*")
    assert page.get_attribute("#my-department", "data-department") == department
    page.locator(f"#signatures-table tr[data-application='{application_id}'] a.sign-link").click()
    page.wait_for_url("**/signoff/*")
    row = page.locator(f".signoff-row[data-application='{application_id}']")
    prefix = f"signoff-{application_id}"
    row.locator(f"select[name='{prefix}-department']").select_option(department)
    row.locator(f"input[name='{prefix}-decision'][value=approve]").check()
    row.locator(f"[name='{prefix}-note']").fill(note)
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    expect_alert_success(page)
    signed = page.locator(f".signoff-row[data-application='{application_id}'] li[data-department='{department}']")
    assert signed.get_attribute("data-decision") == "approve"
    logout(page)


def open_agency_record_page(page, edition_stage: int) -> None:
    """An agency's account: from "stages my agency runs" to the stage's record page."""
    dashboard(page)
    page.click("#agency-stages-link")
    page.wait_for_url(f"**{reverse('reviews:agency_stages')}*")
    page.click(f"#agency-stages-table tr[data-edition-stage='{edition_stage}'] a.record-link")
    page.wait_for_url(f"**/reviews/stages/{edition_stage}/*/")


# --- the supervision group (Zibo art. 12, 17) -----------------------------------------------------------------


def office_forms_supervision_group(page, edition, members: list[tuple[str, str, str, object]]) -> None:
    """From the dashboard's supervision groups: set up the edition's group, appoint its members (kind, name,
    organisation, account) and confirm it."""
    dashboard(page)
    page.click("#supervision-groups-link")
    page.wait_for_url(f"**{reverse('aftercare:groups')}")
    url = reverse("aftercare:group", args=[edition.pk])
    page.locator(f"tr[data-edition='{edition.pk}'] a[href='{url}']").click()
    page.wait_for_url(f"**{url}")
    with page.expect_navigation():
        page.click("#group-create")
    expect_alert_success(page)
    for kind, name, organisation, user in members:
        page.select_option("#id_kind", kind)
        page.fill("#id_full_name", name)
        page.fill("#id_organisation_name", organisation)
        page.select_option("#id_user", str(user.pk))
        with page.expect_navigation():
            page.click("#member-button")
        expect_alert_success(page)
    with page.expect_navigation():
        page.click("#confirm-button")
    expect_alert_success(page)


def office_answers_opinion(page, edition, text: str, answer: str) -> None:
    """The office reads the group's opinions on the edition's group page and answers the one filed."""
    dashboard(page)
    page.click("#supervision-groups-link")
    page.wait_for_url(f"**{reverse('aftercare:groups')}")
    url = reverse("aftercare:group", args=[edition.pk])
    page.locator(f"tr[data-edition='{edition.pk}'] a[href='{url}']").click()
    page.wait_for_url(f"**{url}")
    opinion = page.locator("#opinions article[data-opinion]").filter(has_text=text)
    assert opinion.get_attribute("data-answered") == "false"
    opinion.locator("textarea[name=answer]").fill(answer)
    with page.expect_navigation():
        opinion.locator("button[type=submit]").click()
    expect_alert_success(page)
    opinion = page.locator("#opinions article[data-opinion]").filter(has_text=text)
    assert opinion.get_attribute("data-answered") == "true"
    assert answer in opinion.inner_text()


def supervisor_files_opinion(page, user, edition, text: str) -> None:
    """A member of the supervision group files an opinion from the dashboard."""
    login(page, user.username)
    page.click(f"[data-opinion-link='{edition.pk}']")
    page.wait_for_url(f"**{reverse('aftercare:opinion_new', args=[edition.pk])}")
    page.fill("#id_text", text)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('aftercare:group', args=[edition.pk])}")
    expect_alert_success(page)
    assert text in page.locator("main").inner_text()
    logout(page)


# --- experts ----------------------------------------------------------------------------------------------------


def expert_scores(page, expert: ExpertProfile, application_id: int, *, share: float = 0.75) -> str:
    """The expert logs in, declares no conflict for the application's assignment, fills every item at `share` of
    its points, rounded down to a half point (inside the 70–85 % band of GB/T 19580 for 0.75 and 0.8), and the
    strengths and opportunities where the sheet asks; submits. Returns the total shown."""
    login(page, expert.user.username)
    page.click("#review-queue-link")
    page.wait_for_url("**/reviews/")
    rows = page.locator("tr[data-assignment][data-state=to_declare]")
    assert rows.count() == 1, page.locator("tr[data-assignment]").evaluate_all("rows => rows.map(r => r.dataset.state)")
    assignment = rows.get_attribute("data-assignment")
    rows.locator(".declare-link").click()
    page.wait_for_url(f"**/reviews/assignments/{assignment}/declare/")
    page.click("#no-conflict-button")
    # Before an edition's first material the expert signs the rulebook's undertaking of confidentiality and
    # independence (Zibo art. 22, Weihai art. 24, Linyi art. 24); once signed it is not asked again.
    page.wait_for_url(re.compile(rf".*/reviews/(applications/{application_id}/|editions/\d+/undertaking/.*)$"))
    if "/undertaking/" in page.url:
        page.check("#undertaking-agree")
        page.click("#undertaking-sign-button")
        page.wait_for_url(f"**/reviews/applications/{application_id}/")
    page.click(f"#my-sheets [data-assignment='{assignment}'] .sheet-link")
    page.wait_for_url(f"**/reviews/assignments/{assignment}/sheet/")
    assert page.get_attribute("#score-sheet", "data-sheet-state") == "draft"
    # The expert types every item's points and the texts; typed through the page's own input events at once (one
    # keystroke per field would send an autosave per field, dozens per sheet), so the running total follows.
    page.evaluate(
        """([share, strengths, opportunities]) => {
            for (const box of document.querySelectorAll("#score-sheet input.score-points")) {
                box.value = String(Math.floor(Number(box.max) * share * 2) / 2);
                box.dispatchEvent(new Event("input", {bubbles: true}));
            }
            for (const area of document.querySelectorAll("#score-sheet textarea[data-part]")) {
                area.value = area.dataset.part === "strengths" ? strengths : opportunities;
                area.dispatchEvent(new Event("input", {bubbles: true}));
            }
        }""",
        [share, "领导作用突出，体系运行有效。", "建议加强数据分析与对标。"],
    )
    page.locator("#score-sheet textarea, #score-sheet input.score-points").last.focus()
    # Leaving the last field saves the draft in the background; the expert waits for "saved" before submitting
    # (the live server's in-memory SQLite refuses a second writer instead of waiting for it).
    page.locator("#score-sheet textarea, #score-sheet input.score-points").last.blur()
    page.wait_for_selector("#autosave-status[data-autosave=saved]")
    total = page.get_attribute("#running-total", "data-total")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#submit-button")
    assert page.get_attribute("#score-sheet", "data-sheet-state") == "submitted", page.locator(
        "#sheet-errors"
    ).all_inner_texts()
    assert page.get_attribute("#running-total", "data-total") == total
    logout(page)
    return total


# --- the decision chain -----------------------------------------------------------------------------------------


def open_decision_board(page, edition) -> None:
    dashboard(page)
    nav(page, "decisions:editions")
    page.locator(f"a[href='{reverse('decisions:board', args=[edition.pk])}']").click()
    page.wait_for_url(f"**{reverse('decisions:board', args=[edition.pk])}")


def board_status(page) -> dict[str, str]:
    return dict(
        page.locator("li[data-stage]").evaluate_all("items => items.map(i => [i.dataset.stage, i.dataset.status])")
    )


def open_current_step(page, edition, kind: str) -> None:
    open_decision_board(page, edition)
    assert board_status(page)[kind] == "current", board_status(page)
    page.locator(f"li[data-stage={kind}] a.btn").click()
    page.wait_for_url(f"**{reverse('decisions:step', args=[edition.pk, stage_pk(edition, kind)])}")


def propose_candidate_list(page, edition, application_id: int) -> None:
    """The ranking of the edition: propose the candidate list within the quotas."""
    open_stage_list(page)
    page.locator(f"a.ranking-link[href='{reverse('reviews:ranking', args=[edition.pk])}']").first.click()
    page.wait_for_url(f"**{reverse('reviews:ranking', args=[edition.pk])}")
    assert page.get_attribute(f"#ranking tr[data-application='{application_id}']", "data-rank") == "1"
    page.click("#propose-button")
    page.wait_for_url(f"**{reverse('reviews:candidates', args=[edition.pk])}")
    assert page.get_attribute(f"tr.candidate-line[data-application='{application_id}']", "data-tier") == "award"


def record_step(page, edition, kind: str, *, minutes: str = "", document_number: str = "", plenary=None) -> None:
    """Record the chain step `kind` from the decision board: the date (today), minutes, and for a plenary the members
    and each candidate's votes (`plenary`: (total, present, {application id: (for, against, abstain)}))."""
    open_current_step(page, edition, kind)
    if minutes:
        page.fill("#id_minutes", minutes)
    if document_number:
        page.fill("#id_document_number", document_number)
    if plenary is not None:
        total, present, votes = plenary
        page.fill("#id_members_total", str(total))
        page.fill("#id_members_present", str(present))
        for pk, (yes, no, abstain) in votes.items():
            page.fill(f"#id_for_{pk}", str(yes))
            page.fill(f"#id_against_{pk}", str(no))
            page.fill(f"#id_abstain_{pk}", str(abstain))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('decisions:board', args=[edition.pk])}")
    expect_alert_success(page)
    assert board_status(page)[kind] == "done", board_status(page)


def publish_notice(page, edition, how_to_object: str) -> None:
    open_current_step(page, edition, "public_notice")
    page.fill("#id_how_to_object", how_to_object)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('decisions:board', args=[edition.pk])}")
    expect_alert_success(page)
    assert page.locator("#notice-countdown").is_visible()
    # Each channel the rulebook names (Zibo 第十八条 新闻媒体, Linyi 第十七条 市内新闻媒体) is recorded from the board's
    # "where published" page; until then the notice does not close. Weihai's 第十五条 names none: no form.
    page.locator("#publications-link").click()
    while page.locator("#publication-form").count():
        page.fill("#id_where", "本地日报 第2版")
        page.locator("#publication-form button[type=submit]").click()
        expect_alert_success(page)
    assert page.get_attribute("#channels-missing", "data-missing") == "0"


def notice_sweep_after_end(edition) -> int:
    """Outside the browser, the one allowed step: the clock moves past the notice's end and the periodic sweep runs
    (decisions.notice.notice_sweep with `now` at the notice's end, as the Celery beat task would then)."""
    from decisions.models import PublicNotice
    from decisions.notice import notice_sweep

    notice = PublicNotice.objects.get(edition=edition)
    return notice_sweep(now=notice.ends_at)


def approve_all(page, edition, kind: str, *, document_number: str, document: str) -> None:
    """The approving body's document, then every waiting candidate approved within the quotas."""
    open_current_step(page, edition, kind)
    page.fill("#id_document_number", document_number)
    page.set_input_files("#id_document", document)
    page.locator("main form[enctype] button[type=submit]").click()
    page.wait_for_url(f"**{reverse('decisions:step', args=[edition.pk, stage_pk(edition, kind)])}")
    expect_alert_success(page)
    page.locator(f"form[action='{reverse('decisions:approve', args=[edition.pk, stage_pk(edition, kind)])}']").filter(
        has=page.locator("input[name=all]")
    ).locator("button").click()
    page.wait_for_url(f"**{reverse('decisions:step', args=[edition.pk, stage_pk(edition, kind)])}")
    expect_alert_success(page)


def announce(page, edition, *, document_number: str, document: str) -> None:
    open_current_step(page, edition, "announcement")
    page.fill("#id_document_number", document_number)
    page.set_input_files("#id_document", document)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('decisions:board', args=[edition.pk])}")
    expect_alert_success(page)
    assert board_status(page)["announcement"] == "done"


# --- the winner and the public ----------------------------------------------------------------------------------


def winner_downloads_and_verifies(page, username: str, application_id: int, *, winner: str, title: str) -> None:
    """The winner opens "my awards", downloads the certificate and follows its public verification link (the
    address its QR code prints), which anyone may open logged out."""
    login(page, username, APPLICANT_PASSWORD)
    page.locator("a.dropdown-toggle:has(i.bi-person-circle)").click()
    page.click(f"a.dropdown-item[href='{reverse('decisions:my_items')}']")
    page.wait_for_url(f"**{reverse('decisions:my_items')}")
    card = page.locator(f"section[data-application='{application_id}']")
    link = card.locator("a[id^=certificate-download-]")
    number = re.search(r"\(([^)]+)\)\s*$", link.inner_text().strip()).group(1)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"{number}.pdf"
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    verify_path = card.locator("a[id^=certificate-verify-]").get_attribute("href")
    assert verify_path.startswith("/verify/")
    logout(page)
    page.goto(verify_path)  # as anyone who scans the code: logged out
    assert page.get_attribute("#verification", "data-status") == "valid"
    shown = page.locator("#verification").inner_text()
    assert "该证书有效。" in shown and number in shown and winner in shown and title in shown
