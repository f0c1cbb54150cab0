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
        # The gateway's fee on a pledge is a cost of raising the film's money: content segment.
        from marquee.crowdfunding.ledger import SEGMENT
        from marquee.finance.services.ticketing import register_fee_segment

        register_fee_segment(PAYMENT_PURPOSE, SEGMENT)
        from marquee.core import periodic

        # Offerings past their closing time close by themselves (`marquee worker`, docs/outbox.md).
        periodic.register("crowdfunding.close_offerings", every=60, call=CLOSE_JOB)


CLOSE_JOB = "marquee.crowdfunding.services.closing.close_due_offerings"
