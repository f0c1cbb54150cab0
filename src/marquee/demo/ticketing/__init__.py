"""Demo ticketing: a two-week schedule in every demo hall, a pre-sale, sales, door scans, rules.

:func:`load_demo_ticketing` (called by :func:`marquee.demo.world.load_world`):

* **Settlement rules** for mainland China (5 % film fund, 3.3 % taxes, 57 % of
  net to the cinema) and Hong Kong and Macau (no levy, 55 %), unless set already.
* **Showtimes** in every hall of every active demo cinema for 14 days from
  ``today`` (plus yesterday, as history for the console and the scanner): 4–6
  shows a hall a day starting 10:00–23:30 local, tighter in the evening; the
  big titles get more screens and the IMAX halls; prices per seat type by
  city, format and time of day (matinées cheaper, evening peak dearer) in the
  venue's currency, plus a service fee (3 CNY / 4 HKD). Each showtime is
  created by a bulk path that writes exactly what
  :func:`~marquee.ticketing.services.showtimes.publish_showtime` writes
  (the published showtime, its prices, one ``free`` inventory row per seat,
  the hall's layout frozen) — the services one by one would take minutes.
* **A pre-sale round** for the upcoming Hong Kong film *Harbour Lights*
  (audience: accounts that registered "want to see"; a few have).
* **Sales** through the services: online orders for the coming evenings paid
  through the simulated gateway by ``fan``, ``fan2`` and generated
  moviegoers; box-office sales (orders without an online payment) for
  yesterday's and today's earlier shows, replayed at the time they happened.
* **Door scans** for those earlier shows, through the check-in service at the
  time the doors were open — a few refused scans among them.

Idempotent: a (hall, local day) that already has a showtime is left as it is,
and sales and scans are only made for showtimes this run created, so running
it twice keeps one copy.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from marquee.accounts.models import User
from marquee.demo.ticketing.sales import (
    DemoTicketing,
    Progress,
    load_presale,
    make_buyers,
    presale_opening,
    report_progress,
    sell_and_scan,
)
from marquee.demo.ticketing.schedule import demo_films, load_rules, schedule_days, schedule_venue
from marquee.ticketing.models import Showtime
from marquee.venues.models import Hall, Venue

# --- entry point ------------------------------------------------------------------


def load_demo_ticketing(
    *, today: date | None = None, scale: int = 1, progress: Progress | None = None
) -> DemoTicketing:
    """Schedule, pre-sell, sell and scan in the demo world (see the module docstring).

    Needs the demo venues, titles and accounts (``load_world`` loads them
    first). ``scale`` is the demo world's scale (its venues are already
    multiplied; nothing more to do here). ``progress`` is called once per
    venue (scheduling, then sales), or treated as a tqdm bar if it has
    ``update``. Returns what this run created and the generated buyers'
    demo accounts.
    """
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ValueError("scale must be a whole number of at least 1")
    now = timezone.now()
    today = today or timezone.localdate()
    result = DemoTicketing()
    load_rules()
    films = demo_films()
    days = schedule_days(today)
    general_sale = presale_opening(today)
    venues = list(
        Venue.objects.filter(kind=Venue.Kind.CINEMA, is_active=True)
        .select_related("city", "chain")
        .order_by("slug")
    )
    halls: dict[int, list[Hall]] = {}
    for hall in Hall.objects.filter(venue__in=venues).order_by("venue_id", "name"):
        halls.setdefault(hall.venue_id, []).append(hall)
    created: list[Showtime] = []
    for venue in venues:
        created += schedule_venue(
            venue,
            halls.get(venue.pk, []),
            days=days,
            films=films,
            now=now,
            presale_open=general_sale,
        )
        report_progress(progress, venue.slug)
    result.showtimes = len(created)
    generated, result.accounts = make_buyers()
    fans = {u.username: u for u in User.objects.filter(username__in=["fan", "fan2"])}
    presale = load_presale(
        today=today,
        general_sale=general_sale,
        fans=[u for u in [fans.get("fan2"), *generated[:4]] if u is not None],
        now=now,
    )
    result.presale_round_id = presale.pk if presale else None
    if created:
        sell_and_scan(
            created,
            now=now,
            fans=fans,
            generated=generated,
            presale=presale,
            result=result,
            progress=progress,
        )
    return result
