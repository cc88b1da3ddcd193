"""PostgreSQL + pgvector backend: `PostgresBackend.open(url)` (see backend.py), schema migrations (migrate.py),
`policyqa build --database-url` (sync.py), and a local throw-away server for tests and benchmarks (local.py)."""
from .backend import PostgresBackend

__all__ = ["PostgresBackend"]
