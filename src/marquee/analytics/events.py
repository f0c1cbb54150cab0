"""Event types of the analytics domain: none. Analytics consumes ticketing's events
(``consumers.py``) and publishes nothing; its figures are read, never reacted to."""
