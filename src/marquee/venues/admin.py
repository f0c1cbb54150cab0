"""Django admin for cities, chains, venues, halls and seats, scoped by role.

Operators are ``is_staff`` but hold no Django model permissions, so access is
granted here by role instead (``has_*_permission``):

* administrators (superusers or the ``admin`` role) see and change everything;
* distribution staff see every venue, read-only;
* a cinema operator sees and changes only its own chains' venues and halls —
  querysets, object permissions and foreign-key choices are all limited, and an
  object outside its scope answers 404 rather than the admin's usual redirect.

Writes go through ``venues.services`` so the admin cannot bypass the layout
validation: a hall is created or changed by its layout JSON (seats follow from
it and are read-only here).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from marquee.accounts.permissions import is_admin
from marquee.core.errors import DomainError
from marquee.places.models import City
from marquee.venues import queries, services
from marquee.venues.layouts import InvalidLayout, layout_of_hall, parse_layout
from marquee.venues.models import Chain, Hall, Seat, Venue


def _copy_saved(target: Any, saved: Any) -> None:
    """Make the admin's unsaved ``target`` the row a service just created."""
    for field in type(saved)._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


class RoleScopedAdmin(admin.ModelAdmin):
    """Base: read for overseers and owning operators; change for admins and owners."""

    #: Lookup from this model to its chain's organisation id.
    organisation_lookup: str = ""
    #: May an owning operator change / add / delete? (Admins always may.)
    operators_change = True
    operators_add = False
    operators_delete = False

    # -- who is asking
    def _admin(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def _orgs(self, request: HttpRequest) -> frozenset[int]:
        return queries.operated_organisation_ids(request.user)

    def _overseer(self, request: HttpRequest) -> bool:
        return queries.sees_all_venues(request.user)

    def organisation_of(self, obj: Any) -> int | None:
        raise NotImplementedError

    def _owns(self, request: HttpRequest, obj: Any) -> bool:
        return self.organisation_of(obj) in self._orgs(request)

    # -- scoping
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if self._overseer(request):
            return qs
        orgs = self._orgs(request)
        if not orgs or not self.organisation_lookup:
            return qs.none()
        return qs.filter(**{f"{self.organisation_lookup}__in": orgs})

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Out of scope and missing look the same: a 404, not a hint via redirect.
            raise Http404("No such object.")
        return obj

    # -- permissions by role (operators hold no Django model permissions)
    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._overseer(request) or bool(self._orgs(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._overseer(request):
            return True
        if not self._orgs(request):
            return False
        return obj is None or self._owns(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._admin(request):
            return True
        if not self.operators_change or not self._orgs(request):
            return False
        return obj is None or self._owns(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._admin(request) or (self.operators_add and bool(self._orgs(request)))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._admin(request):
            return True
        if not self.operators_delete or not self._orgs(request):
            return False
        return obj is None or self._owns(request, obj)


@admin.register(City)
class CityAdmin(RoleScopedAdmin):
    list_display = ("name_en", "name_zh_hans", "code", "territory", "time_zone", "currency")
    list_filter = ("territory", "currency")
    search_fields = ("code", "name_en", "name_zh_hans", "name_zh_hant")
    operators_change = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Cities are public reference data: everyone with venue access reads them all.
        return admin.ModelAdmin.get_queryset(self, request)

    def organisation_of(self, obj: Any) -> int | None:
        return None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


@admin.register(Chain)
class ChainAdmin(RoleScopedAdmin):
    list_display = ("name_en", "name_zh_hans", "slug", "organisation", "venue_count")
    search_fields = ("name_en", "name_zh_hans", "name_zh_hant", "slug")
    organisation_lookup = "organisation_id"
    operators_change = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("organisation")
            .annotate(n_venues=Count("venues"))
        )

    def organisation_of(self, obj: Chain) -> int | None:
        return obj.organisation_id

    @admin.display(description="venues", ordering="n_venues")
    def venue_count(self, obj: Chain) -> int:
        return getattr(obj, "n_venues", 0)


class VenueAdminForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = (
            "chain",
            "kind",
            "slug",
            "name_en",
            "name_zh_hans",
            "name_zh_hant",
            "city",
            "address_en",
            "address_zh_hans",
            "address_zh_hant",
            *services.VENUE_SETTING_FIELDS,
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        checked = {
            k: v
            for k, v in cleaned.items()
            if k in services.UPDATABLE_VENUE_FIELDS and isinstance(v, str)
        }
        try:
            services.check_venue_fields(checked)
        except DomainError as exc:
            raise ValidationError(exc.message) from exc
        return cleaned


@admin.register(Venue)
class VenueAdmin(RoleScopedAdmin):
    form = VenueAdminForm
    list_display = ("name_en", "name_zh_hans", "city", "chain", "kind", "hall_count", "is_active")
    list_filter = ("city", "chain", "kind", "is_active")
    list_select_related = ("city", "chain")
    search_fields = ("name_en", "name_zh_hans", "name_zh_hant", "slug", "address_en")
    organisation_lookup = "chain__organisation_id"
    operators_add = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(n_halls=Count("halls"))

    def organisation_of(self, obj: Venue) -> int | None:
        return obj.chain.organisation_id

    @admin.display(description="halls", ordering="n_halls")
    def hall_count(self, obj: Venue) -> int:
        return getattr(obj, "n_halls", 0)

    def get_readonly_fields(self, request: HttpRequest, obj: Venue | None = None):
        return ("chain", "slug") if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs: Any):
        if db_field.name == "chain":
            kwargs["queryset"] = queries.manageable_chains(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Venue, form: forms.ModelForm, change: bool):
        data = form.cleaned_data
        if change:
            changes = {
                f: data[f] for f in form.changed_data if f in services.UPDATABLE_VENUE_FIELDS
            }
            services.update_venue(venue=obj, actor=request.user, **changes)
            return
        fields = {
            f: data[f]
            for f in services.UPDATABLE_VENUE_FIELDS
            if f in data and f not in {"city"} and data[f] is not None
        }
        venue = services.create_venue(
            chain=data["chain"], city=data["city"], slug=data["slug"], actor=request.user, **fields
        )
        _copy_saved(obj, venue)


class HallAdminForm(forms.ModelForm):
    layout = forms.JSONField(
        help_text=(
            "The seat layout in the marquee.layout/1 JSON format (explicit 'seats' or "
            "compact 'grid'); see docs/layouts.md. Its 'name' names the hall."
        ),
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "style": "font-family: monospace"}),
    )

    class Meta:
        model = Hall
        fields = ("venue",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["layout"].initial = layout_of_hall(self.instance).to_dict()
        self.parsed_layout = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        raw = cleaned.get("layout")
        if raw is None:
            return cleaned
        try:
            layout = parse_layout(raw)
        except InvalidLayout as exc:
            raise ValidationError(
                [ValidationError(p["message"]) for p in exc.problems], code="invalid_layout"
            ) from exc
        venue = cleaned.get("venue") or (self.instance.venue if self.instance.pk else None)
        if self.instance.pk and Hall.objects.filter(pk=self.instance.pk, layout_locked=True):
            raise ValidationError(
                "This hall's layout is locked: tickets exist or can be sold for its seats."
            )
        if venue is not None:
            clash = Hall.objects.filter(venue=venue, name=layout.name)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise ValidationError(f"{venue} already has a hall named {layout.name!r}.")
        self.parsed_layout = layout
        return cleaned


@admin.register(Hall)
class HallAdmin(RoleScopedAdmin):
    form = HallAdminForm
    list_display = (
        "name",
        "venue",
        "seat_count",
        "formats",
        "rows",
        "columns",
        "layout_version",
        "layout_locked",
    )
    list_filter = ("venue__city", "venue__chain", "layout_locked")
    list_select_related = ("venue",)
    search_fields = ("name", "venue__name_en", "venue__name_zh_hans", "venue__slug")
    organisation_lookup = "venue__chain__organisation_id"
    operators_add = True
    operators_delete = True
    readonly_fields = (
        "name",
        "rows",
        "columns",
        "seat_count",
        "layout_version",
        "layout_locked",
        "seat_map",
    )

    def organisation_of(self, obj: Hall) -> int | None:
        return obj.venue.chain.organisation_id

    def get_readonly_fields(self, request: HttpRequest, obj: Hall | None = None):
        if obj is None:
            return ()
        return ("venue", *self.readonly_fields)

    def get_fields(self, request: HttpRequest, obj: Hall | None = None):
        if obj is None:
            return ("venue", "layout")
        return ("venue", *self.readonly_fields[:-1], "layout", "seat_map")

    def has_delete_permission(self, request: HttpRequest, obj: Hall | None = None) -> bool:
        if obj is not None and obj.layout_locked and not self._admin(request):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs: Any):
        if db_field.name == "venue" and not self._admin(request):
            kwargs["queryset"] = Venue.objects.filter(
                chain__in=queries.manageable_chains(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="layout")
    def layout(self, obj: Hall) -> str:
        """The layout JSON for readers without change permission (editors get the form field)."""
        text = json.dumps(layout_of_hall(obj).to_dict(), ensure_ascii=False, indent=1)
        return format_html('<pre style="max-height:30em;overflow:auto">{}</pre>', text)

    @admin.display(description="seat map")
    def seat_map(self, obj: Hall) -> str:
        if obj.pk is None:
            return "-"
        url = reverse("admin:venues_seat_changelist") + f"?hall__id__exact={obj.pk}"
        return format_html(
            '<pre style="line-height:1.1">{}</pre><p>S standard · V VIP · C couple · '
            'W wheelchair · A companion · <a href="{}">list the {} seats</a></p>',
            layout_of_hall(obj).render(),
            url,
            obj.seat_count,
        )

    def save_model(self, request: HttpRequest, obj: Hall, form: forms.ModelForm, change: bool):
        layout = form.parsed_layout  # type: ignore[attr-defined]
        if change:
            services.replace_hall_layout(hall=obj, layout=layout, actor=request.user)
            return
        hall = services.create_hall(
            venue=form.cleaned_data["venue"], layout=layout, actor=request.user
        )
        _copy_saved(obj, hall)


@admin.register(Seat)
class SeatAdmin(RoleScopedAdmin):
    """Seats are read-only here: they change through their hall's layout."""

    list_display = ("label", "code", "hall", "row", "column", "kind", "partner")
    list_filter = ("kind", "hall__venue__chain", "hall__venue__city")
    list_select_related = ("hall", "hall__venue", "partner")
    search_fields = ("row_label", "number", "hall__name", "hall__venue__name_en")
    organisation_lookup = "hall__venue__chain__organisation_id"
    operators_change = False

    def organisation_of(self, obj: Seat) -> int | None:
        return obj.hall.venue.chain.organisation_id

    def has_change_permission(self, request: HttpRequest, obj: Seat | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Seat | None = None) -> bool:
        return False
