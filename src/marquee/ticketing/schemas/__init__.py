"""Request and response schemas of the ticketing API, and the functions that fill them.

One module per resource, mirroring ``services/`` (``_common`` holds the pieces
several share). Seat codes are ``"row_label-number"`` (``"5-8"``) next to the
display label (``"5排8座"``). Money is integer minor units with the ISO currency
beside it. Instants are UTC; ``local_*`` fields repeat them in the venue's time
zone.
"""
