from django.urls import path

from . import views

app_name = "ingest"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("lan-nhap/<int:pk>/", views.batch_detail, name="batch"),
    path("ho-so/", views.dossier_list, name="dossiers"),
]
