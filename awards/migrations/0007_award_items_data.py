"""What each rulebook gives its winners, with the article, and what it takes back on revocation."""

from django.db import migrations

UNIT, INDIVIDUAL = "unit", "individual"
CERT, PLAQUE, TROPHY, MONEY = "certificate", "plaque", "trophy", "award_money"

# scheme code → [(category, kind, article, recovered on revocation)]
ITEMS = {
    "zibo-leading": [(UNIT, CERT, "", False), (INDIVIDUAL, CERT, "", False)],
    "weihai-mayor": [
        (UNIT, PLAQUE, "第十六条", True),
        (UNIT, CERT, "第十六条", False),
        (UNIT, MONEY, "第十七条", True),
        (INDIVIDUAL, CERT, "第十六条", True),
        (INDIVIDUAL, MONEY, "第十七条", True),
    ],
    "linyi-mayor": [
        (UNIT, TROPHY, "第十九条", False),
        (UNIT, PLAQUE, "第十九条", False),
        (UNIT, CERT, "第十九条", False),
        (UNIT, MONEY, "第十九条", False),
        (INDIVIDUAL, TROPHY, "第十九条", False),
        (INDIVIDUAL, CERT, "第十九条", False),
        (INDIVIDUAL, MONEY, "第十九条", False),
    ],
    "shandong-benchmark": [(UNIT, CERT, "", False)],
    "national-benchmark": [(UNIT, CERT, "", False)],
}

# None of the texts states a quorum or a majority for a plenary; the defaults (two thirds present, more than half
# of those present) are the office's working rule and say so.
PLENARY_NOTE = "办法未规定，按办公室工作规则"


def load(apps, schema_editor):
    Rulebook = apps.get_model("awards", "Rulebook")
    AwardItem = apps.get_model("awards", "AwardItem")
    for rulebook in Rulebook.objects.select_related("scheme"):
        for category, kind, article, recovered in ITEMS.get(rulebook.scheme.code, []):
            AwardItem.objects.get_or_create(
                rulebook=rulebook,
                category=category,
                kind=kind,
                defaults={"article": article, "recovered_on_revocation": recovered},
            )
        if rulebook.scheme.code in {"linyi-mayor", "national-benchmark"} and not rulebook.plenary_article:
            rulebook.plenary_article = PLENARY_NOTE
            rulebook.save(update_fields=["plenary_article"])


class Migration(migrations.Migration):
    dependencies = [("awards", "0006_plenary_rules_award_items")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
