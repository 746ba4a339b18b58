"""What an edition must respect before it is saved or opened, read from the rulebook data of each scheme: the
edition cycle (Zibo art. 4, Weihai art. 6, Linyi art. 2), the Shandong notice's application window and submission
deadline (一（三）1 and 3), the application notice the office issues first (Zibo art. 14, Linyi art. 13), and the
validity dates the office set where the text gives none (Shandong notice, national art. 26)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.enums import Role
from awards.enums import EditionStatus
from awards.models import Edition, Rulebook
from awards.services import edition_open
from tests.factories import confirm_office_values

pytestmark = pytest.mark.django_db

ZIBO, WEIHAI, LINYI = "zibo-leading", "weihai-mayor", "linyi-mayor"
SHANDONG, NATIONAL = "shandong-benchmark", "national-benchmark"

NOTICE = {
    "notice_title": "关于开展本届申报工作的通知",
    "notice_document_number": "强市办字〔2025〕1号",
    "notice_issued_on": date(2025, 2, 1),
    "notice_text": "申报时间、材料要求与推荐程序见本通知。",
}


def rulebook_of(code: str) -> Rulebook:
    return Rulebook.objects.select_related("scheme").filter(scheme__code=code).order_by("-valid_from").first()


def edition(code: str, year: int, *, save=True, opens=None, closes=None, due=None, notice=True, **fields) -> Edition:
    rulebook = rulebook_of(code)
    opens = opens or date(year, 3, 1)
    closes = closes or date(year, 4, 30)
    values = {
        "scheme": rulebook.scheme,
        "rulebook": rulebook,
        "year": year,
        "title": f"{year}年度",
        "application_opens": opens,
        "application_closes": closes,
        "recommendation_deadline": due or closes,
        **(NOTICE if notice else {}),
        **fields,
    }
    row = Edition(**values)
    if save:
        row.save()
    return row


@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE_STAFF, username="office", is_staff=True)


def status_in_db(row) -> str:
    return Edition.objects.values_list("status", flat=True).get(pk=row.pk)


# --- the edition cycle --------------------------------------------------------------------------------------------

CYCLES = [
    # (scheme, an existing edition's year, the new edition's year, refused, article)
    pytest.param(ZIBO, 2025, 2026, True, "第四条", id="Z4a-zibo-art4-biennial-2026-after-2025-refused"),
    pytest.param(ZIBO, 2025, 2024, True, "第四条", id="Z4a-zibo-art4-biennial-2024-before-2025-refused"),
    pytest.param(ZIBO, 2023, 2025, False, "第四条", id="Z4a-zibo-art4-biennial-2025-after-2023-allowed"),
    pytest.param(WEIHAI, 2025, 2025, True, "第六条", id="W6a-weihai-art6-annual-second-2025-refused"),
    pytest.param(WEIHAI, 2025, 2026, False, "第六条", id="W6a-weihai-art6-annual-2026-after-2025-allowed"),
    pytest.param(LINYI, 2019, 2020, True, "第二条", id="L2a-linyi-art2-biennial-2020-after-2019-refused"),
    pytest.param(LINYI, 2019, 2021, False, "第二条", id="L2a-linyi-art2-biennial-2021-after-2019-allowed"),
]


@pytest.mark.parametrize(("code", "existing", "year", "refused", "article"), CYCLES)
def test_edition_cycle_clean(code, existing, year, refused, article):
    """Edition.clean() (the admin form runs it) refuses a second edition inside the scheme's cycle."""
    edition(code, existing, title="已有一届")
    new = edition(code, year, save=False)
    if not refused:
        new.full_clean()
        return
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        new.full_clean()
    [message] = caught.value.message_dict["year"]
    assert article in message
    assert f"the {existing} edition “已有一届”" in message
    assert f"in {year}" in message


# The database holds one edition per scheme and year, so a second Weihai 2025 edition cannot even be saved.
CYCLES_SAVED = [param for param in CYCLES if param.values[1] != param.values[2]]


