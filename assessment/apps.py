from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessment"
    verbose_name = _("成效考核")

    def ready(self) -> None:
        from accountability.platform.history import register_history_pages
        from accountability.platform.unit_sections import register_official_section, register_unit_section
        from assessment import roles
        from assessment.importers import quarterly, samples, values  # noqa: F401  (import kinds)

        register_history_pages(assessment_round="assessment.AssessmentRound")
        roles.contribute()
        from assessment.selectors import quarterly_for_official, quarterly_for_unit

        register_unit_section("assessment/_unit_quarterly.html", quarterly_for_unit)
        register_official_section("assessment/_official_quarterly.html", quarterly_for_official)
