from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "visits"
    verbose_name = _("走访与驻村")

    def ready(self) -> None:
        from accountability.demo.registry import register_demo_loader
        from accountability.platform.history import register_history_pages
        from accountability.rules.metrics import register_metric
        from visits import roles
        from visits.demo import load_visits
        from visits.importers import visits  # noqa: F401  (import kind)
        from visits.selectors import missed_quotas

        register_history_pages(visit="visits.Visit")
        roles.contribute()
        register_demo_loader(load_visits)
        register_metric("quota_missed", missed_quotas, label="未完成的考核期数")
