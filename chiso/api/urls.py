from django.urls import path

from chiso.api import views

app_name = "exchange"

urlpatterns = [
    path("", views.received, name="received"),
]
