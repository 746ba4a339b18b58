"""Qualification departments (Linyi art. 15) and the bindings of department and agency accounts."""

import django.db.models.deletion
from django.db import migrations, models

# The departments Linyi's rulebook names for the qualification check (art. 15), as its stage text lists them.
LINYI = ("371300", ["市发改委", "市经信委", "市人社局", "市农业局", "市卫计委", "市环保局", "市质监局", "市安监局", "市食药监局"])


def departments_load(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    District = apps.get_model("accounts", "District")
    code, names = LINYI
    region = District.objects.filter(code=code).first()
    if region is None:
        return
    for name in names:
        Department.objects.get_or_create(region=region, name=name)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0006_audit_delete_action"),
    ]

    operations = [
        migrations.CreateModel(
            name="Department",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=60, verbose_name="name")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "region",
                    models.ForeignKey(
                        blank=True,
                        help_text="The city or province the department belongs to.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.district",
                        verbose_name="region",
                    ),
                ),
            ],
            options={
                "verbose_name": "qualification department",
                "verbose_name_plural": "qualification departments",
                "ordering": ["region__code", "name"],
                "constraints": [
                    models.UniqueConstraint(fields=("region", "name"), name="department_unique_name_in_region")
                ],
            },
        ),
        migrations.AddField(
            model_name="user",
            name="department",
            field=models.ForeignKey(
                blank=True,
                help_text="The department a qualification-department account signs for.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="members",
                to="accounts.department",
                verbose_name="qualification department",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                help_text="The agency a third-party agency account works for; it acts on the stages its agency runs.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agency_staff",
                to="accounts.organisation",
                verbose_name="third-party agency",
            ),
        ),
        migrations.RunPython(departments_load, migrations.RunPython.noop),
    ]
