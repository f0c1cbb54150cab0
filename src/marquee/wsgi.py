"""WSGI entry point for gunicorn: ``marquee.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marquee.settings")
application = get_wsgi_application()
