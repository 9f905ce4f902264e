from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accountability"
    verbose_name = _("责任体系与问责")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accountability.importers import officials, units  # noqa: F401  (register the import kinds)

        post_migrate.connect(_sync_roles, sender=self)


def _sync_roles(sender, **kwargs) -> None:
    """Keep the role groups and their permissions in step with the code after every migrate."""
    from accountability.roles import sync_roles

    sync_roles()
