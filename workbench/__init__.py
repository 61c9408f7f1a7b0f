"""Situation-analysis workbench."""
