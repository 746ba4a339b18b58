import random

import factory
from django.contrib.auth.models import Group

from accounts.models import District, Organisation, User
from accounts.validators import USCC_ALPHABET, uscc_check_character

TEST_PASSWORD = "Test-Passw0rd-2026"


def make_credit_code(rng: random.Random | None = None, division: str = "371002") -> str:
    rng = rng or random.Random()
    body = "91" + division + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check_character(body)


def district(code: str) -> District:
    return District.objects.get(code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试质量科技有限公司{n}")
    credit_code = factory.LazyFunction(make_credit_code)
    district = factory.LazyFunction(lambda: district("371002"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=[str(r) for r in extracted]))
            self.__dict__.pop("_role_names", None)


def confirm_office_values(rulebook, *, by=None, basis="测试：办公室已确认") -> int:
    """Mark every office-set value of `rulebook` (a Rulebook, or a scheme code for its newest rulebook) as
    confirmed, as a test's office would on the office-set values page; returns how many were confirmed."""
    from django.utils import timezone

    from awards.models import OfficeSetValue, Rulebook

    if isinstance(rulebook, str):
        rulebook = Rulebook.objects.filter(scheme__code=rulebook).order_by("-valid_from").first()
    return OfficeSetValue.objects.filter(rulebook=rulebook, confirmed_at__isnull=True).update(
        basis=basis, confirmed_by=by, confirmed_at=timezone.now()
    )
