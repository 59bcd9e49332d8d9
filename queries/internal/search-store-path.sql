-- The index's own file, NULL or empty for an in-memory index.
SELECT path FROM duckdb_databases() WHERE database_name = current_database()
