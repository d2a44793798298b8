from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "chiso.api"
    label = "api"
