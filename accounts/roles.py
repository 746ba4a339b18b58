"""Which model permissions each role's group holds, as data.

Object-level rights (an expert and the applications assigned to them, a coordinator and a district) are
granted per object with django-guardian by the services that create those links; this table covers only the
configuration screens of the admin.

Patterns: "app.codename" for one permission, "app.*" for all of an app, "view:app" for every view permission
of an app.
"""

from .enums import Role

_CONFIG_APPS = ("awards",)

ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.OFFICE_STAFF: (
        "awards.*",
        "view:accounts",
        "accounts.add_organisation",
        "accounts.change_organisation",
        "view:applications",
        # Expert pool, review bodies and score sheets are the office's to keep (credit records stay
        # append-only: their admin allows no change or delete).
        "reviews.*",
        "view:decisions",
        "view:revocation",
        "revocation.add_revocationground",
        "revocation.change_revocationground",
        "revocation.add_revocationprocedure",
        "revocation.change_revocationprocedure",
        "revocation.add_casetrigger",
        "revocation.change_casetrigger",
        "view:aftercare",
        "aftercare.add_supervisionrule",
        "aftercare.change_supervisionrule",
        "view:django_celery_beat",
    ),
    Role.SYSADMIN: (
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "accounts.add_district",
        "accounts.change_district",
        "accounts.view_district",
        "accounts.add_organisation",
        "accounts.change_organisation",
        "accounts.view_organisation",
        "accounts.add_department",
        "accounts.change_department",
        "accounts.view_department",
        "auth.view_group",
        "auth.view_permission",
        "django_celery_beat.*",
    ),
    # The auditor reads everything and changes nothing.
    Role.AUDITOR: (
        "view:accounts",
        "view:auth",
        "view:awards",
        "view:applications",
        "view:reviews",
        "view:decisions",
        "view:revocation",
        "view:aftercare",
        "view:django_celery_beat",
        "view:axes",
    ),
}
