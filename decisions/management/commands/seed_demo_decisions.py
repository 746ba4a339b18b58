"""Demo data of the decision phase, for `make run`, one edition at each step after the review:

- Weihai, last year's edition: candidates proposed, waiting for the office to publish the public notice;
- Zibo 2025: proposed winners in public notice (the public notice, the objection form and the decision board);
- Shandong benchmark 2021: winners approved by the organiser, waiting for the announcement;
- Linyi 2021: winners announced with their certificates (results, honour roll and the verification page).

Runs after seed_demo; safe to run again: an edition that already has applications is left alone."""

import io
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from pypdf import PdfWriter

from accounts.enums import Role
from accounts.models import District, Organisation, User
from applications.enums import ApplicationState
from applications.models import Application, UnitProfile
from awards.enums import Category, StageKind, Tier
from awards.models import Edition
from reviews.models import CandidateProposal

from ... import notice as notice_services
from ... import services

# The state field is protected: demo applications are created directly in the state the demo needs, as fixtures do.
ZIBO_UNITS = [
    ("淄博示范化工有限公司", "91370303MA3DEMA01X", "370303"),
    ("淄博精密陶瓷股份有限公司", "91370302MA3DEMA02X", "370302"),
    ("淄博智能装备制造有限公司", "91370305MA3DEMA03X", "370305"),
]
WEIHAI_UNITS = [
    ("威海海之星渔业科技有限公司", "91371002MA3DEMA06X", "371002"),
    ("荣成蓝色海洋装备有限公司", "91371082MA3DEMA07X", "371082"),
]
SHANDONG_UNITS = [
    ("济南示范智能制造有限公司", "91370100MA3DEMA08X", "370100"),
    ("烟台示范精细化工有限公司", "91370600MA3DEMA09X", "370600"),
]
LINYI_UNITS = [
    ("临沂示范食品有限公司", "91371302MA3DEMA04X", "371302"),
    ("临沂新材料科技有限公司", "91371311MA3DEMA05X", "371311"),
]


def _blank_pdf() -> bytes:
    """A one-page blank A4 PDF standing in for the scanned approval document of the demo."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Demo data of the public notice and of announced winners (after seed_demo)."

    def handle(self, *args, **options):
        office = User.objects.filter(username="demo-office").first()
        if office is None:
            self.stdout.write(self.style.WARNING("Run seed_demo first."))
            return
        weihai = Edition.objects.filter(scheme__code="weihai-mayor", year=timezone.localdate().year - 1).first()
        zibo = Edition.objects.filter(scheme__code="zibo-leading", year=2025).first()
        shandong = Edition.objects.filter(scheme__code="shandong-benchmark", year=2021).first()
        linyi = Edition.objects.filter(scheme__code="linyi-mayor", year=2021).first()
        if weihai and not Application.objects.filter(edition=weihai).exists():
            with transaction.atomic():
                self._candidates(weihai, WEIHAI_UNITS, StageKind.PUBLIC_NOTICE)
        if zibo and not Application.objects.filter(edition=zibo).exists():
            self._notice(zibo, office)
        if shandong and not Application.objects.filter(edition=shandong).exists():
            self._approved(shandong, office)
        if linyi and not Application.objects.filter(edition=linyi).exists():
            self._announced(linyi, office)
        self.stdout.write(self.style.SUCCESS("Demo decisions ready."))

    def _candidates(self, edition, units, stage_kind):
        stage = edition.rulebook.stages.get(kind=stage_kind)
        applications = []
        for rank, (name, code, district_code) in enumerate(units, start=1):
            district = (
                District.objects.filter(code=district_code).first()
                or District.objects.filter(parent__isnull=False).first()
            )
            organisation, _ = Organisation.objects.get_or_create(
                credit_code=self._credit_code(code), defaults={"name": name, "district": district}
            )
            UnitProfile.objects.get_or_create(
                organisation=organisation,
                defaults={
                    "industry": "制造业",
                    "founded_on": date(2008, 1, 1),
                    "operating_since": date(2008, 6, 1),
                    "contact_name": "联系人",
                    "contact_phone": "0533-0000000",
                },
            )
            owner, created = User.objects.get_or_create(
                username=f"demo-{code[-6:].lower()}",
                defaults={"display_name": name, "organisation": organisation, "email": f"{code[-6:]}@example.cn"},
            )
            if created:
                owner.set_unusable_password()
                owner.save(update_fields=["password"])
                owner.groups.add(*owner.groups.model.objects.filter(name=Role.APPLICANT))
            application = Application.objects.create(
                edition=edition,
                category=Category.UNIT,
                owner=owner,
                organisation=organisation,
                applicant_key=f"org:{organisation.pk}",
                recommender=organisation.district,
                number=f"{edition.scheme.number_prefix}-{edition.year}-{rank:04d}",
                state=ApplicationState.CANDIDATE,
                current_stage=stage,
                submitted_at=timezone.now(),
            )
            CandidateProposal.objects.create(
                edition=edition,
                application=application,
                category=Category.UNIT,
                tier=Tier.AWARD,
                rank=rank,
                score=90 - rank,
            )
            applications.append(application)
        return applications

    @staticmethod
    def _credit_code(base: str) -> str:
        # A valid GB 32100 check character for the demo codes (the last one is a placeholder).
        from accounts.validators import uscc_check_character

        return base[:17] + uscc_check_character(base[:17])

    @transaction.atomic
    def _notice(self, edition, office):
        self._candidates(edition, ZIBO_UNITS, StageKind.PUBLIC_NOTICE)
        today = timezone.localdate()
        try:
            notice_services.notice_open(
                edition=edition,
                by=office,
                starts_on=today,
                how_to_object="请以书面形式实名向市质量强市办提出异议，电话 0533-0000000（演示数据）。",
            )
        except Exception as error:  # noqa: BLE001 - a demo without calendar data for the period still starts
            self.stdout.write(self.style.WARNING(f"Demo notice not published: {error}"))

    @transaction.atomic
    def _approved(self, edition, office):
        applications = self._candidates(edition, SHANDONG_UNITS, StageKind.ORGANISER_APPROVAL)
        services.approval_record(
            edition=edition,
            stage=edition.rulebook.stages.get(kind=StageKind.ORGANISER_APPROVAL),
            by=office,
            held_on=date(2021, 11, 30),
            document_number="鲁工信质〔2021〕88号",
            document=ContentFile(_blank_pdf(), name="审定意见.pdf"),
        )
        for application in applications:
            services.application_approve(application=application, by=office)

    @transaction.atomic
    def _announced(self, edition, office):
        applications = self._candidates(edition, LINYI_UNITS, StageKind.GOVERNMENT_APPROVAL)
        day = date(2021, 12, 20)
        stage = edition.rulebook.stages.get(kind=StageKind.GOVERNMENT_APPROVAL)
        document = ContentFile(_blank_pdf(), name="批复.pdf")
        services.approval_record(
            edition=edition,
            stage=stage,
            by=office,
            held_on=day,
            document_number="临政字〔2021〕99号",
            document=document,
        )
        for application in applications:
            services.application_approve(application=application, by=office)
        services.announcement_record(
            edition=edition,
            stage=edition.rulebook.stages.get(kind=StageKind.ANNOUNCEMENT),
            by=office,
            held_on=day + timedelta(days=1),
            document_number="临政发〔2021〕100号",
        )
