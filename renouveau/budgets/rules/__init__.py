"""Participatory-budget engine (pure Python/NumPy, no Django): see docs/pb-engine.md."""
