"""The simulated payment gateway: its page, its API and its callback delivery.

It exists outside production only. ``marquee.payments.urls`` mounts
:mod:`.urls` and ``marquee.payments.api`` mounts :mod:`.api` only when
:func:`marquee.payments.registry.simulator_allowed` is true, and the ``sim``
provider is registered under the same condition (``PaymentsConfig.ready``).
"""
