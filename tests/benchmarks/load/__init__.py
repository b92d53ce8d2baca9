"""The load and fault harness: `make loadtest` (see README, "Load tests").

- `prepare` builds the database (migrations, seeds, synthetic scale data) and the load's own accounts;
- `client` is a small HTTP client that signs in through the real login form and records every request;
- `scenarios` are what inspectors, managers and reviewers do;
- `harness` starts PostgreSQL and gunicorn with the production settings, runs the users, restarts the
  database in the middle if asked, and reports.
"""
