from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: the production server, backups, restore and the evidence check."""

    name = "chiso.ops"
    label = "ops"
    verbose_name = "Vận hành"

    def ready(self) -> None:
        from . import stale_plans  # noqa: F401  (connects its receiver)
