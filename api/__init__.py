"""The FastAPI app: the HTTP API under /api/v1 (and, later, the web pages)."""
