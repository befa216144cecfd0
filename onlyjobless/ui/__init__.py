"""The Reflex interface: states hold display-ready values and call the services."""
