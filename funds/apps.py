from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "funds"
    verbose_name = _("扶贫专项资金")

    def ready(self) -> None:
        from funds import importers, roles  # noqa: F401  (import kind fund_projects)
        from funds.ledger import setup as ledger_setup

        roles.contribute()
        ledger_setup.ready()
