"""HTML of the simulated gateway; the root URLconf mounts it at ``payments/``."""

from django.urls import path

from marquee.payments import views

app_name = "payments"

urlpatterns = [
    path("sim/<uuid:payment_id>/", views.sim_page, name="sim-page"),
    path("sim/<uuid:payment_id>/done/", views.sim_done, name="sim-done"),
]
