-- The number of current (not deleted) resources of each type, kept in the write transaction so that `_total` and
-- `_summary=count` of a search on a type alone read a few rows instead of counting (store/mysql/type-counts.ts).
-- Writers add to one of 16 slots per type, so concurrent writes of one type rarely wait for each other.
-- Filled here from the stored resources; a server of an older version writing during this migration is not counted.
CREATE TABLE IF NOT EXISTS resource_count (
  res_type VARCHAR(64) NOT NULL,
  slot TINYINT UNSIGNED NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (res_type, slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

DELETE FROM resource_count;

INSERT INTO resource_count (res_type, slot, n) SELECT res_type, 0, COUNT(*) FROM resource WHERE deleted = 0 GROUP BY res_type;
