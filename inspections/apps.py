from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "inspections"
    verbose_name = _("督查巡查与整改")

    def ready(self) -> None:
        from accountability.history import register_history_pages
        from accountability.metrics import register_metric
        from accountability.presets import contribute_rule_presets
        from inspections.metrics import METRICS
        from inspections.presets import RULES

        register_history_pages(finding="inspections.Finding", inspectionround="inspections.InspectionRound")
        for name, (function, label) in METRICS.items():
            register_metric(name, function)
        contribute_rule_presets(*RULES)
