from django.contrib import admin
from django.urls import include, path

from chiso.api.api import api
from chiso.ops.views import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("chiso.web.urls")),
    path("", include("chiso.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("bang-dieu-khien/", include("chiso.dashboard.urls")),
    path("danh-gia/", include("chiso.assessments.urls")),
    path("bao-cao/", include("chiso.reports.urls")),
    path("du-lieu-nghiep-vu/", include("chiso.ingest.urls")),
    path("api/v1/", api.urls),
    path("so-lieu-nhan/", include("chiso.api.urls")),
    path("suc-khoe/", health, name="health"),
]
