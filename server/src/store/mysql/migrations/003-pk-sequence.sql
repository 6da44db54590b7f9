-- Block allocator for resource primary keys, so new resource rows can be inserted in batches.
CREATE TABLE IF NOT EXISTS pk_sequence (
  name VARCHAR(32) NOT NULL,
  next_value BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB;

INSERT IGNORE INTO pk_sequence (name, next_value) SELECT 'resource', COALESCE(MAX(pk), 0) + 1 FROM resource;
