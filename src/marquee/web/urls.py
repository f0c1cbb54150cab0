from django.urls import path

from marquee.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
