"""One module (or folder) per page, each with its own state beside it."""
