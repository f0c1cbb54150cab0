"""The waiting room of a showtime in a rush."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class WaitingRoomOut(Schema):
    admitted: bool = Field(..., description="May hold seats now")
    position: int | None = Field(None, description="Your place in line while waiting (1 = next)")
    admitted_until: datetime | None = Field(None, description="Hold seats before this instant")
    retry_after: int = Field(..., description="Seconds before asking again (0 when admitted)")
    room_size: int = Field(..., description="Buyers let in at once (0: no waiting room)")
