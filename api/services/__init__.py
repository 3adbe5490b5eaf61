"""Business logic behind the API, callable from the CLI and the web pages too.

Services take a `Runtime` (settings, database, jurisdiction, model) and a SQLAlchemy session,
raise `ServiceError`s with a Vietnamese message and an HTTP-like status, and know nothing of
requests and responses.
"""
