"""The office's page of one application at /office/applications/<pk>/: who may open it, what it shows (form, current
files, history, opinions, scores per stage, records, where it stands, who acts next), the start of the review from
it, the way back to the filtered worklist, and a constant query count."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.enums import Role
from applications.enums import ApplicationState
from applications.models import Application, ApplicationFile, ApplicationTransition, Recommendation
from reviews.models import (
    Assignment,
    CandidateProposal,
    DepartmentSignOff,
    EditionStage,
    GateRecord,
    ScoreSheet,
)
from tests.factories import UserFactory
from tests.reviews.conftest import make_expert, three_criteria_sheet
from tests.reviews.test_worklist import Listed

pytestmark = pytest.mark.django_db

S = ApplicationState


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def office(db):
    return UserFactory(roles=[Role.OFFICE_STAFF], display_name="赵办公")


def url(application) -> str:
    return reverse("office:application", args=[application.pk])


def body_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _file(application, kind: str, name: str, sha256: str, **fields) -> ApplicationFile:
    return ApplicationFile.objects.create(
        application=application,
        kind=kind,
        file=f"applications/{application.pk}/{sha256[:8]}",
        name=name,
        size=1024,
        sha256=sha256,
        content_type="application/pdf",
        uploaded_by=application.owner,
        **fields,
    )


class Dossier:
    """A Weihai application at the material review with its form, files, history, the district's opinion, a
    passed public-opinion check, a sign-off and `sheets` submitted score sheets of `sheets + 1` assigned."""

    def __init__(self, office, *, files=1, history=1, sheets=2, listed=None):
        self.listed = listed or Listed()
        edition = self.listed.edition
        self.office = office
        self.application = self.listed.unit(
            S.IN_REVIEW,
            name="威海精工机械有限公司",
            stage="material_review",
            form_data={"summary": "本公司主营精密机械。", "quality_management": "全面推行卓越绩效模式。"},
        )
        application = self.application
        coordinator = UserFactory(roles=[Role.DISTRICT_COORDINATOR], display_name="钱推荐")
        today = timezone.localdate()
        template = three_criteria_sheet()
        self.stages = {
            kind: EditionStage.objects.get_or_create(
                edition=edition,
                stage=edition.rulebook.stages.get(kind=kind),
                defaults={
                    "opens": today - timedelta(days=20),
                    "sheets_due": today + timedelta(days=10),
                    "score_sheet": template if kind == "material_review" else None,
                },
            )[0]
            for kind in ("public_opinion", "qualification_check", "material_review")
        }
        for n in range(files):
            _file(application, "evidence", f"证明材料{n}.pdf", f"{n:064d}")
        self.superseded = _file(
            application, "self_evaluation", "旧自评报告.pdf", "f" * 64, superseded_at=timezone.now()
        )
        self.current = _file(application, "self_evaluation", "自评报告.pdf", "a" * 64)
        Recommendation.objects.create(
            application=application, district=application.recommender, decision="recommend", opinion="同意推荐。",
            signed_by=coordinator,
        )  # fmt: skip
        for n in range(history):
            ApplicationTransition.objects.create(
                application=application, from_state=S.RECOMMENDED, to_state=S.IN_REVIEW, actor=office,
                comment=f"进入评审{n}", stage=application.current_stage,
            )  # fmt: skip
        GateRecord.objects.create(
            edition_stage=self.stages["public_opinion"], application=application, outcome="pass",
            note="舆情正常。", recorded_by=office,
        )  # fmt: skip
        DepartmentSignOff.objects.create(
            edition_stage=self.stages["qualification_check"], application=application, department="市发改委",
            decision="approve", note="无异议。", signed_by=office,
        )  # fmt: skip
        for n in range(sheets + 1):
            assignment = Assignment.objects.create(
                edition_stage=self.stages["material_review"], application=application, expert=make_expert(f"专家{n}"),
                method="manual", assigned_by=office,
            )  # fmt: skip
            if n < sheets:
                ScoreSheet.objects.create(
                    assignment=assignment, template=template, state="submitted", total=Decimal(80 + n),
                    submitted_at=timezone.now(),
                )  # fmt: skip


# --- who may open it ------------------------------------------------------------------------------------------


def test_dossier_anonymous_goes_to_the_login(client, office):
    application = Listed().unit()
    response = client.get(url(application))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.OFFICE_STAFF, Role.AUDITOR)], ids=lambda r: r.value)
def test_dossier_refused_to_other_roles(client, role):
    application = Listed().unit(S.RECOMMENDED)
    client.force_login(UserFactory(roles=[role]))
    assert client.get(url(application)).status_code == 403
    start = reverse("office:application_start_review", args=[application.pk])
    assert client.post(start).status_code == 403
    assert Application.objects.get(pk=application.pk).state == S.RECOMMENDED


def test_dossier_of_an_unknown_application_or_a_draft_is_not_found(client, office):
    draft = Listed().unit(S.DRAFT, submitted=False)
    client.force_login(office)
    assert client.get(reverse("office:application", args=[999999])).status_code == 404
    assert client.get(url(draft)).status_code == 404
    assert client.post(reverse("office:application_start_review", args=[draft.pk])).status_code == 404


# --- what it shows ----------------------------------------------------------------------------------------------


def test_dossier_shows_form_current_files_history_and_opinions(client, office):
    scene = Dossier(office)
    client.force_login(office)
    body = body_of(client.get(url(scene.application)))
    assert "本公司主营精密机械。" in body and "全面推行卓越绩效模式。" in body
    assert f'href="{reverse("applications:file", args=[scene.current.pk])}"' in body
    assert "自评报告.pdf" in body and "旧自评报告.pdf" not in body  # only the current files
    assert re.search(r'data-from="recommended" data-to="in_review">.*?赵办公.*?进入评审0', body, re.S)
    assert "同意推荐。" in body and "钱推荐" in body
    assert scene.application.organisation.credit_code in body


def test_dossier_shows_scores_per_stage_and_the_records(client, office):
    scene = Dossier(office, sheets=2)
    client.force_login(office)
    body = body_of(client.get(url(scene.application)))
    # Two sheets (80 and 81) of three assigned: mean 80.50; the trimmed mean of two is their mean.
    assert 'data-stage="material_review" data-assigned="3" data-submitted="2" data-final="80.50"' in body
    assert "2 of 3" in body
    assert re.search(r'data-stage="public_opinion" data-outcome="pass">.*?舆情正常。', body, re.S)
    assert re.search(r'data-decision="approve"><strong>市发改委</strong>', body)


def test_dossier_shows_where_it_stands_and_who_acts_next(client, office):
    scene = Dossier(office)
    client.force_login(office)
    body = body_of(client.get(url(scene.application)))
    standing = re.findall(r'pipeline-stage[^"]*" data-kind="(\w+)" data-status="(\w+)"', body)
    # Weihai art. 13-16, with the application at the material review.
    assert standing == [
        ("application", "done"),
        ("district_recommendation", "done"),
        ("public_opinion", "done"),
        ("qualification_check", "done"),
        ("material_review", "current"),
        ("onsite_review", "later"),
        ("oral_defence", "later"),
        ("candidate_list", "later"),
        ("public_notice", "later"),
        ("leading_group", "later"),
        ("government_approval", "later"),
        ("announcement", "later"),
    ]
    actions = re.findall(r'next-action" data-actor="(\w+)" data-url-name="([\w:]*)"', body)
    assert actions == [("experts", "reviews:board"), ("office", "reviews:stage_progress")]
    board = reverse("reviews:board", args=[scene.stages["material_review"].pk])
    assert f'class="btn btn-sm btn-outline-primary mt-2 next-action-link" href="{board}"' in body
    assert "The assigned experts" in body and "Score the application on their sheets." in body
    assert "市强市办组建的评审组" in body  # the rulebook's own words for who acts


def test_dossier_of_a_candidate_links_its_editions_ranking_and_decision_board(client, office):
    listed = Listed()
    application = listed.unit(S.CANDIDATE, stage="candidate_list")
    CandidateProposal.objects.create(
        edition=listed.edition, application=application, category="unit", tier="award", rank=2, score=Decimal("88.40")
    )
    client.force_login(office)
    body = body_of(client.get(url(application)))
    assert f'href="{reverse("reviews:ranking", args=[listed.edition.pk])}"' in body
    assert f'href="{reverse("decisions:board", args=[listed.edition.pk])}"' in body
    assert 'id="proposal" data-tier="award"' in body and "rank 2, combined score 88.40" in body


def test_dossier_auditor_reads_without_buttons_or_downloads(client, office):
    scene = Dossier(office)
    recommended = scene.listed.unit(S.RECOMMENDED)
    client.force_login(UserFactory(roles=[Role.AUDITOR]))
    body = body_of(client.get(url(scene.application)))
    assert "自评报告.pdf" in body and reverse("applications:file", args=[scene.current.pk]) not in body
    assert "next-action-link" not in body
    assert 'id="start-review"' not in body_of(client.get(url(recommended)))


# --- the start of the review ---------------------------------------------------------------------------------------


def test_dossier_starts_the_review_of_a_recommended_application(client, office):
    application = Listed().unit(S.RECOMMENDED)
    client.force_login(office)
    list_query = "state=recommended&page=2"
    page = body_of(client.get(url(application), {"list": list_query}))
    assert 'id="start-review"' in page and 'name="list" value="state=recommended&amp;page=2"' in page
    start = reverse("office:application_start_review", args=[application.pk])
    response = client.post(start, {"list": list_query})
    assert response["Location"] == f"{url(application)}?list=state%3Drecommended%26page%3D2"
    application.refresh_from_db()
    assert (application.state, application.current_stage.kind) == (S.IN_REVIEW, "public_opinion")
    assert f"{application.number} has entered the review at the stage “Public-opinion check”." in body_of(
        client.get(response["Location"])
    )
    again = client.post(start, follow=True).content.decode()
    assert "only recommended applications enter the review." in again
    assert ApplicationTransition.objects.filter(application=application, to_state=S.IN_REVIEW).count() == 1


def test_dossier_links_back_to_the_worklist_keeping_the_filters(client, office):
    application = Listed().unit()
    client.force_login(office)
    body = body_of(client.get(url(application), {"list": "state=submitted&q=精工&page=3"}))
    assert (
        'href="/office/applications/?state=submitted&amp;q=%E7%B2%BE%E5%B7%A5&amp;page=3" id="back-to-worklist"' in body
    )
    plain = body_of(client.get(url(application)))
    assert 'href="/office/applications/" id="back-to-worklist"' in plain


# --- the query count --------------------------------------------------------------------------------------------


def _queries(client, application) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(application)).status_code == 200
    return len(queries)


def test_dossier_query_count_is_the_same_with_few_records_and_many(client, office):
    client.force_login(office)
    listed = Listed()
    few = _queries(client, Dossier(office, files=1, history=1, sheets=1, listed=listed).application)
    many = _queries(client, Dossier(office, files=12, history=15, sheets=8, listed=listed).application)
    assert many == few
