-- Composite search parameters: one row per pair of component values found on the same element.
-- https://hl7.org/fhir/R4/search.html#composite
CREATE TABLE IF NOT EXISTS idx_composite (
  resource_pk BIGINT UNSIGNED NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  param VARCHAR(100) NOT NULL,
  c1_system VARCHAR(255) NULL,
  c1_code VARCHAR(255) NULL,
  c1_num DOUBLE NULL,
  c1_start DATETIME(3) NULL,
  c1_end DATETIME(3) NULL,
  c2_system VARCHAR(255) NULL,
  c2_code VARCHAR(255) NULL,
  c2_num DOUBLE NULL,
  c2_start DATETIME(3) NULL,
  c2_end DATETIME(3) NULL,
  KEY ix_composite_value (res_type, param, c1_code, c2_num, resource_pk),
  KEY ix_composite_resource (resource_pk, res_type, param)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
