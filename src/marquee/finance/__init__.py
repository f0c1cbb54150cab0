"""Finance: the double-entry ledger every money movement posts to."""
