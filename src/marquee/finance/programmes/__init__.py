"""Programme funds: multi-year investment programmes, their budgets, commitments and disbursements.

A programme (the demo's: HK$5 billion over five years for Hong Kong film)
has a budget per category and fiscal year. A commitment reserves part of a
category's year for something it funds and is refused past the headroom; a
disbursement pays part of a commitment and posts to the ledger through
``post_entry``. Spending in another currency counts at the dated rate.
"""
