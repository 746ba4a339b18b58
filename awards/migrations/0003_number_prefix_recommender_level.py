import django.core.validators
from django.db import migrations, models

PREFIXES = {
    "zibo-leading": "ZB",
    "weihai-mayor": "WH",
    "linyi-mayor": "LY",
    "shandong-benchmark": "SD",
    "national-benchmark": "QG",
}
# City awards are recommended by districts and counties (Zibo art. 15, Weihai art. 13, Linyi art. 14);
# the provincial benchmark by the city bureaus (2021 notice, part 一（三）); the national benchmark by the
# provincial industry departments within their quota (art. 7, 17).
LEVELS = {"shandong-benchmark": "city", "national-benchmark": "province"}


def forward(apps, schema_editor):
    Scheme = apps.get_model("awards", "Scheme")
    Rulebook = apps.get_model("awards", "Rulebook")
    for code, prefix in PREFIXES.items():
        Scheme.objects.filter(code=code).update(number_prefix=prefix)
    for scheme in Scheme.objects.filter(number_prefix__isnull=True):
        scheme.number_prefix = f"S{scheme.pk}"[:6].upper()
        scheme.save(update_fields=["number_prefix"])
    for code, level in LEVELS.items():
        Rulebook.objects.filter(scheme__code=code).update(recommender_level=level)


class Migration(migrations.Migration):
    dependencies = [("awards", "0002_schemes")]

    operations = [
        migrations.AddField(
            model_name="scheme",
            name="number_prefix",
            field=models.CharField(max_length=6, null=True),
        ),
        migrations.AddField(
            model_name="rulebook",
            name="recommender_level",
            field=models.CharField(
                choices=[("county", "District or county"), ("city", "City"), ("province", "Province")],
                default="county",
                help_text=(
                    "The level whose coordinators recommend applicants: a district or county (city awards), a city "
                    "(provincial benchmark) or the province (national benchmark)."
                ),
                max_length=20,
                verbose_name="recommended by",
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="scheme",
            name="number_prefix",
            field=models.CharField(
                help_text="Two to six capital letters that start this scheme's application numbers, e.g. WH.",
                max_length=6,
                unique=True,
                validators=[django.core.validators.RegexValidator("^[A-Z]{2,6}$", "Use two to six capital letters.")],
                verbose_name="application number prefix",
            ),
        ),
    ]
