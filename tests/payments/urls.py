"""The root URLconf plus the simulated gateway's pages, for tests that run before the
lead mounts ``marquee.payments.urls`` in ``marquee/urls.py`` (harmless afterwards)."""

from django.urls import include, path
from django.urls.resolvers import URLResolver

from marquee.urls import urlpatterns as root_patterns


def _mounted() -> bool:
    return any(
        isinstance(p, URLResolver) and getattr(p, "namespace", None) == "payments"
        for p in root_patterns
    )


urlpatterns = list(root_patterns)
if not _mounted():
    urlpatterns.insert(0, path("payments/", include("marquee.payments.urls")))
