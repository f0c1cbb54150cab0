"""Every write of the ticketing domain, by topic.

``showtimes`` (schedule, publish, cancel), ``rounds`` (pre-sale rounds, want to
see, invitations, the per-account limit), ``holds`` (claim and release seats),
``orders`` (orders and their states, paying), ``fulfilment`` (tickets once
paid), ``checkin`` (the door), ``refunds`` (the venue's rule, refunds,
cancellation refunds), ``exchanges`` (another showtime of the same film),
``settlement`` (a venue's day: the split and its rules) and ``checkout`` (hold
and order in one step, for the seat page). See ``docs/ticketing.md``.
"""
