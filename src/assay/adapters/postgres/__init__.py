"""PostgreSQL adapters: connections, the embedded server, migrations and the repositories."""
