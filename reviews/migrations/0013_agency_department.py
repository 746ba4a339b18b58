"""The third-party agency that runs an edition's review stage."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0007_department_agency"),
        ("reviews", "0010_stage_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="editionstage",
            name="run_by",
            field=models.ForeignKey(
                blank=True,
                help_text="The agency whose staff run this stage; empty: the office runs it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="run_stages",
                to="accounts.organisation",
                verbose_name="run by (third-party agency)",
            ),
        ),
    ]
