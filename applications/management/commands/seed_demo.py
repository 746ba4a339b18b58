"""Demo accounts for every role and demo editions, for `make run`. Safe to run again: it changes nothing twice."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.enums import Role
from accounts.models import District, Organisation, User
from accounts.services import coordinator_grant_district, user_assign_roles
from awards.enums import EditionStatus
from awards.models import Edition, Scheme

from ...models import UnitProfile

DEMO_PASSWORD = "Demo@Portal2026"

# username, display name, roles, district code, organisation credit code, staff
DEMO_USERS = [
    ("demo-applicant", "威海示范精工有限公司", [Role.APPLICANT], None, "91371002MA3C4YQX0G", False),
    ("demo-coordinator", "环翠区质量强区办 王协调", [Role.DISTRICT_COORDINATOR], "371002", None, False),
    ("demo-qualification", "市发展改革委 李审查", [Role.QUALIFICATION_DEPARTMENT], None, None, False),
    ("demo-expert", "评审专家 张教授", [Role.EXPERT], None, None, False),
    ("demo-agency", "第三方评价机构 刘经理", [Role.AGENCY_STAFF], None, None, False),
    ("demo-office", "市质量强市办 陈主任", [Role.OFFICE_STAFF], None, None, True),
    ("demo-supervisor", "监督组成员 赵代表", [Role.SUPERVISOR], None, None, False),
    ("demo-auditor", "审计员 孙审计", [Role.AUDITOR], None, None, True),
    ("demo-admin", "系统管理员 周管理", [Role.SYSADMIN], None, None, True),
]


class Command(BaseCommand):
    help = "Create the demo accounts of every role and demo editions of the five schemes."

    @transaction.atomic
    def handle(self, *args, **options):
        organisation, _ = Organisation.objects.get_or_create(
            credit_code="91371002MA3C4YQX0G",
            defaults={"name": "威海示范精工有限公司", "district": District.objects.get(code="371002")},
        )
        for username, name, roles, district_code, credit_code, staff in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "display_name": name,
                    "email": f"{username}@example.gov.cn",
                    "is_staff": staff,
                    "district": District.objects.get(code=district_code) if district_code else None,
                    "organisation": organisation if credit_code else None,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            user_assign_roles(user=user, roles=roles)
        self._unit_profile(organisation)
        self._coordinator_district()
        self._editions()
        self.stdout.write(self.style.SUCCESS(f"Demo accounts ready (password {DEMO_PASSWORD})."))

    def _unit_profile(self, organisation):
        UnitProfile.objects.get_or_create(
            organisation=organisation,
            defaults={
                "industry": "通用设备制造业",
                "founded_on": date(2012, 3, 15),
                "operating_since": date(2012, 9, 1),
                "four_new_field": False,
                "independent_legal_person": True,
                "encouraged_tags": ["sme", "high_tech"],
                "contact_name": "刘质量",
                "contact_phone": "0631-5201234",
            },
        )

    def _coordinator_district(self):
        coordinator = User.objects.get(username="demo-coordinator")
        district = District.objects.get(code="371002")
        # Granting again would only add another audit row; the permission is there already.
        if not coordinator.has_perm("accounts.recommend_in_district", district):
            coordinator_grant_district(user=coordinator, district=district)

    def _editions(self):
        today = timezone.localdate()
        # Weihai runs every year under rules in force 2024-2028: this year's edition takes applications now.
        self._edition(
            "weihai-mayor",
            year=today.year,
            title=f"{today.year}年度",
            number=None,
            opens=today - timedelta(days=20),
            closes=today + timedelta(days=40),
            recommend=today + timedelta(days=55),
            status=EditionStatus.OPEN,
        )
        # Last year's Weihai edition: its review is over and its candidates wait for the public notice.
        self._edition(
            "weihai-mayor",
            year=today.year - 1,
            title=f"{today.year - 1}年度",
            number=None,
            opens=date(today.year - 1, 3, 1),
            closes=date(today.year - 1, 4, 30),
            recommend=date(today.year - 1, 5, 31),
            status=EditionStatus.CLOSED,
        )
        # Past editions, each inside the validity window of its rulebook.
        self._edition(
            "zibo-leading",
            year=2025,
            title="第二届（2025年）",  # demo data: Zibo counts its editions in 届 (art. 4)
            number=2,
            opens=date(2025, 4, 1),
            closes=date(2025, 5, 31),
            recommend=date(2025, 6, 20),
            status=EditionStatus.FINISHED,
        )
        self._edition(
            "linyi-mayor",
            year=2021,
            title="第五届",
            number=5,
            opens=date(2021, 3, 1),
            closes=date(2021, 4, 30),
            recommend=date(2021, 5, 20),
            status=EditionStatus.FINISHED,
        )
        self._edition(
            "shandong-benchmark",
            year=2021,
            title="2021年度",
            number=None,
            opens=date(2021, 4, 12),
            closes=date(2021, 5, 15),
            recommend=date(2021, 5, 15),
            status=EditionStatus.FINISHED,
        )

    def _edition(self, code, *, year, title, number, opens, closes, recommend, status):
        scheme = Scheme.objects.filter(code=code).first()
        if scheme is None:
            return
        rulebook = next(
            (r for r in scheme.rulebooks.all() if r.in_force_on(opens) and r.in_force_on(closes)), None
        )
        if rulebook is None:
            self.stdout.write(
                self.style.WARNING(f"No rulebook of {code} is in force for {year}; edition skipped.")
            )
            return
        Edition.objects.get_or_create(
            scheme=scheme,
            year=year,
            defaults={
                "rulebook": rulebook,
                "title": title,
                "number": number,
                "application_opens": opens,
                "application_closes": closes,
                "recommendation_deadline": recommend,
                "status": status,
            },
        )
