"""The audit log shows rows in the reader's language: object names and machine-written details translated when
shown, the stored rows unchanged."""

import re
from pathlib import Path

import polib
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.audit_display import KNOWN_DETAILS, detail_text, object_label
from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent
from accounts.services import audit_record

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
AUDIT_URL = "/accounts/audit/"


@pytest.fixture
def zh():
    with translation.override("zh-hans"):
        yield


def _event(detail="", object_type="", object_repr="", object_id="5"):
    return AuditEvent(detail=detail, object_type=object_type, object_repr=object_repr, object_id=object_id)


def test_audit_display_object_is_named_by_its_chinese_type_and_stored_name(zh):
    assert object_label(
        _event(object_type="applications.Application", object_repr="WH-2026-0001 威海示范精工有限公司")
    ) == ("申报 WH-2026-0001 威海示范精工有限公司")
    assert object_label(_event(object_type="reviews.ExpertProfile", object_repr="张明远")) == "评审专家 张明远"
    assert object_label(_event(object_type="gone.Model", object_repr="x")) == "gone.Model x"
    assert object_label(_event(object_type="accounts.User", object_repr="", object_id="9")) == "用户 #9"
    assert object_label(_event()) == ""


@pytest.mark.parametrize(
    ("object_type", "detail", "shown"),
    [
        pytest.param("applications.Application", "draft → submitted", "草稿 → 已提交，待推荐", id="application-submit"),
        pytest.param(
            "applications.Application",
            "submitted → recommended: 同意推荐",
            "已提交，待推荐 → 已推荐：同意推荐",
            id="recommend-with-opinion",
        ),
        pytest.param("applications.Application", "not the applicant", "不是申报人本人", id="refusal-reason"),
        pytest.param(
            "",
            "GET /accounts/audit/: only the auditor reads the audit log",
            "GET /accounts/audit/：只有审计员可以查阅审计日志",
            id="middleware-refusal",
        ),
        pytest.param(
            "reviews.EditionStage",
            "review stage material_review, due 2026-12-22, k=3",
            "评审环节“材料评审”，评分表截止 2026-12-22，每件申报 3 名专家",
            id="stage-set-up",
        ),
        pytest.param("reviews.GateRecord", "public_opinion pass", "舆情调查：通过", id="gate-passed"),
        pytest.param("reviews.ScoreSheet", "sheet submitted, total 812.50", "提交评分表，总分 812.50", id="sheet"),
        pytest.param("accounts.User", "idle timeout", "长时间未操作，会话超时", id="session"),
        pytest.param(
            "applications.Application",
            "applications.Application #5 is outside the user's scope",
            "申报 #5 不在该用户的查看范围内",
            id="scope",
        ),
        pytest.param(
            "accounts.User",
            "department: 威海市发展改革委 (was -)",
            "资格审查部门：威海市发展改革委（原为：—）",
            id="department-bound",
        ),
        pytest.param("accounts.User", "roles: expert (was -)", "角色：评审专家（原为：—）", id="roles-given"),
        pytest.param("awards.Edition", "draft → open", "筹备中 → 开放申报", id="edition-status"),
        pytest.param(
            "applications.Application", "a free comment 自由文字", "a free comment 自由文字", id="unknown-kept"
        ),
    ],
)
def test_audit_display_detail_in_chinese(zh, object_type, detail, shown):
    assert detail_text(_event(detail=detail, object_type=object_type)) == shown


def test_audit_display_state_labels_follow_the_readers_language():
    with translation.override("en"):
        assert detail_text(_event(detail="submitted → recommended: ok", object_type="applications.Application")) == (
            "Submitted, awaiting recommendation → Recommended: ok"
        )
        assert detail_text(_event(detail="not the applicant", object_type="applications.Application")) == (
            "not the applicant"
        )


def test_audit_display_every_phrase_has_a_chinese_translation():
    source = (ROOT / "accounts" / "audit_display.py").read_text()
    msgids = set(re.findall(r'(?:gettext|gettext_noop)\(\s*"((?:[^"\\]|\\.)*)"\s*\)', source))
    assert set(KNOWN_DETAILS) <= msgids
    catalogue = {e.msgid: e.msgstr for e in polib.pofile(str(MAIN))}
    assert sorted(m for m in msgids if not catalogue.get(m)) == []


@pytest.mark.django_db
def test_audit_log_page_shows_chinese_names_and_details_with_constant_queries(client, users, zh):
    client.force_login(users[Role.AUDITOR])
    office = users[Role.OFFICE_STAFF]

    def add(n):
        for _ in range(n):
            audit_record(
                action=AuditAction.PERMISSION_REFUSED,
                result=AuditResult.REFUSED,
                actor=office,
                obj=office,
                detail="only the award office approves candidates",
            )

    add(1)
    with CaptureQueriesContext(connection) as few:
        page = client.get(AUDIT_URL, {"action": AuditAction.PERMISSION_REFUSED})
    body = page.content.decode()
    assert page.status_code == 200
    assert "只有质量奖办公室可以批准候选者" in body
    assert f'data-object-type="accounts.User" data-object-id="{office.pk}">用户 {office}</td>' in body
    assert "accounts.User #" not in body
    add(49)
    with CaptureQueriesContext(connection) as many:
        client.get(AUDIT_URL, {"action": AuditAction.PERMISSION_REFUSED})
    assert len(few) == len(many)
    # The rows themselves keep what was written.
    assert set(AuditEvent.objects.filter(actor=office).values_list("detail", flat=True)) == {
        "only the award office approves candidates"
    }
