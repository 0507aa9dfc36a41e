"""Data hygiene: duplicate detection, merge and undo, normalisation and data-quality reports."""
