"""Deterministic, realistic demo and load-test data (`talentloop seed`, `talentloop demo`)."""
