"""Marketing: audiences, segments, campaigns and vouchers."""
