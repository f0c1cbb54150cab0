"""Forms of the staff pages: they parse and check the shape of input; the services decide.

Amounts are typed in major units ("45.00") and become integer minor units with
:meth:`Money.from_decimal` (never a float); a local date and time become an
aware datetime in the venue's zone.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from marquee.catalog.models import Title
from marquee.core.errors import DomainError
from marquee.core.money import Money
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import ShowtimeFormat
from marquee.venues.models import Hall, SeatType, Venue

#: Largest price a form accepts, in major units (the service has its own limit).
MAX_MAJOR = Decimal("100000")


class ISODateInput(forms.DateInput):
    """``<input type=date>``: browsers take only ``YYYY-MM-DD``, whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ISOTimeInput(forms.TimeInput):
    """``<input type=time>``: browsers take only ``HH:MM``, whatever the page's language."""

    input_type = "time"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class TitleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Title) -> str:
        runtime = _("%(minutes)s min") % {"minutes": obj.runtime_minutes}
        return f"{obj.title} ({runtime})"


class HallChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Hall) -> str:
        formats = ", ".join(obj.formats or [])
        return f"{obj.name} ({formats})" if formats else obj.name


class ShowtimeForm(forms.Form):
    """Schedule or change a showtime of a venue."""

    title = TitleChoiceField(label=_("Film"), queryset=Title.objects.none())
    hall = HallChoiceField(label=_("Hall"), queryset=Hall.objects.none())
    day = forms.DateField(label=_("Date"), widget=ISODateInput())
    start = forms.TimeField(label=_("Start time"), widget=ISOTimeInput())
    format = forms.ChoiceField(label=_("Format"), choices=ShowtimeFormat.choices)
    audio_language = forms.CharField(
        label=_("Audio language"),
        max_length=16,
        required=False,
        help_text=_("A language code such as cmn, yue or en."),
    )
    subtitle_language = forms.CharField(
        label=_("Subtitles"), max_length=16, required=False, help_text=_("e.g. zh-Hans, en")
    )
    service_fee = forms.DecimalField(
        label=_("Service fee per ticket"),
        min_value=Decimal(0),
        max_value=MAX_MAJOR,
        max_digits=12,
        decimal_places=3,
        initial=Decimal(0),
    )
    sales_open_day = forms.DateField(
        label=_("General sale opens (date)"),
        required=False,
        widget=ISODateInput(),
    )
    sales_open_time = forms.TimeField(
        label=_("General sale opens (time)"),
        required=False,
        widget=ISOTimeInput(),
    )

    #: Only these may change once the showtime is published.
    PUBLISHED_FIELDS = ("audio_language", "subtitle_language", "sales_open_day", "sales_open_time")

    def __init__(
        self,
        *args: Any,
        venue: Venue,
        titles,
        published: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.venue = venue
        self.fields["title"].queryset = titles
        self.fields["hall"].queryset = Hall.objects.filter(venue=venue).order_by("name")
        for seat_type, label in SeatType.choices:
            self.fields[f"price_{seat_type}"] = forms.DecimalField(
                label=_("%(seat_type)s price") % {"seat_type": label},
                required=False,
                min_value=Decimal(0),
                max_value=MAX_MAJOR,
                max_digits=12,
                decimal_places=3,
            )
        if published:
            for name, field in self.fields.items():
                if name not in self.PUBLISHED_FIELDS:
                    field.disabled = True
                    field.required = False

    @property
    def price_fields(self) -> list[forms.BoundField]:
        return [self[f"price_{t}"] for t in SeatType.values]

    def _money(self, name: str, value: Decimal | None) -> int | None:
        if value is None:
            return None
        try:
            return Money.from_decimal(value, self.venue.currency).minor
        except DomainError as exc:
            self.add_error(name, exc.msg)
            return None

    def _local(self, day: date | None, at: time | None) -> datetime | None:
        if day is None or at is None:
            return None
        return datetime.combine(day, at, tzinfo=ZoneInfo(self.venue.time_zone))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("sales_open_day")) != bool(data.get("sales_open_time")):
            self.add_error("sales_open_time", _("Give both the date and the time, or neither."))
        return data

    # --- what the services take ----------------------------------------------------------
    def starts_at(self) -> datetime | None:
        return self._local(self.cleaned_data.get("day"), self.cleaned_data.get("start"))

    def sales_open_at(self) -> datetime | None:
        return self._local(
            self.cleaned_data.get("sales_open_day"), self.cleaned_data.get("sales_open_time")
        )

    def prices(self) -> dict[str, int]:
        prices: dict[str, int] = {}
        for seat_type in SeatType.values:
            minor = self._money(f"price_{seat_type}", self.cleaned_data.get(f"price_{seat_type}"))
            if minor is not None:
                prices[seat_type] = minor
        return prices

    def service_fee_minor(self) -> int:
        return self._money("service_fee", self.cleaned_data.get("service_fee")) or 0


