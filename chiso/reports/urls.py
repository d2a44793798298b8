from django.urls import path

from chiso.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("tai-ve/", views.export, name="export"),
]
