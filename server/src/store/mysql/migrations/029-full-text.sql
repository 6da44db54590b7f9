-- Full-text search (`:text` on token, string and reference parameters, `_content`, `_text`): one row per distinct
-- word of a resource's text per parameter, in a B-tree table rather than a FULLTEXT index so that MariaDB and
-- MySQL 8 answer alike whatever their innodb_ft_* settings (docs/search.md, "Full-text search").
-- Rows are written with the resource's other index rows; existing resources get theirs from the backfill
-- `full-text` (store/mysql/backfills.ts). https://hl7.org/fhir/R4/search.html#text
CREATE TABLE IF NOT EXISTS idx_text (
  resource_pk BIGINT UNSIGNED NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  param VARCHAR(100) NOT NULL,
  word VARCHAR(64) NOT NULL,
  KEY ix_text_value (res_type, param, word, resource_pk),
  KEY ix_text_resource (resource_pk, res_type, param, word)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
