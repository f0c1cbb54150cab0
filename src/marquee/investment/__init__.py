"""Content investment: the slate, budgets, co-financing stakes and revenue waterfalls."""
