"""Each rulebook's grounds of revocation, who proposes and who decides, the holder's duties and the spot-check rules
that have the portal propose a case, in the rulebooks' own words."""

from django.db import migrations

UNIT, INDIVIDUAL = "unit", "individual"

WEIHAI_UNIT = [
    "弄虚作假、伪造事实、隐瞒错误骗取市长质量奖的",
    "发生重大质量、生产安全、环境污染、公共卫生等责任事故或因单位责任问题被媒体曝光并造成恶劣影响的",
    "产品质量不稳定，产品2年内累计3次（含）以上被各级质量监督抽查判定为不合格的",
    "产品质量、服务质量、工程质量发生重大问题，被投诉并产生严重不良影响的",
    "出口产品因质量问题被国外通报或索赔，导致国家形象和产品信誉受到较大损害的",
    "提供的商品或服务被人民法院或政府职能部门判定存在欺诈消费者行为且情节严重的",
    "长期不履行向社会推广、分享质量工作经验和成果（涉及商业机密的除外）的义务，拒不发挥典型示范引领作用的",
    "发生严重失信行为，被列入严重违法失信名单的",
    "主体被注销或主体重组、被收购发生本质性变化，导致市长质量奖难以存续或将产生严重不良影响的",
    "发生其他严重违法违反法律、法规行为，以及存在法律、法规规定应该撤销认定的其他情形的",
]
WEIHAI_INDIVIDUAL = [
    "弄虚作假、伪造事实、隐瞒错误骗取市长质量奖的",
    "发生严重违纪违法行为，被依法查处并追究刑事责任的",
    "违反职业道德和社会规范，被媒体曝光并造成恶劣影响的",
    "履职尽责不到位，导致所在单位发生重大质量、生产、安全或环境污染、公共卫生等事故的",
    "利用认定证书、奖章、奖杯从事营利性活动，谋取非法利益的",
    "不履行社会义务，不向社会推广、分享其质量工作经验和成果（涉及商业机密的除外），产生严重不良社会影响的",
    "发生严重失信行为，被列入严重违法失信名单的",
    "发生其他严重违法违反法律、法规行为的，以及存在法律、法规规定应该撤销认定的其他情形的",
]
LINYI_UNIT = [
    "弄虚作假，采取不正当手段骗取市长质量奖荣誉的",
    "发生重大质量、安全、环保、卫生等责任事故的",
    "产品质量或服务质量不稳定，单位产品连续2次经市级以上质量监督抽查判定为不合格，或出现重大服务质量事故的",
    "工程质量发生重大问题的",
    "出口产品因质量问题被国外通报或索赔，致使国家形象和产品信誉受到较大损害的",
    "拒绝履行本办法第六章规定的责任的",
    "未履行社会责任，引起社会公众谴责，造成重大不良影响的",
    "被媒体曝光，并造成严重不良影响的",
    "经营产品或提供的服务已经列入国家淘汰范围的",
    "产品或服务的质量和技术落后于同行业水平，不具备示范引领作用的",
    "发生其他严重违法法规行为的",
]
LINYI_INDIVIDUAL = [
    "弄虚作假，采取不正当手段骗取市长质量奖荣誉的",
    "违反政治纪律、廉政规定的",
    "因个人原因导致所在单位发生重大质量、安全、环保、卫生等事故，并被司法、行政处理的",
    "抄袭、剽窃他人研究或技术成果的",
    "违反基本职业道德和社会规范，被媒体曝光并造成恶劣影响的",
    "发生严重失信行为，被征信管理部门实施失信处罚的",
    "拒绝履行本办法第六章规定的责任的",
    "因其他变化，已经不具备示范引领作用的",
    "发生其他违反法律法规行为的",
]
NATIONAL_UNIT = [
    "申报材料弄虚作假以获得质量标杆称号的",
    "发生质量、安全、环保、信誉等方面重大责任事故的",
]
ZIBO = ["经定期评估，守法经营、示范引领、持续改进等事项不符合条件的"]

# scheme code → [(category, article, [wording of items 1..n])]
GROUNDS = {
    "weihai-mayor": [(UNIT, "第二十七条", WEIHAI_UNIT), (INDIVIDUAL, "第二十八条", WEIHAI_INDIVIDUAL)],
    "linyi-mayor": [(UNIT, "第二十八条", LINYI_UNIT), (INDIVIDUAL, "第二十九条", LINYI_INDIVIDUAL)],
    "national-benchmark": [(UNIT, "第二十四条", NATIONAL_UNIT)],
    "zibo-leading": [(UNIT, "第三十条", ZIBO), (INDIVIDUAL, "第三十条", ZIBO)],
}

