"""Admin for accounts: users, organisations, memberships and API tokens.

Only administrators (``is_admin``: superusers and members with the admin role)
see these pages. Only a superuser may hand out superuser status or Django
permissions. Token digests are read-only and tokens are revoked, never edited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marquee.accounts import services
from marquee.accounts.models import ApiToken, Membership, Organisation, User
from marquee.accounts.permissions import is_admin


class AdminOnlyMixin:
    """Module/view/add/change/delete for administrators only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)


class NullEmailMixin:
    """Store a blank email as NULL: email is unique when set, and many accounts have none.

    ``AbstractUser.clean()`` turns ``None`` back into ``""``, so the value is
    reset after the model's clean and before the unique checks run.
    """

    def clean_email(self) -> str | None:
        email = (self.cleaned_data.get("email") or "").strip().lower()  # type: ignore[attr-defined]
        return email or None

    def validate_unique(self) -> None:
        if not self.instance.email:  # type: ignore[attr-defined]
            self.instance.email = None  # type: ignore[attr-defined]
        super().validate_unique()  # type: ignore[misc]


class MarqueeUserChangeForm(NullEmailMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class MarqueeUserCreationForm(NullEmailMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email")


def _grant_memberships(memberships: list[Membership]) -> None:
    # grant_role is idempotent and also gives the member staff status.
    for m in memberships:
        services.grant_role(user=m.user, organisation=m.organisation, role=m.role)


class MembershipInline(AdminOnlyMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["organisation", "role", "created_at"]
    readonly_fields = ["created_at"]


class OrganisationMembershipInline(MembershipInline):
    fields = ["user", "role", "created_at"]
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(AdminOnlyMixin, DjangoUserAdmin):
    form = MarqueeUserChangeForm
    add_form = MarqueeUserCreationForm
    list_display = ["username", "display_name", "email", "is_staff", "is_superuser", "is_active"]
    search_fields = ["username", "display_name", "email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Personal info"),
            {
                "fields": [
                    "display_name",
                    "first_name",
                    "last_name",
                    "email",
                    "preferred_language",
                    "home_city",
                ]
            },
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "email", "usable_password", "password1", "password2"],
            },
        ),
    ]
    inlines = [MembershipInline]

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # The add page only sets the credentials; memberships come on the change page.
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "groups", "user_permissions"]
        return readonly

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        saved = formset.save()
        if formset.model is Membership:
            _grant_memberships(saved)


@admin.register(Organisation)
class OrganisationAdmin(AdminOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "slug", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganisationMembershipInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        saved = formset.save()
        if formset.model is Membership:
            _grant_memberships(saved)


@admin.register(Membership)
class MembershipAdmin(AdminOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _grant_memberships([obj])


@admin.register(ApiToken)
class ApiTokenAdmin(AdminOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "digest",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a raw token is shown once, by the API that issues it

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead, so the record of the token stays

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            services.revoke_api_token(user=token.user, token_id=token.pk)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d token revoked.", "%(n)d tokens revoked.", count) % {"n": count},
            messages.SUCCESS,
        )
