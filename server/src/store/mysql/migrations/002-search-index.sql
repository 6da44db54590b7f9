-- Search index tables, one per value kind, filled from the R4 SearchParameter expressions on every write.
-- https://hl7.org/fhir/R4/search.html
-- Value indexes end in resource_pk and per-resource indexes carry param and value, so that both the
-- "find by value" and the "check this resource" access paths are answered from the index alone.
CREATE TABLE IF NOT EXISTS idx_token (
  resource_pk BIGINT UNSIGNED NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  param VARCHAR(100) NOT NULL,
  system VARCHAR(255) NULL,
  code VARCHAR(255) NULL,
  display VARCHAR(255) NULL,
  KEY ix_token_value (res_type, param, code, system, resource_pk),
  KEY ix_token_resource (resource_pk, res_type, param, code, system)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS idx_string (
  resource_pk BIGINT UNSIGNED NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  param VARCHAR(100) NOT NULL,
  normalized VARCHAR(255) NOT NULL,
  exact VARCHAR(255) NOT NULL,
  KEY ix_string_value (res_type, param, normalized, resource_pk),
  KEY ix_string_resource (resource_pk, res_type, param, normalized)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS idx_date (
  resource_pk BIGINT UNSIGNED NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  param VARCHAR(100) NOT NULL,
  start_at DATETIME(3) NOT NULL,
  end_at DATETIME(3) NOT NULL,
  KEY ix_date_value (res_type, param, start_at, end_at, resource_pk),
  KEY ix_date_resource (resource_pk, res_type, param, start_at, end_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS idx_number (
  resource_pk BIGINT UNSIGNED NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  param VARCHAR(100) NOT NULL,
  value DOUBLE NOT NULL,
  KEY ix_number_value (res_type, param, value, resource_pk),
  KEY ix_number_resource (resource_pk, res_type, param, value)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS idx_quantity (
  resource_pk BIGINT UNSIGNED NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  param VARCHAR(100) NOT NULL,
  value DOUBLE NOT NULL,
  system VARCHAR(255) NULL,
  code VARCHAR(100) NULL,
  unit VARCHAR(100) NULL,
  KEY ix_quantity_value (res_type, param, value, resource_pk),
  KEY ix_quantity_resource (resource_pk, res_type, param, value)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS idx_reference (
  resource_pk BIGINT UNSIGNED NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  param VARCHAR(100) NOT NULL,
  target_type VARCHAR(64) NULL,
  target_id VARCHAR(64) NULL,
  url VARCHAR(512) NULL,
  KEY ix_reference_target (res_type, param, target_id, target_type, resource_pk),
  KEY ix_reference_url (res_type, param, url(191)),
  KEY ix_reference_reverse (target_type, target_id, res_type, param, resource_pk),
  KEY ix_reference_resource (resource_pk, res_type, param, target_type, target_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS idx_uri (
  resource_pk BIGINT UNSIGNED NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  param VARCHAR(100) NOT NULL,
  uri VARCHAR(512) NOT NULL,
  KEY ix_uri_value (res_type, param, uri, resource_pk),
  KEY ix_uri_resource (resource_pk, res_type, param)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
