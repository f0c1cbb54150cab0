"""The merchandise pages: the shop (goods, cart, checkout, my orders, verification), the
merchant portal and the licensor's approval queue and statements."""
