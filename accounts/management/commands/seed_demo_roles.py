"""Demo bindings of the roles that act on one part of the work, for `make run` (after seed_demo, seed_demo_decisions
and seed_demo_reviews): demo-qualification signs for 威海市发展改革委, demo-agency works for a demo evaluation agency
that runs this year's Weihai public-opinion check and on-site review, and demo-supervisor sits on the supervision
group of Zibo's 2025 edition. Safe to run again: what is bound already is left alone.

The demo data of the higher apps (review stages, supervision groups) is reached through their own services, imported
inside the command: a management command is the one place where the demo glues the apps together."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.bindings import user_agency_set, user_department_set
from accounts.enums import AuditAction, OrganisationKind
from accounts.models import Department, District, Organisation, User
from accounts.services import audit_record
from accounts.validators import uscc_check_character

# The departments that sign off Weihai's demo qualification check (seed_demo_reviews lists the same names).
WEIHAI_DEPARTMENTS = ["市发展改革委", "市工业和信息化局", "市市场监督管理局"]
DEMO_DEPARTMENT = WEIHAI_DEPARTMENTS[0]
AGENCY_NAME = "威海市质量评价研究中心（演示）"
AGENCY_CODE = "12371000MB2DEMA01"  # the 18th character is computed
# This year's Weihai stages the demo agency runs.
AGENCY_STAGES = ("public_opinion", "onsite_review")


class Command(BaseCommand):
    help = "Bind the demo department, agency and supervisor accounts to their work (after the other demo seeds)."

    def handle(self, *args, **options):
        self.admin = User.objects.filter(username="demo-admin").first()
        self.office = User.objects.filter(username="demo-office").first()
        if self.admin is None or self.office is None:
            self.stdout.write(self.style.WARNING("Run seed_demo first."))
            return
        with transaction.atomic():
            self._department()
            agency = self._agency()
            stages = self._agency_stages(agency)
            group = self._supervision()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo roles bound: {DEMO_DEPARTMENT}, {agency} ({stages} stages), "
                f"supervision group {group or '-'}."
            )
        )

    def _department(self) -> None:
        weihai = District.objects.get(code="371000")
        for name in WEIHAI_DEPARTMENTS:
            Department.objects.get_or_create(region=weihai, name=name)
        user = User.objects.filter(username="demo-qualification").first()
        if user is not None and user.department_id is None:
            user_department_set(
                user=user, department=Department.objects.get(region=weihai, name=DEMO_DEPARTMENT), by=self.admin
            )

    def _agency(self) -> Organisation:
        agency, _created = Organisation.objects.get_or_create(
            credit_code=AGENCY_CODE + uscc_check_character(AGENCY_CODE),
            defaults={
                "name": AGENCY_NAME,
                "kind": OrganisationKind.INSTITUTION,
                "district": District.objects.get(code="371002"),
            },
        )
        user = User.objects.filter(username="demo-agency").first()
        if user is not None and user.agency_id is None:
            user_agency_set(user=user, agency=agency, by=self.admin)
        return agency

    def _agency_stages(self, agency: Organisation) -> int:
        from reviews.models import EditionStage

        stages = EditionStage.objects.filter(
            edition__scheme__code="weihai-mayor",
            edition__year=timezone.localdate().year,
            stage__kind__in=AGENCY_STAGES,
        )
        for edition_stage in stages.filter(run_by__isnull=True):
            # The stage set-up form sets the agency of a new stage; these stages were set up before it existed.
            EditionStage.objects.filter(pk=edition_stage.pk).update(run_by=agency)
            audit_record(
                action=AuditAction.UPDATE,
                actor=self.office,
                obj=edition_stage,
                detail=f"run by {agency.credit_code} (demo data)",
            )
        return stages.filter(run_by=agency).count()

    def _supervision(self):
        from awards.models import Edition
        from revocation.aftercare import services as aftercare
        from revocation.aftercare.enums import MemberKind
        from revocation.aftercare.models import SupervisionGroup

        user = User.objects.filter(username="demo-supervisor").first()
        edition = Edition.objects.filter(scheme__code="zibo-leading", year=2025).first()
        if user is None or edition is None:
            return None
        group = SupervisionGroup.objects.filter(edition=edition).first()
        if group is None:
            group = aftercare.supervision_group_create(edition=edition, by=self.office)
        if not group.members.filter(user=user).exists() and not group.is_confirmed:
            aftercare.supervision_member_add(
                group=group,
                kind=MemberKind.DEPUTY,
                full_name="赵代表",
                organisation_name="淄博市人大代表（演示）",
                position="市人大代表",
                user=user,
                by=self.office,
            )
            aftercare.supervision_member_add(
                group=group,
                kind=MemberKind.JOURNALIST,
                full_name="钱记者",
                organisation_name="淄博日报社（演示）",
                by=self.office,
            )
        if not group.is_confirmed and not group.is_dissolved:
            aftercare.supervision_group_confirm(group=group, by=self.office)
        return group
