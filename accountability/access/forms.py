from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy

from accountability.access.user_roles import assignable_groups


class LoginForm(AuthenticationForm):
    """Django's login form, passing the request on so that django-axes can count failures."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class RolesForm(forms.Form):
    groups = forms.ModelMultipleChoiceField(
        label=gettext_lazy("角色"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, actor, user, **kwargs):
        super().__init__(*args, **kwargs)
        offered = {group.pk for group in assignable_groups(actor)} | set(
            user.groups.values_list("pk", flat=True)
        )
        self.fields["groups"].queryset = Group.objects.filter(pk__in=offered).order_by("name")


class SecondFactorCodeForm(forms.Form):
    """One code: the six digits of the authenticator app, or one of the backup codes."""

    code = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "none"}
        ),
    )
