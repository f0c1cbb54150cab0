"""Pieces several ticketing endpoints share."""

from __future__ import annotations

from django.http import HttpResponse

from marquee.ticketing import downloads


def file_response(download: downloads.Download) -> HttpResponse:
    """``download`` as a private, never-cached attachment."""
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = download.content_disposition
    response["Cache-Control"] = "private, no-store"
    return response


def binary_openapi(content_type: str) -> dict:
    """``openapi_extra`` documenting a binary body of ``content_type``."""
    return {
        "responses": {
            200: {
                "description": "The file",
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }
