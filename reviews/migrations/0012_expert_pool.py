"""The office deactivates and reactivates experts in the portal: when and why an expert left the pool."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0010_stage_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="expertprofile",
            name="deactivated_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="deactivated at"),
        ),
        migrations.AddField(
            model_name="expertprofile",
            name="deactivation_reason",
            field=models.CharField(blank=True, max_length=300, verbose_name="reason for the deactivation"),
        ),
        migrations.AlterField(
            model_name="expertprofile",
            name="full_name",
            field=models.CharField(max_length=60, verbose_name="name of the expert"),
        ),
    ]
