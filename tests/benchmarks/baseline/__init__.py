"""The page benchmark's yardstick: the production settings with a bare page and a query counter added.

The benchmark's gunicorn servers run `tests.benchmarks.baseline.settings`, so the bare page is served by
the same processes, middleware and database connections as the real pages, which stay as in production.
"""