#: Which form field shows a scheduling error inline.
ERROR_FIELDS: dict[TicketingErrorCode, str] = {
    TicketingErrorCode.SHOWTIME_OVERLAP: "start",
    TicketingErrorCode.SHOWTIME_IN_PAST: "day",
    TicketingErrorCode.FORMAT_NOT_SUPPORTED: "format",
    TicketingErrorCode.RUNTIME_UNKNOWN: "title",
    TicketingErrorCode.INVALID_PRICE: "service_fee",
    TicketingErrorCode.NAIVE_DATETIME: "start",
}


def showtime_initial(showtime) -> dict[str, Any]:
    """The form's values for an existing showtime (times in the venue's zone)."""
    zone = ZoneInfo(showtime.venue.time_zone)
    local = showtime.starts_at.astimezone(zone)
    initial: dict[str, Any] = {
        "title": showtime.title_id,
        "hall": showtime.hall_id,
        "day": local.date(),
        "start": local.time().replace(second=0, microsecond=0),
        "format": showtime.format,
        "audio_language": showtime.audio_language,
        "subtitle_language": showtime.subtitle_language,
        "service_fee": showtime.service_fee.to_decimal(),
    }
    if showtime.sales_open_at:
        opens = showtime.sales_open_at.astimezone(zone)
        initial["sales_open_day"] = opens.date()
        initial["sales_open_time"] = opens.time().replace(second=0, microsecond=0)
    for price in showtime.prices.all():
        # price.showtime is the showtime itself (the related manager sets it): no query.
        initial[f"price_{price.seat_type}"] = price.price.to_decimal()
    return initial


class PickupLookupForm(forms.Form):
    """A pickup code typed at the kiosk."""

    code = forms.CharField(
        label=_("Pickup code"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "enterkeyhint": "search"}
        ),
        help_text=_("The 10 digits on the buyer's ticket page or PDF."),
    )

    def clean_code(self) -> str:
        return self.cleaned_data.get("code", "").replace("\x00", "").strip()


class ScanForm(forms.Form):
    """A ticket code typed or pasted, or a photo of its QR code."""

    code = forms.CharField(
        label=_("Ticket code"),
        required=False,
        max_length=600,
        # One line: a hand scanner's Enter after the code submits the form.
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "enterkeyhint": "go",
            }
        ),
        help_text=_("Scan the QR with a hand scanner, or type the ticket's 10-digit pickup code."),
    )
    photo = forms.ImageField(
        label=_("Or a photo of the QR code"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    door = forms.CharField(label=_("Door"), required=False, max_length=40)

    #: Photos larger than this are refused before decoding.
    MAX_PHOTO_BYTES = 8 * 1024 * 1024

    def clean_code(self) -> str:
        # Base45 codes may contain spaces: only line breaks and the ends are trimmed.
        code = self.cleaned_data.get("code", "").replace("\x00", "")
        return code.replace("\r", "").replace("\n", "").strip()

    def clean_door(self) -> str:
        return self.cleaned_data.get("door", "").replace("\x00", "").strip()

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > self.MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("The photo is too large (at most 8 MB)."))
        return photo

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("code") and not data.get("photo") and not self.errors:
            raise forms.ValidationError(_("Enter a ticket code or choose a photo of its QR code."))
        return data


class CancelShowtimeForm(forms.Form):
    reason = forms.CharField(label=_("Reason (shown to buyers)"), max_length=300, required=False)
