-- Reindex jobs and the state of each runtime search parameter (the FibroTrack IG's and those created through the
-- API: definitions/runtime-params.ts). Creating or changing a SearchParameter starts a job that rebuilds the index
-- rows of every resource of the affected type; searches with the parameter are refused until its job is done.
-- Kept in MySQL so that any API node can answer a job's status and a restarted node resumes it from its cursor.
CREATE TABLE IF NOT EXISTS reindex_job (
  id CHAR(36) NOT NULL PRIMARY KEY,
  res_type VARCHAR(64) NOT NULL,
  -- queued, running, done, failed, or superseded (a later job of the same type took over its parameters)
  state VARCHAR(16) NOT NULL,
  reason VARCHAR(255) NOT NULL DEFAULT '',
  total BIGINT UNSIGNED NOT NULL DEFAULT 0,
  processed BIGINT UNSIGNED NOT NULL DEFAULT 0,
  -- the last resource pk reindexed: a resumed job goes on after it
  cursor_pk BIGINT UNSIGNED NOT NULL DEFAULT 0,
  error VARCHAR(1024) NULL,
  created_at DATETIME(3) NOT NULL,
  heartbeat_at DATETIME(3) NOT NULL,
  finished_at DATETIME(3) NULL,
  KEY reindex_job_type (res_type, created_at),
  KEY reindex_job_state (state)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per runtime parameter and type: which definition (hash) its rows were built for, and whether they are.
CREATE TABLE IF NOT EXISTS search_param_state (
  res_type VARCHAR(64) NOT NULL,
  code VARCHAR(100) NOT NULL,
  url VARCHAR(512) NOT NULL,
  def_hash CHAR(40) NOT NULL,
  job_id CHAR(36) NOT NULL,
  ready TINYINT NOT NULL DEFAULT 0,
  PRIMARY KEY (res_type, code),
  KEY search_param_state_job (job_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
