from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accountability"
    verbose_name = _("责任体系与问责")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accountability.importing import officials, units  # noqa: F401  (register the import kinds)
        from accountability.platform import lookups  # noqa: F401  (field__any)
        from accountability.platform.history import register_history_pages

        register_history_pages(
            unit="accountability.AdminUnit",
            official="accountability.Official",
            organisation="accountability.Organisation",
            assignment="accountability.ResponsibilityAssignment",
            pairing="accountability.HelpingUnitPairing",
            alert="accountability.Alert",
            case="accountability.AccountabilityCase",
        )
        post_migrate.connect(_sync_roles, sender=self)

        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from accountability.access import audit

        user_logged_in.connect(audit.on_logged_in, dispatch_uid="audit-login")
        user_login_failed.connect(audit.on_login_failed, dispatch_uid="audit-login-failed")
        user_locked_out.connect(audit.on_locked_out, dispatch_uid="audit-lockout")


def _sync_roles(sender, **kwargs) -> None:
    """Keep the role groups and their permissions in step with the code after every migrate.

    Roles name permissions of apps migrated after this one, so those are created first.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from accountability.access.roles import sync_roles

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    sync_roles()
