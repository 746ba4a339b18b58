"""Demo data of the review phase, for `make run`: the expert pool, and this year's Weihai edition with an
application standing at every step of intake and review, so that every role has something to do:

- the coordinator (demo-coordinator) has a submitted application to recommend;
- the office (demo-office) has a recommended application to start the review of, a public-opinion check to
  record, score sheets to follow and stages to close;
- the qualification departments (demo-qualification: 市发展改革委) have a qualification check to sign off;
- the experts (demo-expert and five more, each with a profile) have assignments at the material review, open
  today, with score sheets to fill in, and the on-site review of one application scheduled for a few days ahead.

Everything goes through the services (submission, recommendation, review start, gate records, department
sign-offs, optimal assignment, declarations, score sheets), so history, audit rows and permissions are those of
real use. Runs after seed_demo; safe to run again: what exists already is left alone.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from pypdf import PdfWriter

from accounts.enums import Role
from accounts.models import District, Organisation, User
from accounts.services import user_assign_roles
from accounts.validators import uscc_check_character
from applications import services as applications
from applications.enums import ApplicationState, FileKind
from applications.models import Application, UnitProfile
from awards.enums import Category, StageKind
from awards.models import Edition

from ... import assigning, scoring, stage_records, stages, undertakings
from ...enums import ConflictDecision, GateOutcome, SheetState, SignOffDecision
from ...models import (
    Assignment,
    ConflictDeclaration,
    EditionStage,
    ExpertProfile,
    ScoreItem,
    ScoreSheet,
    ScoreSheetTemplate,
)
from ...services import expert_register

DEMO_PASSWORD = "Demo@Portal2026"

# username, full name, professional title, employer, fields of expertise, industries. demo-expert (seed_demo)
# knows every industry of the demo units, so the optimal assignment gives them each application to score.
EXPERTS = [
    (
        "demo-expert",
        "张明远",
        "教授",
        "哈尔滨工业大学（威海）经济管理学院",
        ["质量管理", "卓越绩效", "设备制造"],
        ["通用设备制造业", "专用设备制造业", "食品制造业", "医药制造业", "船舶制造业"],
    ),
    (
        "demo-expert-li",
        "李静怡",
        "正高级工程师",
        "山东省标准化研究院",
        ["标准化", "质量管理"],
        ["食品制造业", "医药制造业"],
    ),
    (
        "demo-expert-wang",
        "王海涛",
        "高级经济师",
        "山东省质量评价协会",
        ["卓越绩效", "财务管理"],
        ["通用设备制造业", "船舶制造业"],
    ),
    (
        "demo-expert-zhao",
        "赵丽华",
        "研究员",
        "中国标准化研究院",
        ["质量管理", "品牌建设"],
        ["专用设备制造业", "医药制造业"],
    ),
    (
        "demo-expert-chen",
        "陈国栋",
        "教授级高级工程师",
        "青岛海洋装备研究院",
        ["设备制造", "安全生产"],
        ["船舶制造业", "通用设备制造业"],
    ),
    (
        "demo-expert-sun",
        "孙晓燕",
        "副教授",
        "山东大学（威海）商学院",
        ["顾客满意", "卓越绩效"],
        ["食品制造业", "专用设备制造业"],
    ),
]

# The Weihai units of the demo (all in Huancui district, whose coordinator is demo-coordinator): username, name,
# first 17 characters of the credit code, industry, and the step the application is brought to.
UNITS = [
    ("demo-wh-haiyang", "威海海洋食品科技有限公司", "91371002MA3DRW101", "食品制造业", "submitted"),
    ("demo-wh-zhoucheng", "威海精密轴承股份有限公司", "91371002MA3DRW102", "通用设备制造业", "recommended"),
    ("demo-wh-yaoye", "威海康宁医药有限公司", "91371002MA3DRW103", "医药制造业", StageKind.PUBLIC_OPINION),
    ("demo-wh-dianchi", "威海新能源装备有限公司", "91371002MA3DRW104", "专用设备制造业", StageKind.QUALIFICATION_CHECK),
    ("demo-wh-yiliao", "威海医疗器械集团有限公司", "91371002MA3DRW105", "专用设备制造业", StageKind.MATERIAL_REVIEW),
    ("demo-wh-jixie", "威海数控机床有限公司", "91371002MA3DRW106", "通用设备制造业", StageKind.MATERIAL_REVIEW),
    ("demo-wh-shipin", "威海渔港食品股份有限公司", "91371002MA3DRW107", "食品制造业", StageKind.MATERIAL_REVIEW),
    ("demo-wh-chuanbo", "威海船舶重工有限公司", "91371002MA3DRW108", "船舶制造业", StageKind.ONSITE_REVIEW),
]
REVIEW_ORDER = [
    StageKind.PUBLIC_OPINION,
    StageKind.QUALIFICATION_CHECK,
    StageKind.MATERIAL_REVIEW,
    StageKind.ONSITE_REVIEW,
]
# The departments that sign off the qualification check of the demo (the office sets them per edition stage).
DEPARTMENTS = ["市发展改革委", "市工业和信息化局", "市市场监督管理局"]
DEMO_DEPARTMENT = DEPARTMENTS[0]

FORM = {
    "summary": "本公司成立于2010年，主营业务稳定，连续多年位居威海市同行业前列（演示数据）。",
    "quality_management": "全面推行卓越绩效管理模式，通过 ISO 9001 质量管理体系认证。",
    "main_indicators": "近三年产品一次交验合格率 99.8%，顾客满意度 96 分。",
    "achievements": "主导制定行业标准 2 项，获省级质量标杆称号。",
}


def _pdf() -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("自评报告.pdf", buffer.getvalue(), content_type="application/pdf")


class Command(BaseCommand):
    help = "Demo data of the review phase: the expert pool and a Weihai edition at every step (after seed_demo)."

    def handle(self, *args, **options):
        self.office = User.objects.filter(username="demo-office").first()
        self.coordinator = User.objects.filter(username="demo-coordinator").first()
        today = timezone.localdate()
        edition = Edition.objects.filter(scheme__code="weihai-mayor", year=today.year).first()
        if self.office is None or self.coordinator is None or edition is None:
            self.stdout.write(self.style.WARNING("Run seed_demo first."))
            return
        self.today = today
        with transaction.atomic():
            experts = self._experts()
            self._edition(edition, experts)
        self.stdout.write(
            self.style.SUCCESS(f"Demo reviews ready: {len(experts)} experts, {edition} at every review step.")
        )

    # --- the expert pool -----------------------------------------------------------------------------------

    def _experts(self) -> dict[str, ExpertProfile]:
        pool = {}
        for username, name, title, employer, fields, industries in EXPERTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"display_name": f"评审专家 {name}", "email": f"{username}@example.gov.cn"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                user_assign_roles(user=user, roles=[Role.EXPERT])
            profile = ExpertProfile.objects.filter(user=user).first()
            if profile is None:
                profile = expert_register(
                    user=user,
                    full_name=name,
                    title=title,
                    employer_name=employer,
                    fields=fields,
                    industries=industries,
                    by=self.office,
                )
            pool[username] = profile
        return pool

    # --- the Weihai edition ----------------------------------------------------------------------------------

    def _edition(self, edition: Edition, experts: dict[str, ExpertProfile]) -> None:
        rulebook = edition.rulebook
        district = District.objects.get(code="371002")
        units = []
        for username, name, code, industry, target in UNITS:
            owner = self._unit(username, name, code, industry, district)
            application = Application.objects.filter(edition=edition, owner=owner).first()
            if application is None:
                application = self._submitted(edition, owner)
                if target != "submitted":
                    applications.application_recommend(
                        application=application, by=self.coordinator, opinion="经审核，同意推荐（演示数据）。"
                    )
                if target not in ("submitted", "recommended"):
                    applications.application_start_review(application=application, by=self.office)
            units.append((application, target))
        edition_stages = {kind: self._edition_stage(edition, rulebook.stages.get(kind=kind)) for kind in REVIEW_ORDER}

        # Through the gates: the public-opinion check, then the departments' sign-offs of the qualification check.
        for application, target in units:
            if target in REVIEW_ORDER and REVIEW_ORDER.index(target) > 0:
                self._pass_public_opinion(edition_stages[StageKind.PUBLIC_OPINION], application)
        for application, target in units:
            if target in REVIEW_ORDER:
                self._sign_off(
                    edition_stages[StageKind.QUALIFICATION_CHECK],
                    application,
                    complete=target != (StageKind.QUALIFICATION_CHECK),
                )

        # The material review: every application at it gets its experts; the application bound for the on-site
        # review is scored by all of them and passed on, the others wait for demo-expert's sheets.
        material = edition_stages[StageKind.MATERIAL_REVIEW]
        self._assign(material)
        for application, target in units:
            if target == StageKind.ONSITE_REVIEW:
                self._score_and_pass(material, application)
        for assignment in Assignment.objects.filter(
            edition_stage=material, expert=experts["demo-expert"], withdrawn_at__isnull=True
        ).order_by("application_id")[:1]:
            # demo-expert has declared for one application already and begun its sheet; the rest wait undeclared.
            assignment = self._declare(assignment)
            if not ScoreSheet.objects.filter(assignment=assignment).exists():
                scoring.sheet_save(assignment=assignment, by=assignment.expert.user, scores=self._scores(material, 3))

        # The on-site review: experts assigned, the visit scheduled a few days ahead.
        onsite = edition_stages[StageKind.ONSITE_REVIEW]
        self._assign(onsite)
        for application, target in units:
            if target == StageKind.ONSITE_REVIEW and not onsite.site_visits.filter(application=application).exists():
                team = [
                    a.expert
                    for a in Assignment.objects.filter(
                        edition_stage=onsite, application=application, withdrawn_at__isnull=True
                    ).select_related("expert")
                ]
                stage_records.site_visit_schedule(
                    edition_stage=onsite,
                    application=application,
                    scheduled_on=self.today + timedelta(days=3),
                    place="威海市环翠区海滨北路 88 号（企业生产现场）",
                    team=team,
                    checklist=["查看生产现场与质量控制点", "访谈高层领导与一线员工", "核对近三年质量指标原始记录"],
                    note="演示数据",
                    by=self.office,
                )

    def _unit(self, username, name, code, industry, district) -> User:
        organisation, _created = Organisation.objects.get_or_create(
            credit_code=code + uscc_check_character(code), defaults={"name": name, "district": district}
        )
        UnitProfile.objects.get_or_create(
            organisation=organisation,
            defaults={
                "industry": industry,
                "founded_on": date(2010, 3, 1),
                "operating_since": date(2010, 6, 1),
                "independent_legal_person": True,
                "contact_name": "质量部 王经理",
                "contact_phone": "0631-5800000",
            },
        )
        owner, created = User.objects.get_or_create(
            username=username,
            defaults={"display_name": name, "organisation": organisation, "email": f"{username}@example.cn"},
        )
        if created:
            owner.set_password(DEMO_PASSWORD)
            owner.save(update_fields=["password"])
            user_assign_roles(user=owner, roles=[Role.APPLICANT])
        return owner

    def _submitted(self, edition, owner) -> Application:
        application = applications.application_create(edition=edition, category=Category.UNIT, by=owner)
        applications.application_save_draft(
            application=application,
            by=owner,
            # The demo unit ticks every declaration its rulebook asks for (e.g. Weihai art. 3).
            form_data={
                **FORM,
                "declared": list(
                    edition.rulebook.eligibility_rules.filter(category=Category.UNIT).values_list("kind", flat=True)
                ),
            },
            profitable_years=3,
            accident_free_declared=True,
            violation_free_declared=True,
        )
        applications.application_file_upload(
            application=application, by=owner, kind=FileKind.SELF_EVALUATION, uploaded=_pdf()
        )
        # The rulebook's required materials (applications.RequiredMaterial) include the evidence.
        applications.application_file_upload(application=application, by=owner, kind=FileKind.EVIDENCE, uploaded=_pdf())
        return applications.application_submit(application=application, by=owner)

    def _edition_stage(self, edition, stage) -> EditionStage:
        existing = EditionStage.objects.filter(edition=edition, stage=stage).first()
        if existing is not None:
            return existing
        scored = stage.kind in (StageKind.MATERIAL_REVIEW, StageKind.ONSITE_REVIEW)
        opens = {
            StageKind.PUBLIC_OPINION: self.today - timedelta(days=14),
            StageKind.QUALIFICATION_CHECK: self.today - timedelta(days=10),
            StageKind.MATERIAL_REVIEW: self.today - timedelta(days=5),
            StageKind.ONSITE_REVIEW: self.today - timedelta(days=1),
        }[stage.kind]
        created = stages.edition_stage_create(
            edition=edition,
            stage=stage,
            opens=opens,
            sheets_due=self.today + timedelta(days=21),
            experts_per_application=3 if scored else 1,
            score_sheet=ScoreSheetTemplate.objects.get(code="gbt19580-2012-unit") if scored else None,
            by=self.office,
        )
        if stage.kind == StageKind.QUALIFICATION_CHECK:
            stage_records.stage_departments_set(edition_stage=created, names=DEPARTMENTS, by=self.office)
        return created

    def _at(self, application, kind) -> bool:
        application.refresh_from_db()
        return application.state == ApplicationState.IN_REVIEW and application.current_stage.kind == kind

    def _pass_public_opinion(self, edition_stage, application) -> None:
        if self._at(application, StageKind.PUBLIC_OPINION):
            stage_records.gate_record(
                edition_stage=edition_stage,
                application=application,
                outcome=GateOutcome.PASS,
                note="经网络舆情检索，未发现负面信息（演示数据）。",
                by=self.office,
            )

    def _sign_off(self, edition_stage, application, *, complete: bool) -> None:
        """The office signs for the departments; the demo department's own signature is left to
        demo-qualification where the application is to wait at the qualification check."""
        if not self._at(application, StageKind.QUALIFICATION_CHECK):
            return
        signed = set(edition_stage.sign_offs.filter(application=application).values_list("department", flat=True))
        if not complete and signed:
            return
        for department in DEPARTMENTS:
            if department in signed or (not complete and department == DEMO_DEPARTMENT):
                continue
            stage_records.department_sign_off(
                edition_stage=edition_stage,
                application=application,
                department=department,
                decision=SignOffDecision.APPROVE,
                note="资格符合要求（演示数据）。",
                by=self.office,
            )
            if not complete:
                return

    def _assign(self, edition_stage) -> None:
        has_work = assigning.edition_stage_applications(edition_stage).exists()
        if has_work and not Assignment.objects.filter(edition_stage=edition_stage).exists():
            assigning.assign_optimal(edition_stage=edition_stage, by=self.office)

    @staticmethod
    def _declare(assignment) -> Assignment:
        """The expert declares no conflict (once); returns the assignment read again, with its declaration."""
        if not ConflictDeclaration.objects.filter(assignment=assignment).exists():
            assigning.conflict_declare(
                assignment=assignment, decision=ConflictDecision.NO_CONFLICT, by=assignment.expert.user
            )
        # Before the edition's material the expert signs its rulebook's undertaking of confidentiality (once).
        edition = assignment.edition_stage.edition
        user = assignment.expert.user
        if undertakings.undertaking_rules(edition) is not None and not undertakings.has_signed(
            user=user, edition=edition
        ):
            undertakings.undertaking_sign(edition=edition, by=user)
        return Assignment.objects.select_related("expert__user", "edition_stage__stage", "declaration").get(
            pk=assignment.pk
        )

    @staticmethod
    def _scores(edition_stage, seed: int, *, complete: bool = False) -> dict:
        """Points for the leaf items of the stage's sheet, inside its bands (between 70 and 85 %, varied by
        `seed`); without `complete`, the first category's items only (a draft begun)."""
        items = list(ScoreItem.objects.filter(template=edition_stage.score_sheet).order_by("position"))
        parents = {item.parent_id for item in items if item.parent_id}
        scores = {}
        for position, item in enumerate(items):
            if not complete and position > 3:
                break
            entry = {"strengths": "体系完整，过程受控。", "opportunities": "数据分析可以更深入。"}
            if item.pk not in parents:
                percent = Decimal(70 + (position * 7 + seed * 3) % 16) / 100
                entry["points"] = str((item.points * percent).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
            scores[item.pk] = entry
        return scores

    def _score_and_pass(self, edition_stage, application) -> None:
        if not self._at(application, StageKind.MATERIAL_REVIEW):
            return
        for seed, assignment in enumerate(
            Assignment.objects.filter(
                edition_stage=edition_stage, application=application, withdrawn_at__isnull=True
            ).select_related("expert__user", "edition_stage__stage")
        ):
            assignment = self._declare(assignment)
            sheet = scoring.sheet_save(
                assignment=assignment,
                by=assignment.expert.user,
                scores=self._scores(edition_stage, seed, complete=True),
            )
            if sheet.state == SheetState.DRAFT:
                scoring.sheet_submit(sheet=sheet, by=assignment.expert.user)
        applications.application_pass_stage(
            application=application,
            by=self.office,
            stage=edition_stage.stage,
            comment="材料评审得分进入现场评审（演示数据）。",
        )
