"""Unit tests of the Reflex interface helpers."""
