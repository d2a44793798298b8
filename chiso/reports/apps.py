from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "chiso.reports"
    label = "reports"
