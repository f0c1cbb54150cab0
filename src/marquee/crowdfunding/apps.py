from django.apps import AppConfig


class CrowdfundingConfig(AppConfig):
    name = "marquee.crowdfunding"
    label = "crowdfunding"
    verbose_name = "Crowdfunding"

    def ready(self) -> None:
        # Payments calls these for "crowdfunding_pledge" payments, inside the callback's
        # transaction: success moves the pledge into escrow (False → automatic refund).
        from marquee.crowdfunding.services.pledges import (
            PAYMENT_PURPOSE,
            confirm_paid_pledge,
            fail_pledge_payment,
        )
        from marquee.payments.registry import register_purpose

        register_purpose(
            PAYMENT_PURPOSE, on_succeeded=confirm_paid_pledge, on_failed=fail_pledge_payment
        )
