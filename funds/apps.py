from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "funds"
    verbose_name = _("扶贫专项资金")

    def ready(self) -> None:
        from accountability.demo.registry import register_demo_loader
        from accountability.platform.history import register_history_pages
        from accountability.policy.presets import contribute_rule_presets
        from accountability.rules.metrics import register_metric
        from funds import importers, roles  # noqa: F401  (import kind fund_projects)
        from funds.demo import load_funds
        from funds.ledger import setup as ledger_setup
        from funds.metrics import METRICS
        from funds.reference import rule_presets

        roles.contribute()
        register_demo_loader(load_funds)
        register_history_pages(fund_project="funds.Project", fund_plan="funds.FundPlan")
        for name, (function, label) in METRICS.items():
            register_metric(name, function, label=label)
        contribute_rule_presets(*rule_presets())
        ledger_setup.ready()
