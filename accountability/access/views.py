"""The project's own user-management page: who has which role, and giving roles through the same
service as the admin (``user_roles_set``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accountability.access.audit import (
    AUDIT_PERMISSION,
    UnlockRefused,
    audit_events_for,
    lockouts_for,
    user_unlock,
)
from accountability.access.forms import RolesForm
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
    users = users_managed_by(request.user)[:500]
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
