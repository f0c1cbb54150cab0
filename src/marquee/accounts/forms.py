from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignUpForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=1)
    password_again = forms.CharField(label=_("Password (again)"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class ThrottledLoginMixin:
    """Refuses log-ins while the account or the address is locked out (accounts.throttle)."""

    def clean(self):
        from marquee.accounts import throttle

        request = self.request
        username = self.data.get("username", "") if hasattr(self.data, "get") else ""
        locked = throttle.current_lockout(request, username)
        if locked is not None:
            raise forms.ValidationError(throttle.lockout_message(locked), code="locked_out")
        try:
            data = super().clean()
        except forms.ValidationError:
            started = throttle.record_failure(request, username)
            if started is not None:
                raise forms.ValidationError(
                    throttle.lockout_message(started), code="locked_out"
                ) from None
            raise
        throttle.record_success(request, username)
        return data


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
