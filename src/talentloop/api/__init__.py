"""The REST API v1: one NinjaAPI, shared auth, errors, pagination and idempotency."""
