from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "chiso.assessments"
    label = "assessments"
