"""Where things are: territories (a small tree under the world) and cities.

The lowest business app: catalog (release territories), venues (a cinema's
city), ticketing (pre-sale rounds by city) and rights (territories a right
covers) all point here; this app imports none of them.
"""
