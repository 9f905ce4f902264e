from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accountability"
    verbose_name = _("责任体系与问责")

    def ready(self) -> None:
        from accountability.importers import units  # noqa: F401  (registers the import kind)
