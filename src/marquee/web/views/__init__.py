"""HTML pages for people, by audience: ``storefront`` and ``booking`` (moviegoers browsing and
buying), ``tickets`` (my tickets, refunds, exchanges), ``account``, ``scanner`` (the door) and
``console`` (cinema operators). Views parse, call the domain's services and queries, and render.
"""
