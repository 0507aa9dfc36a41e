"""Intake: resume parsing, imports and exports of people."""
