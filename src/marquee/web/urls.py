"""URLs of the people-facing pages (mounted at the site root)."""

from django.urls import path, register_converter

from marquee.web.views import (
    account,
    audience,
    booking,
    console,
    finance,
    orders,
    scanner,
    storefront,
    tickets,
)


class IdConverter:
    """A positive id that fits a 64-bit column (longer digit runs are a 404, not a 500)."""

    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "mqid")

urlpatterns = [
    path("", storefront.home, name="home"),
    path("city/", storefront.choose_city, name="choose-city"),
    path("films/<slug:slug>/", storefront.film, name="film"),
    path("films/<slug:slug>/want-to-see/", storefront.want_to_see, name="want-to-see"),
    path("cinemas/", storefront.cinemas, name="cinemas"),
    path("cinemas/<slug:slug>/", storefront.cinema, name="cinema"),
    path("showtimes/<mqid:showtime_id>/seats/", booking.seats, name="seats"),
    path("checkout/<mqid:order_id>/", booking.checkout, name="checkout"),
    path("checkout/<mqid:order_id>/pay/", booking.pay, name="pay"),
    path("checkout/<mqid:order_id>/cancel/", booking.cancel, name="order-cancel"),
    path("orders/", orders.index, name="orders"),
    path("orders/<mqid:order_id>/", orders.detail, name="order"),
    path("tickets/", tickets.tickets, name="tickets"),
    path("tickets/<mqid:order_id>/refund/", tickets.refund, name="refund"),
    path("tickets/<mqid:order_id>/exchange/", tickets.exchange, name="exchange"),
    path(
        "tickets/<mqid:order_id>/exchange/<mqid:showtime_id>/",
        tickets.exchange_seats,
        name="exchange-seats",
    ),
    path("account/", account.account, name="account"),
    path("account/tokens/", account.tokens, name="account-tokens"),
    path("scan/", scanner.index, name="scanner"),
    path("scan/<slug:slug>/", scanner.scan, name="scanner-venue"),
    path("scan/<slug:slug>/pickup/", scanner.kiosk, name="scanner-kiosk"),
    path("console/", console.index, name="console"),
    path("console/showtimes/<mqid:showtime_id>/", console.showtime, name="console-showtime"),
    path(
        "console/showtimes/<mqid:showtime_id>/publish/",
        console.publish,
        name="console-publish",
    ),
    path("console/showtimes/<mqid:showtime_id>/cancel/", console.cancel, name="console-cancel"),
    path("console/<slug:slug>/", console.week, name="console-week"),
    path("console/<slug:slug>/new/", console.create, name="console-new"),
    path("console/<slug:slug>/settlement/", console.settlement, name="console-settlement"),
    path("finance/", finance.income, name="finance"),
    path("finance/trial-balance/", finance.trial_balance, name="finance-trial-balance"),
    path("finance/balance-sheet/", finance.balance_sheet, name="finance-balance-sheet"),
    path("finance/summary/", finance.summary, name="finance-summary"),
    path("finance/programmes/", finance.programmes, name="finance-programmes"),
    path("finance/plotly.min.js", finance.plotly_js, name="finance-plotly"),
    # search, waiting lists and reviews
    path("search/", audience.search, name="search"),
    path("showtimes/<mqid:showtime_id>/waitlist/", audience.join, name="waitlist-join"),
    path("waitlist/<mqid:entry_id>/accept/", audience.accept, name="waitlist-accept"),
    path("waitlist/<mqid:entry_id>/leave/", audience.decline, name="waitlist-leave"),
    path("films/<slug:slug>/review/", audience.review, name="film-review"),
]