@pytest.mark.parametrize(("code", "existing", "year", "refused", "article"), CYCLES_SAVED)
def test_edition_cycle_open(code, existing, year, refused, article, office):
    """edition_open refuses the same, so an edition saved around the form cannot open either."""
    edition(code, existing, title="已有一届")
    new = edition(code, year)
    confirm_office_values(new.rulebook)
    if not refused:
        edition_open(edition=new, by=office)
        assert status_in_db(new) == EditionStatus.OPEN
        return
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        edition_open(edition=new, by=office)
    assert [m for m in caught.value.messages if article in m and str(existing) in m]
    assert status_in_db(new) == EditionStatus.DRAFT


def test_edition_cycle_reedit_same_edition_allowed():
    """An edition is not in its own way: editing the 2025 edition again is not a second edition."""
    row = edition(ZIBO, 2025)
    row.title = "第三届"
    row.full_clean()


def test_edition_cycle_per_notice_scheme_not_checked():
    """The Shandong notice states no cycle (per notice): two rows never clash on the cycle."""
    rulebook = rulebook_of(SHANDONG)
    assert rulebook.scheme.edition_cycle == "per_notice"
    edition(SHANDONG, 2021, opens=date(2021, 4, 12), closes=date(2021, 5, 15))
    row = edition(SHANDONG, 2022, save=False, opens=date(2021, 4, 12), closes=date(2021, 5, 15))
    from awards.rules import edition_cycle_problems

    assert edition_cycle_problems(row) == []


# --- the Shandong application window and submission deadline --------------------------------------------------


def test_shandong_rulebook_holds_window_and_deadline():
    rulebook = rulebook_of(SHANDONG)
    assert (
        rulebook.application_window_from,
        rulebook.application_window_until,
        rulebook.application_window_article,
        rulebook.submission_deadline,
        rulebook.submission_deadline_article,
    ) == (date(2021, 4, 12), date(2021, 5, 15), "一（三）1", date(2021, 5, 15), "一（三）3")


WINDOWS = [
    pytest.param(date(2021, 4, 12), date(2021, 5, 15), date(2021, 5, 15), "",
                 id="S3a-shandong-1-3-1-window-04-12-to-05-15-allowed"),
    pytest.param(date(2021, 4, 12), date(2021, 5, 16), date(2021, 5, 16), "一（三）1",
                 id="S3a-shandong-1-3-1-close-05-16-refused"),
    pytest.param(date(2021, 4, 11), date(2021, 5, 15), date(2021, 5, 15), "一（三）1",
                 id="S3a-shandong-1-3-1-open-04-11-refused"),
    pytest.param(date(2021, 4, 12), date(2021, 5, 10), date(2021, 5, 16), "一（三）3",
                 id="S3f-shandong-1-3-3-recommendations-due-05-16-refused"),
    pytest.param(date(2021, 4, 12), date(2021, 5, 10), date(2021, 5, 15), "",
                 id="S3f-shandong-1-3-3-recommendations-due-05-15-allowed"),
]


@pytest.mark.parametrize(("opens", "closes", "due", "article"), WINDOWS)
def test_shandong_window_clean(opens, closes, due, article):
    row = edition(SHANDONG, 2021, save=False, opens=opens, closes=closes, due=due)
    if not article:
        row.full_clean()
        return
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        row.full_clean()
    # Closing on 05-16 also takes recommendations past 05-15 (they cannot be due before applications close).
    assert [m for m in caught.value.message_dict["rulebook"] if f"({article})" in m]
    assert not Edition.objects.exists()


@pytest.mark.parametrize(("opens", "closes", "due", "article"), WINDOWS)
def test_shandong_window_open(opens, closes, due, article, office):
    row = edition(SHANDONG, 2021, opens=opens, closes=closes, due=due)
    confirm_office_values(row.rulebook)
    if not article:
        edition_open(edition=row, by=office)
        assert status_in_db(row) == EditionStatus.OPEN
        return
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        edition_open(edition=row, by=office)
    assert [m for m in caught.value.messages if f"({article})" in m]
    assert status_in_db(row) == EditionStatus.DRAFT


def test_shandong_window_close_05_16_message_names_both_dates():
    row = edition(SHANDONG, 2021, save=False, opens=date(2021, 4, 12), closes=date(2021, 5, 16))
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        row.full_clean()
    message = " ".join(caught.value.message_dict["rulebook"])
    assert "2021-05-15" in message and "2021-05-16" in message