# scheme code → (proposes, decides, article, holder's duties, article on the duties)
PROCEDURES = {
    "weihai-mayor": (
        "市强市办",
        "市政府",
        "第二十七条、第二十八条",
        "市长质量奖称号的使用，不得违反《中华人民共和国广告法》等相关法律、法规要求，被撤销市长质量奖的单位和个人不得"
        "再使用该称号；在质量方面不断追求卓越、创新实践、持续改进；配合市强市办总结提炼、宣传推广、交流观摩质量工作"
        "先进经验和成果（涉及商业机密的除外），主动分享质量管理模式和方法，发挥典型带动和示范引领作用。",
        "第二十一条、第二十二条",
    ),
    "linyi-mayor": (
        "质量强市工作领导小组",
        "市政府",
        "第二十八条、第二十九条",
        "不得将市长质量奖称号用于产品的宣传（如广告、包装、说明等），称号的使用不得违反《广告法》等相关法律法规的要求；"
        "不断追求卓越、创新实践、持续改进；"
        "鼓励宣传、交流质量工作先进经验和成果，发挥典型带动和示范引领作用。",
        "第二十二条、第二十三条",
    ),
    "national-benchmark": (
        "全国质量标杆工作办公室",
        "中国质量协会",
        "第二十四条",
        "参加中国质量协会举办的经验交流活动，分享、交流本单位的典型经验，带动广大企业提升管理水平。",
        "第二十三条",
    ),
    # 第十条：领导小组“提报对选树单位和个人的撤销建议”，市质量强市办“组织实施选树单位和选树个人的撤销机制”；第二十九条
    # leaves the procedure to rules made separately, so 0004 marks it as set by the office until confirmed.
    "zibo-leading": (
        "市质量强市工作领导小组",
        "市质量强市办",
        "第十条、第二十九条、第三十条",
        "质量领军企业（人物）的使用不得违反《中华人民共和国广告法》等相关法律法规要求，被撤销的单位和个人不得再使用；"
        "在质量方面不断追求卓越、创新实践、持续改进；有义务配合市质量强市办总结提炼、宣传推广其质量工作先进经验和成果"
        "（涉及商业机密的除外），并主动分享质量管理模式和方法；配合市质量强市办的定期评估：守法经营、示范引领、持续改进。",
        "第二十七条、第二十八条、第三十条",
    ),
}

# scheme code → [(kind, count, window years, minimum level, article, ground item number)]
TRIGGERS = {
    "weihai-mayor": [("failures_within_window", 3, 2, "", "第二十七条", 3)],
    "linyi-mayor": [("consecutive_failures", 2, None, "city", "第二十八条", 3)],
}


def load(apps, schema_editor):
    Rulebook = apps.get_model("awards", "Rulebook")
    Ground = apps.get_model("revocation", "RevocationGround")
    Procedure = apps.get_model("revocation", "RevocationProcedure")
    Trigger = apps.get_model("revocation", "CaseTrigger")
    for rulebook in Rulebook.objects.select_related("scheme"):
        code = rulebook.scheme.code
        for category, article, texts in GROUNDS.get(code, []):
            for number, text in enumerate(texts, start=1):
                Ground.objects.get_or_create(
                    rulebook=rulebook, category=category, article=article, number=number, defaults={"text": text}
                )
        if code in PROCEDURES:
            proposes, decides, article, duties, duties_article = PROCEDURES[code]
            Procedure.objects.get_or_create(
                rulebook=rulebook,
                defaults={
                    "proposing_body": proposes,
                    "deciding_body": decides,
                    "article": article,
                    "holder_duties": duties,
                    "duties_article": duties_article,
                },
            )
        for kind, count, years, level, article, item in TRIGGERS.get(code, []):
            ground = Ground.objects.get(rulebook=rulebook, category=UNIT, article=article, number=item)
            Trigger.objects.get_or_create(
                rulebook=rulebook,
                kind=kind,
                defaults={
                    "count": count,
                    "window_years": years,
                    "min_level": level,
                    "article": article,
                    "ground": ground,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("revocation", "0001_initial"), ("awards", "0007_award_items_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
