"""Changes to the scheme data made in the admin are audited (the office may not change a quota unseen)."""

import pytest

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from awards.models import Quota, Rulebook

pytestmark = pytest.mark.django_db


def _inline_data(prefix, rows, total=None):
    data = {
        f"{prefix}-TOTAL_FORMS": str(total if total is not None else len(rows)),
        f"{prefix}-INITIAL_FORMS": str(sum(1 for r in rows if r.get("id"))),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def test_office_changing_a_quota_in_the_admin_is_audited(client, users):
    office = users[Role.OFFICE_STAFF]
    client.force_login(office)
    rulebook = Rulebook.objects.get(scheme__code="weihai-mayor")
    url = f"/office/admin/awards/rulebook/{rulebook.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        rows = []
        for inline_form in fs.forms:
            row = {}
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is None or value is False:
                    continue
                row[name] = "on" if value is True else value
            if inline_form.instance.pk:
                row["id"] = inline_form.instance.pk
                row[fs.fk.name] = rulebook.pk
            rows.append(row)
        existing = [r for r in rows if r.get("id")]
        if fs.model is Quota:
            for row in existing:
                if row.get("scope") == "unit":
                    row["max_count"] = 4
        data.update(_inline_data(fs.prefix, existing))
    # A quota is a value the rulebook's text gives: the office names the text the new value comes from.
    data["change_source"] = "测试市人民政府令第1号（修订）"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    quota = Quota.objects.get(rulebook=rulebook, scope="unit", tier="award")
    assert quota.max_count == 4
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="awards.Quota", object_id=str(quota.pk))
    assert (event.actor, event.detail) == (office, "admin inline: max_count")
    [rulebook_event] = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="awards.Rulebook")
    assert rulebook_event.detail == "admin: ; source: 测试市人民政府令第1号（修订）"
