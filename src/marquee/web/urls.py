"""URLs of the people-facing pages (mounted at the site root)."""

from django.urls import path, register_converter

from marquee.web.views import (
    account,
    analytics,
    assets,
    audience,
    booking,
    console,
    crowdfunding,
    crowdfunding_console,
    finance,
    investment,
    marketing,
    orders,
    payouts,
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
    path("finance/payouts/", payouts.index, name="finance-payouts"),
    path("finance/payouts/batch/", payouts.batch, name="finance-payouts-batch"),
    path(
        "finance/payouts/<int:payout_id>/confirm/", payouts.confirm, name="finance-payout-confirm"
    ),
    path("finance/plotly.min.js", finance.plotly_js, name="finance-plotly"),
    # investment: the slate, projects, partner statements
    path("investment/", investment.slate, name="investment-slate"),
    path("investment/projects/<slug:slug>/", investment.project, name="investment-project"),
    path("investment/projects/<slug:slug>/stage/", investment.move_stage, name="investment-stage"),
    path("investment/statements/", investment.statements, name="investment-statements"),
    path(
        "investment/statements/<int:participant_id>/",
        investment.statement,
        name="investment-statement",
    ),
    path(
        "investment/statements/<int:participant_id>/live/",
        investment.statement_live,
        name="investment-statement-live",
    ),
    # crowdfunding
    path("crowdfunding/", crowdfunding.index, name="crowdfunding"),
    # crowdfunding: the console of investment staff
    path("crowdfunding/console/", crowdfunding_console.index, name="crowdfunding-console"),
    path(
        "crowdfunding/console/<slug:slug>/",
        crowdfunding_console.offering,
        name="crowdfunding-console-offering",
    ),
    path(
        "crowdfunding/console/<slug:slug>/close/",
        crowdfunding_console.close,
        name="crowdfunding-console-close",
    ),
    path(
        "crowdfunding/console/<slug:slug>/returns/",
        crowdfunding_console.pay,
        name="crowdfunding-console-pay",
    ),
    path(
        "crowdfunding/console/<slug:slug>/payouts/<int:share_id>/retry/",
        crowdfunding_console.retry,
        name="crowdfunding-console-retry",
    ),
    path(
        "crowdfunding/console/<slug:slug>/premiere/",
        crowdfunding_console.set_premiere,
        name="crowdfunding-console-premiere",
    ),
    path(
        "crowdfunding/console/<slug:slug>/pool/",
        crowdfunding_console.link_pool,
        name="crowdfunding-console-pool",
    ),
    path("crowdfunding/pledges/", crowdfunding.my_pledges, name="crowdfunding-pledges"),
    path(
        "crowdfunding/payout-account/",
        crowdfunding.payout_account,
        name="crowdfunding-payout-account",
    ),
    path(
        "crowdfunding/payouts/<int:share_id>/retry/",
        crowdfunding.retry_payout,
        name="crowdfunding-retry-payout",
    ),
    path(
        "crowdfunding/perks/<int:grant_id>/premiere/",
        crowdfunding.claim_premiere,
        name="crowdfunding-premiere",
    ),
    path("crowdfunding/<slug:slug>/", crowdfunding.offering, name="crowdfunding-offering"),
    path("crowdfunding/<slug:slug>/pledge/", crowdfunding.pledge, name="crowdfunding-pledge"),
]

# rights: the avails grid and the deals (rights staff)
from marquee.web.views import rights as rights_views  # noqa: E402
from marquee.web.views import rights_changes  # noqa: E402

urlpatterns += [
    path("rights/", rights_views.avails, name="rights"),
    path("rights/deals/", rights_views.deal_list, name="rights-deals"),
    path("rights/deals/new/", rights_views.deal_new, name="rights-deal-new"),
    path("rights/deals/<mqid:deal_id>/", rights_views.deal_detail, name="rights-deal"),
    path(
        "rights/deals/<mqid:deal_id>/reports/",
        rights_changes.record_report,
        name="rights-deal-report",
    ),
    path(
        "rights/deals/<mqid:deal_id>/cancel/", rights_changes.cancel_deal, name="rights-deal-cancel"
    ),
    path("rights/deals/<mqid:deal_id>/amend/", rights_changes.amend_deal, name="rights-deal-amend"),
]

# merch: the shop, the merchant portal, the licensor's pages
from marquee.web.views.merch import licensor as merch_licensor  # noqa: E402
from marquee.web.views.merch import portal as merch_portal  # noqa: E402
from marquee.web.views.merch import shop as merch_shop  # noqa: E402

urlpatterns += [
    path("shop/", merch_shop.index, name="merch"),
    path("shop/products/<mqid:product_id>/", merch_shop.product, name="merch-product"),
    path("shop/cart/", merch_shop.cart_page, name="merch-cart"),
    path("shop/cart/add/", merch_shop.add_to_cart, name="merch-cart-add"),
    path("shop/checkout/", merch_shop.checkout, name="merch-checkout"),
    path("shop/orders/", merch_shop.my_orders, name="merch-orders"),
    path("shop/orders/<mqid:order_id>/", merch_shop.order_detail, name="merch-order"),
    path("shop/verify/", merch_shop.verify, name="merch-verify"),
    path("shop/merchant/", merch_portal.portal, name="merch-portal"),
    path("shop/approvals/", merch_licensor.approvals, name="merch-approvals"),
    path("shop/licences/", merch_licensor.licences, name="merch-licences"),
    # analytics: the distribution console
    path("analytics/", analytics.board, name="analytics-board"),
    path("analytics/titles/<slug:slug>/", analytics.title, name="analytics-title"),
    # marketing
    path("marketing/", marketing.index, name="marketing"),
    path("marketing/segments/", marketing.segments, name="marketing-segments"),
    path("marketing/campaigns/new/", marketing.campaign_new, name="marketing-campaign-new"),
    path("marketing/campaigns/<slug:slug>/", marketing.campaign, name="marketing-campaign"),
    path(
        "marketing/campaigns/<slug:slug>/report.<str:fmt>",
        marketing.campaign_download,
        name="marketing-campaign-download",
    ),
    path("account/vouchers/", marketing.my_vouchers, name="account-vouchers"),
    path("account/invitations/", marketing.my_invitations, name="account-invitations"),
    path("account/profile/", marketing.profile, name="account-profile"),
    # issue 14: the icon browsers ask for on every page
    path("favicon.ico", assets.favicon, name="favicon"),
    # search, waiting lists and reviews
    path("search/", audience.search, name="search"),
    path("showtimes/<mqid:showtime_id>/waitlist/", audience.join, name="waitlist-join"),
    path("waitlist/<mqid:entry_id>/accept/", audience.accept, name="waitlist-accept"),
    path("waitlist/<mqid:entry_id>/leave/", audience.decline, name="waitlist-leave"),
    path("films/<slug:slug>/review/", audience.review, name="film-review"),
]
