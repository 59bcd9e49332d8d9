-- A signature's bits (search_grams.bits) are a Bloom filter, as good as random: DuckDB's
-- compression finds nothing to save in them, and analysing 15 MB of them for it took a first
-- search over 10,000 sessions 60-130 ms of its checkpoint. The column is kept uncompressed.
CREATE TABLE search_grams_019 (
  sid INTEGER NOT NULL,
  bits BLOB NOT NULL USING COMPRESSION uncompressed,
  store VARCHAR NOT NULL,
  pos BIGINT NOT NULL,
  length INTEGER NOT NULL
);
INSERT INTO search_grams_019 SELECT sid, bits, store, pos, length FROM search_grams;
DROP TABLE search_grams;
ALTER TABLE search_grams_019 RENAME TO search_grams;
