from django.urls import path

from chiso.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("dia-ban/<str:area_code>/", views.overview, name="area"),
    path("ma-tran/", views.matrix, name="matrix"),
    path("don-vi/<str:code>/", views.unit_page, name="unit"),
    path("tieu-chi-vuong/", views.blocking, name="blocking"),
    path("ke-hoach/", views.planner, name="planner"),
    path("ke-hoach/tai-ve.<str:fmt>", views.planner_export, name="planner_export"),
    path("du-bao/", views.forecast, name="forecast"),
    path("xep-hang/", views.ranking, name="ranking"),
]
