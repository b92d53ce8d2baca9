"""How the app holds its database connections, so that a database restart costs seconds, not workers."""

from typing import Any

from .env import env_int


def resilient(database: dict[str, Any]) -> dict[str, Any]:
    """The database settings with a health check on reused connections and, on PostgreSQL, a connect timeout.

    A connection kept open across requests (CONN_MAX_AGE) is dead after the server restarts; the health
    check finds that at the start of the next request and opens a new one, instead of failing that request.
    The connect timeout bounds how long a request waits for a server that does not answer at all (a host
    that is down rather than refusing), so it gets its 503 well before gunicorn's worker timeout.
    """
    database = {**database, "CONN_HEALTH_CHECKS": True}
    if database.get("ENGINE") == "django.db.backends.postgresql":
        options = dict(database.get("OPTIONS", {}))
        options.setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
        database["OPTIONS"] = options
    return database
