"""Every write of the ticketing domain, by topic.

``showtimes`` (schedule, publish, cancel), ``rounds`` (pre-sale rounds, want to
see, invitations, the per-account limit), ``holds`` (claim and release seats),
``orders`` (orders and their states, paying), ``fulfilment`` (tickets once paid).
"""
