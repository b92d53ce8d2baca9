"""The page benchmark (`make bench`): server time, queries and requests per second of the site's pages
at 1,000, 100,000 and 300,000 tickets, against a bare page served by the same processes.

pages.py lists the pages, stats.py does the arithmetic and the report, data.py keeps the databases,
harness.py runs it all; `python -m tests.benchmarks.pages --help`.
"""
