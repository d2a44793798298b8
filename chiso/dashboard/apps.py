from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "chiso.dashboard"
    label = "dashboard"
