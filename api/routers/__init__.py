"""One router per resource: queries (search, ask, compare), documents and clauses, health."""
