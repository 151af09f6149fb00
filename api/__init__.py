"""The HTTP API: FastAPI only here."""
