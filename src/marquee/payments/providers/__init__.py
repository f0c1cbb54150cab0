"""Payment providers: the interface (``base``) and the built-in simulator (``sim``)."""
