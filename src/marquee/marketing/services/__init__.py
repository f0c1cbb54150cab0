"""Every write of the marketing domain: segments, campaigns, vouchers, redemptions, profiles."""
