"""The evaluation report of one attempt, on its own page."""
