"""The districts of the three cities, the cities of the province and the province itself, as data."""

from django.db import migrations

PROVINCE = ("370000", "山东省", "province")

CITIES = [
    ("370100", "济南市"), ("370200", "青岛市"), ("370300", "淄博市"), ("370400", "枣庄市"), ("370500", "东营市"),
    ("370600", "烟台市"), ("370700", "潍坊市"), ("370800", "济宁市"), ("370900", "泰安市"), ("371000", "威海市"),
    ("371100", "日照市"), ("371300", "临沂市"), ("371400", "德州市"), ("371500", "聊城市"), ("371600", "滨州市"),
    ("371700", "菏泽市"),
]

DISTRICTS = {
    "370300": [  # 淄博: districts and counties, with the zones of Zibo art. 13
        ("370302", "淄川区", "district"), ("370303", "张店区", "district"), ("370304", "博山区", "district"),
        ("370305", "临淄区", "district"), ("370306", "周村区", "district"), ("370321", "桓台县", "county"),
        ("370322", "高青县", "county"), ("370323", "沂源县", "county"),
        ("370300-GX", "高新区", "zone"), ("370300-JK", "经济开发区", "zone"), ("370300-WCH", "文昌湖省级旅游度假区", "zone"),
    ],
    "371000": [  # 威海
        ("371002", "环翠区", "district"), ("371003", "文登区", "district"), ("371082", "荣成市", "county_city"),
        ("371083", "乳山市", "county_city"), ("371000-GQ", "火炬高技术产业开发区", "zone"),
        ("371000-JQ", "经济技术开发区", "zone"), ("371000-LG", "临港经济技术开发区", "zone"),
        ("371000-NH", "南海新区", "zone"),
    ],
    "371300": [  # 临沂
        ("371302", "兰山区", "district"), ("371311", "罗庄区", "district"), ("371312", "河东区", "district"),
        ("371321", "沂南县", "county"), ("371322", "郯城县", "county"), ("371323", "沂水县", "county"),
        ("371324", "兰陵县", "county"), ("371325", "费县", "county"), ("371326", "平邑县", "county"),
        ("371327", "莒南县", "county"), ("371328", "蒙阴县", "county"), ("371329", "临沭县", "county"),
        ("371300-GX", "高新技术产业开发区", "zone"), ("371300-JK", "经济技术开发区", "zone"),
        ("371300-LG", "临港经济开发区", "zone"),
    ],
}


def forward(apps, schema_editor):
    District = apps.get_model("accounts", "District")
    province, _ = District.objects.update_or_create(
        code=PROVINCE[0], defaults={"name": PROVINCE[1], "level": PROVINCE[2], "parent": None}
    )
    for code, name in CITIES:
        city, _ = District.objects.update_or_create(
            code=code, defaults={"name": name, "level": "city", "parent": province}
        )
        for sub_code, sub_name, level in DISTRICTS.get(code, []):
            District.objects.update_or_create(
                code=sub_code, defaults={"name": sub_name, "level": level, "parent": city}
            )


def backward(apps, schema_editor):
    pass  # districts may be referenced by then; leave them


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_audit_append_only_trigger")]
    operations = [migrations.RunPython(forward, backward)]
