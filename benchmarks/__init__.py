"""Performance scripts run against the production build (`make bench`)."""
