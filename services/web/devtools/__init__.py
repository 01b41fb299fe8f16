"""Development tooling: the local PostgreSQL and ./scripts/server; not in the production image."""
