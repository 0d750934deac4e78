"""Gouvernance."""
