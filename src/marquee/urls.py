from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from marquee.accounts.forms import AdminLoginForm
from marquee.api import api

# The admin's log-in is throttled like the site's (marquee.accounts.throttle).
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("marquee.accounts.urls")),
    path("payments/", include("marquee.payments.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
    path("", include("marquee.web.urls")),
]
