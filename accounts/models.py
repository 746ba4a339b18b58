from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import AuditAction, AuditResult, DistrictLevel, OrganisationKind, Role
from .validators import normalise_credit_code, validate_credit_code


class District(models.Model):
    """A place that recommends applicants: a district, county or zone of a city, a city of the province, or the
    province itself. Loaded as data; the office may add more."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=20, choices=DistrictLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]
        # Granted per district with django-guardian to the coordinators who recommend there.
        permissions = [("recommend_in_district", _("Can recommend the applications of this district"))]

    def __str__(self) -> str:
        if self.parent_id and self.level != DistrictLevel.CITY:
            return f"{self.parent.name}{self.name}"
        return self.name

    def recommender_at(self, level: str) -> "District | None":
        """The district whose coordinators recommend an applicant located here, at the level a scheme names:
        "county" (this county-level unit itself), "city" or "province"."""
        if level == "county":
            return self if self.level not in (DistrictLevel.CITY, DistrictLevel.PROVINCE) else None
        node = self
        while node is not None and node.level != level:
            node = node.parent
        return node

    def is_within(self, region: "District | None") -> bool:
        """True when this district is the region itself or lies below it (no region: anywhere)."""
        if region is None:
            return True
        node = self
        while node is not None:
            if node.pk == region.pk:
                return True
            node = node.parent
        return False

    @property
    def city(self) -> "District | None":
        node = self
        while node is not None and node.level not in (DistrictLevel.CITY, DistrictLevel.PROVINCE):
            node = node.parent
        return node


class Organisation(models.Model):
    """A unit: a legal person or other organisation identified by its unified social credit code."""

    name = models.CharField(_("full name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.ENTERPRISE
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.credit_code = normalise_credit_code(self.credit_code)


def role_label(name: str) -> str:
    """The label a person reads for a role group's name (a Role value); any other group keeps its name."""
    try:
        return str(Role(name).label)
    except ValueError:
        return name


class Department(models.Model):
    """A government department that signs off the qualification check of applications (Linyi art. 15: 市发改委,
    市经信委, …). Its name is the one an edition stage lists among its signing departments; its region is the city
    (or province) it belongs to, so that two cities' 市发改委 stay apart."""

    name = models.CharField(_("name"), max_length=60)
    region = models.ForeignKey(
        District,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The city or province the department belongs to."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("qualification department")
        verbose_name_plural = _("qualification departments")
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_in_region")]

    def __str__(self) -> str:
        if not self.region_id:
            return self.name
        region = self.region.name
        # "威海市" and "市发展改革委" read as 威海市发展改革委, not 威海市市发展改革委.
        name = self.name[1:] if self.name.startswith("市") and region.endswith("市") else self.name
        return f"{region}{name}"

    def serves(self, region_id: int | None) -> bool:
        """True when this department may sign for a scheme of `region_id` (a department without a region: any)."""
        return self.region_id is None or self.region_id == region_id


class User(AbstractUser):
    """A person who logs in. Roles are groups (see accounts.enums.Role)."""

    display_name = models.CharField(_("name"), max_length=60, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where the person works. A coordinator's districts are granted as object permissions."),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("qualification department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("The department a qualification-department account signs for."),
    )
    agency = models.ForeignKey(
        Organisation,
        verbose_name=_("third-party agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agency_staff",
        help_text=_("The agency a third-party agency account works for; it acts on the stages its agency runs."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def role_names(self) -> set[str]:
        cached = getattr(self, "_role_names", None)
        if cached is None:
            cached = set(self.groups.values_list("name", flat=True)) if self.pk else set()
            self._role_names = cached
        return cached

    def has_role(self, role: Role | str) -> bool:
        return str(role) in self.role_names

    @property
    def roles(self) -> list[Role]:
        return [role for role in Role if role.value in self.role_names]


class AuditEventQuerySet(models.QuerySet):
    """Audit rows are written once and never changed: bulk updates and deletes are refused in code too."""

    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One append-only line of the audit trail. On PostgreSQL a trigger refuses UPDATE and DELETE as well."""

    occurred_at = models.DateTimeField(_("time (UTC)"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices, db_index=True)
    result = models.CharField(
        _("result"), max_length=20, choices=AuditResult.choices, default=AuditResult.SUCCESS
    )
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.result}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")
