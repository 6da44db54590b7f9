-- The daily rollup of Observation quantity values that Observation/$stats reads for the whole days of a period
-- (store/mysql/rollup/observation-rollup.ts keeps it; docs/search.md, "Observation/$stats"):
-- per Patient subject, UTC day of the effective instant and group (a value of Observation.code, or of a component
-- with the Observation's own codes as `panel_hash`; the value's code and unit as stored in the composite index rows),
-- the count, sum, sum of squares, least and greatest value. Rows already stored are summed by the backfill of
-- migration 34 (backfills.ts) in bounded batches. https://hl7.org/fhir/R4/observation-operation-stats.html
CREATE TABLE IF NOT EXISTS obs_day_rollup (
  patient_id VARCHAR(64) NOT NULL,
  day DATE NOT NULL,
  group_hash BINARY(32) NOT NULL,
  component TINYINT NOT NULL,
  panel_hash BIGINT UNSIGNED NOT NULL,
  system VARCHAR(255) NULL,
  code VARCHAR(255) NULL,
  unit_system VARCHAR(255) NULL,
  unit VARCHAR(255) NULL,
  n BIGINT NOT NULL,
  total DOUBLE NOT NULL,
  squares DOUBLE NOT NULL,
  least_value DOUBLE NOT NULL,
  greatest_value DOUBLE NOT NULL,
  PRIMARY KEY (patient_id, day, group_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The codings of Observation.code behind each `panel_hash` (a hash of the multiset of codings), so that asking for a
-- panel's code finds the rollup rows of its components.
CREATE TABLE IF NOT EXISTS obs_rollup_panel (
  panel_hash BIGINT UNSIGNED NOT NULL,
  coding_hash BINARY(32) NOT NULL,
  system VARCHAR(255) NULL,
  code VARCHAR(255) NULL,
  PRIMARY KEY (panel_hash, coding_hash),
  KEY ix_rollup_panel_code (code, panel_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
