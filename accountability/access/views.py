"""The project's own user-management page: who has which role, and giving roles through the same
service as the admin (``user_roles_set``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accountability.access.audit import (
    AUDIT_PERMISSION,
    UnlockRefused,
    audit_events_for,
    lockouts_for,
    user_unlock,
)
from accountability.access.forms import RolesForm, SecondFactorCodeForm
from accountability.access.second_factor import (
    ResetRefused,
    backup_codes_left,
    backup_codes_renew,
    has_device,
    is_verified,
    pending_device,
    qr_svg,
    second_factor_enrol,
    second_factor_required,
    second_factor_reset,
    second_factor_verify,
    secret_text,
)
from accountability.access.user_roles import (
    USER_ADMIN_PERMISSION,
    RoleAssignmentError,
    user_roles_set,
    users_managed_by,
)
from accountability.models import AuditKind


@login_required
@permission_required(USER_ADMIN_PERMISSION, raise_exception=True)
def user_list(request):
    from django.db.models import Exists, OuterRef
    from django_otp.plugins.otp_totp.models import TOTPDevice

    enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    users = users_managed_by(request.user).annotate(otp_enrolled=Exists(enrolled))[:500]
    return render(request, "accountability/user_list.html", {"users": users})


@login_required
@permission_required(USER_ADMIN_PERMISSION, raise_exception=True)
def user_roles(request, pk: int):
    user = get_object_or_404(users_managed_by(request.user), pk=pk)
    status = 200
    if request.method == "POST":
        form = RolesForm(request.POST, actor=request.user, user=user)
        if form.is_valid():
            try:
                user_roles_set(actor=request.user, user=user, groups=form.cleaned_data["groups"])
            except RoleAssignmentError as refusal:
                form.add_error(None, str(refusal))
                status = 403
            else:
                messages.success(request, _("已更新 %(name)s 的角色") % {"name": user.get_username()})
                return redirect("user-list")
    else:
        form = RolesForm(initial={"groups": list(user.groups.all())}, actor=request.user, user=user)
    context = {"form": form, "managed": user, "is_self": user.pk == request.user.pk}
    return render(request, "accountability/user_roles.html", context, status=status)


@login_required
@permission_required(USER_ADMIN_PERMISSION, raise_exception=True)
def locked_list(request):
    """Failed logins and lockouts of the users of the administrator's jurisdiction, with unlock."""
    return render(request, "accountability/locked_list.html", {"rows": lockouts_for(request.user)})


@login_required
@permission_required(USER_ADMIN_PERMISSION, raise_exception=True)
@require_POST
def user_unlock_view(request, pk: int):
    user = get_object_or_404(users_managed_by(request.user), pk=pk)
    try:
        user_unlock(actor=request.user, user=user, request=request)
    except UnlockRefused:
        raise Http404 from None
    messages.success(request, _("已解除 %(name)s 的登录锁定") % {"name": user.get_username()})
    return redirect("user-locked")


@login_required
@permission_required(AUDIT_PERMISSION, raise_exception=True)
def audit_list(request):
    events = audit_events_for(request.user)
    kind = request.GET.get("kind", "")
    if kind in AuditKind.values:
        events = events.filter(kind=kind)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    context = {"page": page, "kinds": AuditKind.choices, "kind": kind}
    return render(request, "accountability/audit_list.html", context)


# --- second factor ----------------------------------------------------------------------------


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else "/"


@login_required
def otp_setup(request):
    """Enrolment (no device yet, or a verified session changing phones) and, once verified, the
    second-factor settings: status, backup codes left, a new set of backup codes."""
    user = request.user
    enrolled = has_device(user)
    if enrolled and not is_verified(user):
        return redirect(f"{reverse('otp-verify')}?next={reverse('otp-setup')}")
    action = request.POST.get("action") if request.method == "POST" else None
    context = {"required": second_factor_required(user), "next": _next_url(request), "enrolled": enrolled}
    if action and not context["required"] and not enrolled:
        return redirect("otp-setup")
    if action == "codes" and enrolled:
        codes = backup_codes_renew(actor=user, request=request)
        return render(request, "registration/otp_codes.html", {**context, "codes": codes})
    status = 200
    form = SecondFactorCodeForm(request.POST if action == "enrol" else None)
    if action == "enrol":
        status = 400
        if form.is_valid():
            try:
                codes = second_factor_enrol(actor=user, request=request, code=form.cleaned_data["code"])
            except ValidationError as refusal:
                form.add_error("code", refusal.messages[0])
            except PermissionDenied as refusal:
                form.add_error(None, str(refusal))
                status = 403
            else:
                messages.success(request, _("两步验证已启用"))
                return render(
                    request, "registration/otp_codes.html", {**context, "codes": codes, "first": True}
                )
    if not context["required"] and not enrolled:
        return render(request, "registration/otp_setup.html", context)  # nothing to enrol
    if not enrolled or request.GET.get("replace") or action == "enrol":
        device = pending_device(user)
        context.update(qr=qr_svg(device), secret=secret_text(device), enrolling=True, form=form)
    context["backup_left"] = backup_codes_left(user)
    return render(request, "registration/otp_setup.html", context, status=status)


@login_required
def otp_verify(request):
    """The second step of the login: a code from the authenticator app or a backup code."""
    user = request.user
    if not has_device(user):
        return redirect(f"{reverse('otp-setup')}?next={_next_url(request)}")
    if is_verified(user):
        return redirect(_next_url(request))
    status = 200
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and second_factor_verify(
            actor=user, request=request, code=form.cleaned_data["code"]
        ):
            return redirect(_next_url(request))
        if form.is_valid():
            form.add_error(
                "code",
                _("验证码不正确或已使用过；连续输错后须稍候再试。丢失手机请联系本辖区管理员重置两步验证。"),
            )
        status = 400
    return render(
        request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)}, status=status
    )


@login_required
@permission_required(USER_ADMIN_PERMISSION, raise_exception=True)
@require_POST
def user_otp_reset(request, pk: int):
    """A jurisdiction administrator removes the devices of a user of his jurisdiction (lost phone)."""
    user = get_object_or_404(users_managed_by(request.user), pk=pk)
    try:
        second_factor_reset(actor=request.user, user=user, request=request)
    except ResetRefused:
        raise Http404 from None
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return redirect("user-list")
    messages.success(
        request, _("已重置 %(name)s 的两步验证，其下次登录时须重新登记") % {"name": user.get_username()}
    )
    return redirect("user-list")
