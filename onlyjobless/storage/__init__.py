"""Persistence: the SQL engine and tables, and the chat stores."""
