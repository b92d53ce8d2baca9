"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py` (the application is named here).

Threaded workers (gthread) because downloads stream: a CSV or Excel export of a large list holds its
thread for as long as the client reads, and with threads that blocks one thread, not a whole process.
Every number can be changed through the environment; the defaults suit the machine it starts on.
"""

import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name}={value!r} is not an integer.") from None


def cpu_count() -> int:
    """The CPUs this process may run on (a container's share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

worker_class = "gthread"
# One process per CPU and one more, each with a few threads. Every thread may hold a database
# connection (DATABASE_CONN_MAX_AGE keeps them open), so workers x threads x app servers must stay
# below PostgreSQL's max_connections.
workers = _env_int("GUNICORN_WORKERS", cpu_count() + 1)
threads = _env_int("GUNICORN_THREADS", 4)

# With gthread the worker's main loop sends the heartbeat while its threads serve requests, so
# `timeout` only restarts a worker that is truly stuck; a long streamed download does not trip it.
timeout = _env_int("GUNICORN_TIMEOUT", 60)
# On restart or deploy, running requests (streamed downloads included) get this long to finish.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 120)
# Behind the bureau's proxy connections are reused: stay open longer than the proxy keeps an idle
# upstream connection (nginx: 60 s), so the proxy never sends on a connection gunicorn is closing.
keepalive = _env_int("GUNICORN_KEEPALIVE", 75)
# A fresh process now and then keeps a slow leak from growing; the jitter keeps workers from all
# restarting at once.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# The heartbeat file lives in memory where there is a /dev/shm (containers often mount /tmp on disk).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Only the proxy may say which scheme and client address a request came from.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Request time in seconds (%(L)s) and the request id the application sent back, so a slow line in the
# access log leads to the application's log lines of the same request.
access_log_format = (
    '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s %(L)ss request_id=%({x-request-id}o)s "%(a)s"'
)
