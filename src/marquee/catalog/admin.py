"""Admin for the catalog: titles (with release dates and credits), companies, genres.

Staff accounts hold no Django model permissions; access follows the Marquee
role instead. Distribution staff and administrators may view and change the
catalog; everyone else does not see it at all.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from marquee.catalog import services
from marquee.catalog.models import Company, CompanyRole, Credit, Genre, ReleaseDate, Title
from marquee.catalog.permissions import can_edit_catalog
from marquee.catalog.services.titles import TITLE_FIELDS
from marquee.core.errors import DomainError


class CatalogAccessMixin:
    """Grant module/view/add/change/delete by role rather than by Django permission."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_edit_catalog(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_edit_catalog(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_edit_catalog(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_edit_catalog(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_edit_catalog(request.user)


class ReleaseDateInline(CatalogAccessMixin, admin.TabularInline):
    model = ReleaseDate
    extra = 0


class CreditInline(CatalogAccessMixin, admin.TabularInline):
    model = Credit
    extra = 0
    autocomplete_fields = ["company"]


class TitleAdminForm(forms.ModelForm):
    class Meta:
        model = Title
        # the services' columns, the relations and the poster (the fieldsets below order them)
        fields = [*TITLE_FIELDS, "genres", "poster"]

    def clean_poster(self) -> Any:
        poster = self.cleaned_data.get("poster")
        # Only a fresh upload needs checking; the stored file was checked before.
        if poster and hasattr(poster, "content_type"):
            try:
                services.validate_poster(poster)
            except DomainError as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from exc
        return poster


@admin.register(Title)
class TitleAdmin(CatalogAccessMixin, admin.ModelAdmin):
    form = TitleAdminForm
    list_display = [
        "title_en",
        "title_zh_hans",
        "title_zh_hant",
        "kind",
        "year",
        "runtime_minutes",
        "hk_classification",
    ]
    list_filter = ["kind", "hk_classification", "genres"]
    search_fields = ["title_en", "title_zh_hans", "title_zh_hant", "original_title", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    filter_horizontal = ["genres"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ReleaseDateInline, CreditInline]
    fieldsets = [
        (None, {"fields": ["kind", "slug", "original_title", "original_language", "year"]}),
        (_("Titles"), {"fields": ["title_en", "title_zh_hans", "title_zh_hant"]}),
        (_("Synopses"), {"fields": ["synopsis_en", "synopsis_zh_hans", "synopsis_zh_hant"]}),
        (
            _("Details"),
            {
                "fields": [
                    "runtime_minutes",
                    "episodes",
                    "genres",
                    "languages",
                    "hk_classification",
                    "poster",
                    "trailer_url",
                ]
            },
        ),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]


class CompanyRoleInline(CatalogAccessMixin, admin.TabularInline):
    model = CompanyRole
    extra = 0


@admin.register(Company)
class CompanyAdmin(CatalogAccessMixin, admin.ModelAdmin):
    list_display = ["name_en", "name_zh_hans", "name_zh_hant", "slug", "country", "organisation"]
    list_filter = ["roles__role", "country"]
    search_fields = ["name_en", "name_zh_hans", "name_zh_hant", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [CompanyRoleInline]


@admin.register(Genre)
class GenreAdmin(CatalogAccessMixin, admin.ModelAdmin):
    list_display = ["code", "name_en", "name_zh_hans", "name_zh_hant"]
    search_fields = ["code", "name_en", "name_zh_hans", "name_zh_hant"]
