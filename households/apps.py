from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "households"
    verbose_name = _("建档立卡")

    def ready(self) -> None:
        from accountability.demo.registry import register_demo_loader
        from accountability.platform.history import register_history_pages
        from accountability.rules.metrics import register_metric
        from households import roles
        from households.demo import load_households
        from households.importers import households, register_matches, verifications  # noqa: F401  (kinds)
        from households.metrics import METRICS

        register_history_pages(household="households.Household", finding="households.VerificationFinding")
        roles.contribute()
        register_demo_loader(load_households)
        for name, (function, label) in METRICS.items():
            register_metric(name, function, label=label)
