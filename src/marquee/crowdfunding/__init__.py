"""Film crowdfunding: offerings, pledges held in escrow, returns and perks."""
