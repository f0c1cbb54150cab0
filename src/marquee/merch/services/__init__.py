"""Writes of the merchandise domain, by topic: licences, products, orders, tracking,
authenticity, royalties (and the ledger's posting rules in ``ledger``)."""
