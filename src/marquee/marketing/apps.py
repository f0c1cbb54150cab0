from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "marquee.marketing"
    label = "marketing"
    verbose_name = "Marketing"

    def ready(self) -> None:
        # Vouchers at checkout: ticketing asks the registered provider (ticketing/discounts.py).
        from marquee.marketing.services.provider import VoucherDiscounts
        from marquee.ticketing.discounts import register_discount_provider

        register_discount_provider(VoucherDiscounts())
