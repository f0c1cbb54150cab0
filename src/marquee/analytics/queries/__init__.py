"""Reads of the analytics domain, shared by the API and the console pages.

Every read takes a *scope*: ``None`` for all venues (distribution staff and
admins), or the set of venue ids a cinema operator runs (``permissions.scope_of``).
"""
