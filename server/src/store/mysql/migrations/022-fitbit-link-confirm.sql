-- Fitbit linking is confirmed by the user who started it (login CSRF): the state remembers that user, and the
-- tokens of a completed consent wait in fitbit_link_pending until that user confirms, for ten minutes at most.
ALTER TABLE fitbit_oauth_state ADD COLUMN started_by VARCHAR(255) NULL;

CREATE TABLE IF NOT EXISTS fitbit_link_pending (
  confirmation CHAR(43) NOT NULL PRIMARY KEY,
  patient_id VARCHAR(64) NOT NULL,
  started_by VARCHAR(255) NULL,
  fitbit_user_id VARCHAR(64) NOT NULL,
  access_token VARBINARY(8192) NOT NULL,
  refresh_token VARBINARY(2048) NOT NULL,
  access_expires_at DATETIME(3) NOT NULL,
  scope VARCHAR(512) NOT NULL DEFAULT '',
  time_zone VARCHAR(64) NULL,
  created_at DATETIME(3) NOT NULL,
  KEY fitbit_link_pending_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE fitbit_oauth_state ADD KEY fitbit_oauth_state_created (created_at);

-- One Fitbit account feeds one record: its data would otherwise be read under several patients.
ALTER TABLE fitbit_link ADD UNIQUE KEY fitbit_link_fitbit_user (fitbit_user_id)
