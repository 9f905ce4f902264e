from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "inspections"
    verbose_name = _("督查巡查与整改")

    def ready(self) -> None:
        from accountability.demo.registry import register_demo_loader
        from accountability.platform.history import register_history_pages
        from accountability.platform.unit_sections import register_unit_section
        from accountability.policy.presets import contribute_rule_presets
        from accountability.rules.metrics import register_metric
        from accountability.rules.problems import register_problem_receiver
        from inspections import roles
        from inspections.demo import load_inspections
        from inspections.importers import findings  # noqa: F401  (import kind)
        from inspections.metrics import METRICS
        from inspections.presets import RULES
        from inspections.services import findings_receive
        from inspections.views import unit_section

        register_history_pages(
            inspection_finding="inspections.Finding", inspection_round="inspections.InspectionRound"
        )
        roles.contribute()
        register_demo_loader(load_inspections)
        for name, (function, label) in METRICS.items():
            register_metric(name, function, label=label)
        contribute_rule_presets(*RULES)
        register_unit_section("inspections/_unit_findings.html", unit_section)
        register_problem_receiver("inspections", findings_receive, label="问题清单和整改台账")
