"""The simulated gateway's pages, mounted at ``/payments/`` outside production only."""

from django.urls import path

from marquee.payments.simulator import views

urlpatterns = [
    path("sim/<uuid:payment_id>/", views.sim_page, name="sim-page"),
    path("sim/<uuid:payment_id>/done/", views.sim_done, name="sim-done"),
]
