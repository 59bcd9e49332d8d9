-- The manifest of the last complete refresh as one row per line (`name TAB size TAB mtimeMs`,
-- scan.ts): a refresh that finds a few files added or removed writes their lines alone, where the
-- manifest as one value (600 KB for 10,000 files) was logged whole by every refresh, replayed by
-- every later open and rewritten by every checkpoint. dir_state keeps the directory and its
-- fingerprint; removed while a write is under way, its absence says the lines are not to be
-- trusted (the files table is read instead).
CREATE TABLE dir_lines (
  line VARCHAR NOT NULL
);
INSERT INTO dir_lines
SELECT unnest(string_split(manifest, chr(10))) FROM dir_state WHERE manifest <> '';
ALTER TABLE dir_state DROP COLUMN manifest;
