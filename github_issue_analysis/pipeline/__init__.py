"""Whole workflows across services: `label` (collect -> plan -> submit -> watch -> report -> apply)."""
