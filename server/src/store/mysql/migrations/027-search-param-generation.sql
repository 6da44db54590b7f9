-- One counter, raised after every committed change of a SearchParameter: each node polls it and reloads the
-- stored SearchParameters when it moved, so a parameter created on one node is indexed by every node's writes.
CREATE TABLE IF NOT EXISTS search_param_generation (
  id TINYINT NOT NULL,
  generation BIGINT NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT IGNORE INTO search_param_generation (id, generation) VALUES (1, 0);
