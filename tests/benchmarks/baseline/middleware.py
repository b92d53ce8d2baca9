"""Per request: the SQL queries run and the server's milliseconds, as response headers.

Production has no debug toolbar; the benchmark reads these two headers instead:
`X-Bench-Queries` (statements sent on the default connection while the response was made, template
rendering included) and `X-Bench-Ms` (time spent inside the rest of the middleware and the view).
"""

import time
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse

QUERIES_HEADER = "X-Bench-Queries"
MS_HEADER = "X-Bench-Ms"


class QueryCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        elapsed = (time.perf_counter() - started) * 1000
        response[QUERIES_HEADER] = str(queries)
        response[MS_HEADER] = f"{elapsed:.3f}"
        return response
