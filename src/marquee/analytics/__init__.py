"""Analytics: live box office, pre-sale curves, recommendations and forecasts."""
