"""The rulebook screen of the admin: every field of the rulebook and its award items are on it, and a value the
rulebook's text gives changes only when the office names the new text it comes from (kept in the audit row)."""

import pytest
from django.urls import reverse

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from awards.admin import RulebookAdmin
from awards.models import AwardItem, Edition, EligibilityRule, Quota, Rulebook

pytestmark = pytest.mark.django_db

SOURCE = "测试：市政府关于修订本办法的通知（第2号）"


@pytest.fixture
def office(users):
    return users[Role.OFFICE_STAFF]


def rulebook_of(code: str) -> Rulebook:
    return Rulebook.objects.filter(scheme__code=code).order_by("-valid_from").first()


def change_url(rulebook) -> str:
    return reverse("admin:awards_rulebook_change", args=[rulebook.pk])


def _value(value):
    return "on" if value is True else value


def form_data(client, rulebook, *, fields=None, rows=None, new_rows=None):
    """The POST of the rulebook's change page as it stands, with `fields` changed on the rulebook form, `rows`
    {model: callable(row dict) -> None} applied to each existing inline row, and `new_rows` {model: [row]} added."""
    page = client.get(change_url(rulebook))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data = {k: _value(v) for k, v in data.items() if v is not False}
    for name, value in (fields or {}).items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = _value(value)
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        existing = []
        for inline_form in fs.forms:
            if not inline_form.instance.pk:
                continue
            row = {}
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is None or value is False:
                    continue
                row[name] = _value(value)
            row["id"] = inline_form.instance.pk
            row[fs.fk.name] = rulebook.pk
            if rows and fs.model in rows:
                rows[fs.model](row)
            existing.append(row)
        added = (new_rows or {}).get(fs.model, [])
        every = existing + added
        data.update(
            {
                f"{fs.prefix}-TOTAL_FORMS": str(len(every)),
                f"{fs.prefix}-INITIAL_FORMS": str(len(existing)),
                f"{fs.prefix}-MIN_NUM_FORMS": "0",
                f"{fs.prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for index, row in enumerate(every):
            for key, value in row.items():
                data[f"{fs.prefix}-{index}-{key}"] = value
    return data


def rulebook_audits():
    return AuditEvent.objects.filter(object_type="awards.Rulebook")


# --- every field on the screen --------------------------------------------------------------------------------


def test_rulebook_screen_places_every_rulebook_field():
    """Each field of the rulebook has its place in a named fieldset (none is left to the "Other" catch-all)."""
    on_screen = set()
    for _name, options in RulebookAdmin.fieldsets:
        for entry in options["fields"]:
            on_screen.update(entry if isinstance(entry, tuple) else (entry,))
    editable = {f.name for f in Rulebook._meta.concrete_fields if f.editable and not f.primary_key}
    assert editable <= on_screen
    assert on_screen - editable == {"change_source"}


def test_rulebook_screen_renders_every_field(client, office):
    client.force_login(office)
    form = client.get(change_url(rulebook_of("zibo-leading"))).context["adminform"].form
    editable = {f.name for f in Rulebook._meta.concrete_fields if f.editable and not f.primary_key}
    assert editable | {"change_source"} == set(form.fields)


def test_rulebook_screen_unchanged_save_needs_no_source(client, office):
    rulebook = rulebook_of("weihai-mayor")
    client.force_login(office)
    response = client.post(change_url(rulebook), form_data(client, rulebook))
    assert response.status_code == 302


# --- a value the text gives needs the source of the change ------------------------------------------------------

TEXT_FIELDS = [
    pytest.param("notice_working_days", 7, id="W15a-weihai-art15-notice-days-change-needs-source"),
    pytest.param("valid_until", "2029-12-31", id="W30-weihai-art30-validity-change-needs-source"),
    pytest.param("recommendation_quota", 2, id="weihai-recommendation-quota-change-needs-source"),
]


@pytest.mark.parametrize(("field", "value"), TEXT_FIELDS)
def test_text_given_field_change_without_source_refused(client, office, field, value):
    rulebook = rulebook_of("weihai-mayor")
    before = getattr(rulebook, field)
    client.force_login(office)
    response = client.post(change_url(rulebook), form_data(client, rulebook, fields={field: value}))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["change_source"]
    rulebook.refresh_from_db()
    assert getattr(rulebook, field) == before
    assert not rulebook_audits().exists()


@pytest.mark.parametrize(("field", "value"), TEXT_FIELDS)
def test_text_given_field_change_with_source_saved_and_audited(client, office, field, value):
    rulebook = rulebook_of("weihai-mayor")
    client.force_login(office)
    data = form_data(client, rulebook, fields={field: value, "change_source": SOURCE})
    response = client.post(change_url(rulebook), data)
    assert response.status_code == 302
    rulebook.refresh_from_db()
    assert str(getattr(rulebook, field)) == str(value)
    event = rulebook_audits().get(action=AuditAction.UPDATE)
    assert (event.actor, event.detail) == (office, f"admin: {field}; source: {SOURCE}")


def test_article_wording_change_needs_no_source(client, office):
    """An article reference or a title is not a value the portal enforces: it may be corrected freely."""
    rulebook = rulebook_of("weihai-mayor")
    client.force_login(office)
    data = form_data(client, rulebook, fields={"notice_article": "第十五条第一款"})
    response = client.post(change_url(rulebook), data)
    assert response.status_code == 302
    assert rulebook_audits().get().detail == "admin: notice_article"


def test_quota_change_without_source_refused(client, office):
    rulebook = rulebook_of("zibo-leading")
    client.force_login(office)

    def lower(row):
        if row.get("scope") == "total":
            row["max_count"] = 6

    response = client.post(change_url(rulebook), form_data(client, rulebook, rows={Quota: lower}))
    assert response.status_code == 200
    [quotas] = [fs for fs in response.context["inline_admin_formsets"] if fs.formset.model is Quota]
    assert quotas.formset.non_form_errors()
    assert Quota.objects.get(rulebook=rulebook, scope="total").max_count == 8
    assert not AuditEvent.objects.filter(object_type__in=["awards.Quota", "awards.Rulebook"]).exists()


def test_quota_deleted_without_source_refused(client, office):
    rulebook = rulebook_of("zibo-leading")
    client.force_login(office)

    def delete(row):
        if row.get("scope") == "total":
            row["DELETE"] = "on"

    response = client.post(change_url(rulebook), form_data(client, rulebook, rows={Quota: delete}))
    assert response.status_code == 200
    assert Quota.objects.filter(rulebook=rulebook, scope="total").exists()


def test_eligibility_years_change_without_source_refused(client, office):
    rulebook = rulebook_of("zibo-leading")
    rule = rulebook.eligibility_rules.filter(kind="operating_years").first()
    client.force_login(office)

    def shorten(row):
        if row["id"] == rule.pk:
            row["years"] = 3

    response = client.post(change_url(rulebook), form_data(client, rulebook, rows={EligibilityRule: shorten}))
    assert response.status_code == 200
    rule.refresh_from_db()
    assert rule.years == 5


def test_eligibility_years_change_with_source_saved(client, office):
    rulebook = rulebook_of("zibo-leading")
    rule = rulebook.eligibility_rules.filter(kind="operating_years").first()
    client.force_login(office)

    def shorten(row):
        if row["id"] == rule.pk:
            row["years"] = 4

    data = form_data(client, rulebook, fields={"change_source": SOURCE}, rows={EligibilityRule: shorten})
    assert client.post(change_url(rulebook), data).status_code == 302
    rule.refresh_from_db()
    assert rule.years == 4
    assert rulebook_audits().get().detail == f"admin: ; source: {SOURCE}"


# --- award items on the rulebook screen -------------------------------------------------------------------------


def test_award_items_edited_on_rulebook_screen(client, office):
    rulebook = rulebook_of("shandong-benchmark")
    client.force_login(office)
    before = AwardItem.objects.filter(rulebook=rulebook).count()
    new = {"category": "unit", "kind": "trophy", "article": "一（三）4"}
    response = client.post(change_url(rulebook), form_data(client, rulebook, new_rows={AwardItem: [new]}))
    assert response.status_code == 302
    assert AwardItem.objects.filter(rulebook=rulebook).count() == before + 1
    item = AwardItem.objects.get(rulebook=rulebook, kind="trophy")
    event = AuditEvent.objects.get(object_type="awards.AwardItem", object_id=str(item.pk))
    assert event.action == AuditAction.CREATE


# --- the edition screen refuses an edition inside the cycle -----------------------------------------------------


def test_edition_admin_refuses_second_zibo_edition_in_cycle(client, office):
    rulebook = rulebook_of("zibo-leading")
    Edition.objects.create(
        scheme=rulebook.scheme, rulebook=rulebook, year=2025, title="第三届", application_opens="2025-03-01",
        application_closes="2025-04-30", recommendation_deadline="2025-05-15",
    )
    client.force_login(office)
    response = client.post(
        reverse("admin:awards_edition_add"),
        {
            "scheme": rulebook.scheme.pk,
            "rulebook": rulebook.pk,
            "year": 2026,
            "title": "第四届",
            "application_opens": "2026-03-01",
            "application_closes": "2026-04-30",
            "recommendation_deadline": "2026-05-15",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["year"]
    assert "第四条" in errors["year"][0]
    assert Edition.objects.count() == 1
