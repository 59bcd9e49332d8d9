-- The rows of a month's carried sessions (pool-export-carried.sql) in one of the pool's tables,
-- as they are in the partition's earlier files ({old}, that table's files): those of the copy
-- carried, once. pool-export.ts writes them after the rows of the sessions exported now.
SELECT o.* EXCLUDE (machine, month, filename)
FROM {old} o
JOIN temp.export_carried c
  ON o.session_id = c.session_id AND o.exported_at = c.exported_at
 AND parse_filename(o.filename) = c.base
