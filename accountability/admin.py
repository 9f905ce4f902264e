from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accountability.access.personal_data import can_see_personal_data
from accountability.access.scoping import unit_code_in_jurisdiction, visible_to
from accountability.access.user_roles import (
    assignable_groups,
    role_assignment_problem,
    user_flags_problem,
    user_roles_set,
)
from accountability.importing.selectors import import_jobs_visible_to
from accountability.models import (
    AccountabilityCase,
    AdminUnit,
    Alert,
    AnnualTarget,
    EscalationRule,
    ExportRecord,
    HelpingUnitPairing,
    ImportJob,
    Official,
    Organisation,
    PolicyProfile,
    Quota,
    ResponsibilityAssignment,
    User,
)
from accountability.platform.history import history_context


class JurisdictionScopedAdmin(admin.ModelAdmin):
    """Admin pages show and change only rows inside the staff user's jurisdiction.

    Every admin of a scoped model derives from this class; tests/test_scoping_guard.py fails
    otherwise. Foreign-key choices are scoped the same way.
    """

    def get_queryset(self, request):
        return visible_to(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if getattr(related, "jurisdiction_path", None):
            kwargs["queryset"] = visible_to(related._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AdminUnit)
class AdminUnitAdmin(JurisdictionScopedAdmin):
    list_display = ["code", "name", "level", "parent", "is_poor_village", "planned_exit_year", "exit_year"]
    list_filter = ["level", "is_poor_village"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]


@admin.register(User)
class UserAdmin(JurisdictionScopedAdmin, DjangoUserAdmin):
    """A jurisdiction administrator manages the users of the subtree through roles (groups) he may
    assign (accountability/access/user_roles.py): no superuser flag, no individual permissions, no
    change of his own rights, and no account holding rights he could not give."""

    list_display = ["username", "first_name", "last_name", "jurisdiction", "is_staff", "is_active"]
    list_select_related = ["jurisdiction"]
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("管辖范围"), {"fields": ["jurisdiction"]}))
    raw_id_fields = ["jurisdiction"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        fields = ["is_superuser", "user_permissions", "last_login", "date_joined"]
        if obj is not None and obj.pk == request.user.pk:
            fields += ["is_staff", "is_active", "groups", "jurisdiction"]
        return fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or request.user.is_superuser or obj.pk == request.user.pk:
            return allowed
        assignable = {group.pk for group in assignable_groups(request.user)}
        return allowed and not obj.is_superuser and set(obj.groups.values_list("pk", flat=True)) <= assignable

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        groups = form.base_fields.get("groups")
        if groups is not None and not request.user.is_superuser:
            groups.queryset = Group.objects.filter(pk__in=[g.pk for g in assignable_groups(request.user)])
        actor = request.user

        class CheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                problem = user_flags_problem(actor=actor, user=self.instance, changed=self.changed_data)
                if problem is None and "groups" in cleaned and self.instance.pk:
                    groups = cleaned["groups"]
                    problem = role_assignment_problem(actor=actor, user=self.instance, groups=groups)
                if problem:
                    raise forms.ValidationError(problem)
                return cleaned

        return CheckedForm

    def save_model(self, request, obj, form, change):
        with history_context(actor=request.user, reason="修改用户"):
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        groups = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if groups is not None:
            user_roles_set(actor=request.user, user=form.instance, groups=groups)


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """Roles and their permissions are the system administrator's: closed to everyone else (a
    jurisdiction administrator with a group's permissions could raise every role's rights)."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Organisation)
class OrganisationAdmin(JurisdictionScopedAdmin):
    list_display = ["name", "kind", "department", "unit"]
    list_filter = ["kind", "department"]
    search_fields = ["name"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit"]


@admin.register(Official)
class OfficialAdmin(JurisdictionScopedAdmin):
    list_display = ["name", "organisation", "title", "cadre_level"]
    list_filter = ["cadre_level"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation", "user"]


@admin.register(ResponsibilityAssignment)
class ResponsibilityAssignmentAdmin(JurisdictionScopedAdmin):
    list_display = ["official", "post", "scope_unit", "valid_from", "valid_to"]
    list_filter = ["post"]
    search_fields = ["official__name", "scope_unit__name"]
    list_select_related = ["official", "scope_unit"]
    raw_id_fields = ["official", "scope_unit"]


@admin.register(HelpingUnitPairing)
class HelpingUnitPairingAdmin(JurisdictionScopedAdmin):
    list_display = ["organisation", "village", "valid_from", "valid_to"]
    list_select_related = ["organisation", "village"]
    raw_id_fields = ["organisation", "village"]


@admin.register(ImportJob)
class ImportJobAdmin(JurisdictionScopedAdmin):
    list_display = [
        "created_at",
        "kind",
        "file_name",
        "created_by",
        "status",
        "new_rows",
        "changed_rows",
        "invalid_rows",
        "written_rows",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["created_by"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def get_queryset(self, request):
        """The same jobs as the import pages: of the kinds the user may import, or all kinds with
        the personal-data right (the messages quote ID numbers)."""
        return import_jobs_visible_to(request.user)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if can_see_personal_data(request.user):
            return fields
        return [name for name in fields if name not in {"errors", "message", "file"}]

    def has_add_permission(self, request):
        return False


@admin.register(ExportRecord)
class ExportRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "created_by", "row_count", "masked"]
    readonly_fields = [f.name for f in ExportRecord._meta.fields]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(created_by=request.user)

    def has_add_permission(self, request):
        return False


class RuleInline(admin.StackedInline):
    model = EscalationRule
    extra = 0
    fields = [
        "code",
        "label",
        "level",
        "conditions",
        "targets",
        "action",
        "severity",
        "forms",
        "situation",
        "finding_sources",
    ]


class QuotaInline(admin.TabularInline):
    model = Quota
    extra = 0
    fields = [
        "code",
        "label",
        "posts",
        "measure",
        "period_months",
        "period_anchor_month",
        "required",
        "coverage_scope",
        "visit_kinds",
    ]


@admin.register(PolicyProfile)
class PolicyProfileAdmin(JurisdictionScopedAdmin):
    """Profiles that govern the user are listed; only those of the user's own subtree can be changed.
    A change of numbers is best made as a new version with a later effective date (history keeps both)."""

    list_display = ["name", "jurisdiction", "effective_from", "preset"]
    list_select_related = ["jurisdiction"]
    inlines = [QuotaInline, RuleInline]
    readonly_fields = ["created_by", "created_at"]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or request.user.is_superuser:
            return allowed
        return (
            allowed
            and obj.jurisdiction_id is not None
            and obj.jurisdiction_id.startswith(request.user.jurisdiction.prefix)
        )

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if obj.jurisdiction_id and not unit_code_in_jurisdiction(request.user, obj.jurisdiction_id):
            raise PermissionDenied("只能为本辖区设置政策参数方案")
        with history_context(actor=request.user, reason=obj.note or "修改政策参数方案"):
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        with history_context(actor=request.user, reason=form.instance.note or "修改走访考核指标"):
            super().save_formset(request, form, formset, change)


@admin.register(AnnualTarget)
class AnnualTargetAdmin(JurisdictionScopedAdmin):
    list_display = ["unit", "year", "households_to_exit", "persons_to_exit", "villages_to_exit"]
    list_filter = ["year"]
    raw_id_fields = ["unit"]


@admin.register(Alert)
class AlertAdmin(JurisdictionScopedAdmin):
    """Alerts are written by the rule runs only: read-only here."""

    list_display = ["rule_code", "unit", "official", "period", "value", "threshold", "status"]
    list_filter = ["rule_code", "year", "status"]
    list_select_related = ["unit", "official"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccountabilityCase)
class AccountabilityCaseAdmin(JurisdictionScopedAdmin):
    """Cases change only through their workflow (the case pages and API): read-only here."""

    list_display = ["pk", "unit", "official", "situation", "severity", "status"]
    list_filter = ["status", "severity", "origin"]
    list_select_related = ["unit", "official"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


from accountability.policy import calendar_admin  # noqa: E402, F401  (the working-day calendar)
