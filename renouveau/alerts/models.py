"""Alertes."""