# --- the application notice the office issues before an edition opens -------------------------------------------

NOTICE_ARTICLES = [
    pytest.param(ZIBO, 2025, "第十四条", id="Z14-zibo-art14-application-notice-required"),
    pytest.param(LINYI, 2021, "第十三条", id="L13-linyi-art13-application-notice-required"),
    pytest.param(WEIHAI, 2025, "第八条第（二）项", id="weihai-art8-2-application-notice-required"),
]


@pytest.mark.parametrize(("code", "year", "article"), NOTICE_ARTICLES)
def test_edition_without_notice_cannot_open(code, year, article, office):
    assert rulebook_of(code).application_notice_article == article
    row = edition(code, year, notice=False)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        edition_open(edition=row, by=office)
    [message] = caught.value.messages
    assert f"({article})" in message
    assert "application notice" in message
    assert status_in_db(row) == EditionStatus.DRAFT


@pytest.mark.parametrize(("code", "year", "article"), NOTICE_ARTICLES)
def test_edition_with_notice_opens(code, year, article, office):
    row = edition(code, year)
    edition_open(edition=row, by=office)
    assert status_in_db(row) == EditionStatus.OPEN


@pytest.mark.parametrize(
    "missing",
    [
        pytest.param("notice_title", id="Z14-zibo-art14-notice-without-title-refused"),
        pytest.param("notice_text", id="Z14-zibo-art14-notice-without-text-refused"),
    ],
)
def test_edition_notice_needs_title_and_text(missing, office):
    row = edition(ZIBO, 2025, **{missing: " "})
    with pytest.raises(ValidationError):
        edition_open(edition=row, by=office)
    assert status_in_db(row) == EditionStatus.DRAFT


@pytest.mark.parametrize(
    ("code", "year"),
    [
        pytest.param(ZIBO, 2025, id="Z14-zibo-art14-notice-on-scheme-page"),
        pytest.param(LINYI, 2021, id="L13-linyi-art13-notice-on-scheme-page"),
    ],
)
def test_scheme_page_shows_the_application_notice(client, code, year):
    row = edition(code, year)
    body = client.get(f"/schemes/{code}/").content.decode()
    assert f'data-edition-notice="{row.pk}"' in body
    for shown in (NOTICE["notice_title"], NOTICE["notice_document_number"], NOTICE["notice_text"], "2025-02-01"):
        assert shown in body
    assert row.rulebook.application_notice_article in body


def test_scheme_page_edition_without_notice_says_not_issued(client):
    edition(ZIBO, 2025, notice=False)
    with translation.override("en"):
        body = client.get(f"/schemes/{ZIBO}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "data-edition-notice" not in body


def test_scheme_page_shows_shandong_window(client):
    body = client.get(f"/schemes/{SHANDONG}/").content.decode()
    for shown in ("2021-04-12", "2021-05-15", "一（三）1", "一（三）3"):
        assert shown in body


# --- validity dates the office set: an edition cannot open until they are confirmed -----------------------------

OFFICE_DATES = [
    pytest.param(SHANDONG, 2021, date(2021, 4, 12), date(2021, 5, 15), "通知未写",
                 id="S3a-shandong-validity-office-set-unconfirmed-refused"),
    pytest.param(NATIONAL, 2022, date(2022, 3, 1), date(2022, 4, 30), "第二十六条",
                 id="N26-national-art26-validity-office-set-unconfirmed-refused"),
]


@pytest.mark.parametrize(("code", "year", "opens", "closes", "silence"), OFFICE_DATES)
def test_edition_of_unconfirmed_validity_cannot_open(code, year, opens, closes, silence, office):
    row = edition(code, year, opens=opens, closes=closes)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        edition_open(edition=row, by=office)
    messages = caught.value.messages
    assert len(messages) == 2  # valid_from and valid_until, each named with what the text says
    assert all(silence in message for message in messages)
    assert status_in_db(row) == EditionStatus.DRAFT
    confirm_office_values(row.rulebook, by=office)
    edition_open(edition=row, by=office)
    assert status_in_db(row) == EditionStatus.OPEN
