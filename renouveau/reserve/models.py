"""Réserve citoyenne."""
