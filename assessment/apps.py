from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessment"
    verbose_name = _("成效考核")

    def ready(self) -> None:
        from accountability.platform.history import register_history_pages
        from assessment import roles
        from assessment.importers import quarterly, samples, values  # noqa: F401  (import kinds)

        register_history_pages(assessment_round="assessment.AssessmentRound")
        roles.contribute()
