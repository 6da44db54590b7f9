-- Current version of every resource, and every version ever written (HAPI's HFJ_RESOURCE / HFJ_RES_VER shape).
-- The JSON lives once, in resource_history; resource points at the current version.
CREATE TABLE IF NOT EXISTS resource (
  pk BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  res_type VARCHAR(64) NOT NULL,
  res_id VARCHAR(64) NOT NULL,
  version_id INT UNSIGNED NOT NULL,
  last_updated DATETIME(3) NOT NULL,
  deleted TINYINT(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (pk),
  UNIQUE KEY uq_resource_type_id (res_type, res_id),
  KEY ix_resource_type_updated (res_type, last_updated)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS resource_history (
  seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  resource_pk BIGINT UNSIGNED NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  res_id VARCHAR(64) NOT NULL,
  version_id INT UNSIGNED NOT NULL,
  last_updated DATETIME(3) NOT NULL,
  method VARCHAR(8) NOT NULL,
  deleted TINYINT(1) NOT NULL DEFAULT 0,
  content LONGTEXT NULL,
  PRIMARY KEY (seq),
  UNIQUE KEY uq_history_version (res_type, res_id, version_id),
  KEY ix_history_resource_version (resource_pk, version_id),
  KEY ix_history_type_seq (res_type, seq),
  KEY ix_history_updated (last_updated)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
