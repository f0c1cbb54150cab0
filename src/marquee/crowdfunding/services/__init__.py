"""Crowdfunding services: every write of the domain, one transaction each.

- ``offerings``: create an offering, link its pre-sale perk.
- ``pledges``: reserve the cap and start the payment; confirm, lapse, expire.
- ``closing``: close due offerings (release or refund), grant perks.
- ``returns``: compute returns from the box office and pay them.
"""
