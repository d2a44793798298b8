from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "chiso.demo"
    label = "demo"
    verbose_name = "Dữ liệu minh hoạ"
