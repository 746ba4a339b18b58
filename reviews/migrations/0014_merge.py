from django.db import migrations


class Migration(migrations.Migration):
    """Joins the three branches written side by side: stage closing, the expert pool, agency and department."""

    dependencies = [
        ("reviews", "0011_stage_close"),
        ("reviews", "0012_expert_pool"),
        ("reviews", "0013_agency_department"),
    ]

    operations = []
