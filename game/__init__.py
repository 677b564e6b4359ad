"""Borderline: a terminal strategy game about drug policy on both sides of the US-Mexico border."""

__version__ = "0.1.0"
