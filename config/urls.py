from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from applications.urls import register_urlpatterns

admin.site.site_header = "质量奖评审管理门户"
admin.site.site_title = "质量奖评审管理门户"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="awards:scheme_list", permanent=False), name="home"),
    path("accounts/", include("accounts.urls")),
    path("schemes/", include("awards.urls")),
    path("applications/", include("applications.urls")),
    path("register/", include((register_urlpatterns, "register"))),
    path("exports/", include("applications.urls_exports")),
    path("reviews/", include("reviews.urls")),
    path("office/", include("reviews.urls_office")),
    path("", include("decisions.urls")),
    path("public/", include("decisions.urls_public")),
    path("revocation/", include("revocation.urls")),
    path("aftercare/", include("revocation.aftercare.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("office/admin/", admin.site.urls),
]

handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
