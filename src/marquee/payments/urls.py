"""Pages of the payments domain, mounted by the root URLconf at ``payments/``.

Today these are only the simulated gateway's pages, which do not exist in
production: there the list is empty and ``/payments/sim/…`` is a 404.
"""

from marquee.payments.registry import simulator_allowed

app_name = "payments"

urlpatterns = []
if simulator_allowed():
    from marquee.payments.simulator.urls import urlpatterns as _simulator_patterns

    urlpatterns += _simulator_patterns
