-- Wearable import jobs (Patient/$import-wearable with Prefer: respond-async) and Fitbit sync state.
-- Kept in MySQL so that any API node can answer a job's status URL or continue a patient's sync.

-- One row per asynchronous import; the node that received the upload runs it and beats heartbeat_at.
CREATE TABLE IF NOT EXISTS wearable_import_job (
  id CHAR(36) NOT NULL PRIMARY KEY,
  patient_id VARCHAR(64) NOT NULL,
  file_name VARCHAR(255) NOT NULL,
  source VARCHAR(32) NOT NULL,
  state VARCHAR(16) NOT NULL,
  phase VARCHAR(16) NOT NULL,
  progress VARCHAR(255) NOT NULL DEFAULT '',
  result_status SMALLINT NULL,
  result LONGTEXT NULL,
  created_at DATETIME(3) NOT NULL,
  heartbeat_at DATETIME(3) NOT NULL,
  finished_at DATETIME(3) NULL,
  KEY wearable_import_job_patient (patient_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A patient's link to a Fitbit account. Tokens are AES-256-GCM ciphertexts (iv, tag, data).
CREATE TABLE IF NOT EXISTS fitbit_link (
  patient_id VARCHAR(64) NOT NULL PRIMARY KEY,
  fitbit_user_id VARCHAR(64) NOT NULL,
  access_token VARBINARY(8192) NOT NULL,
  refresh_token VARBINARY(2048) NOT NULL,
  access_expires_at DATETIME(3) NOT NULL,
  scope VARCHAR(512) NOT NULL DEFAULT '',
  time_zone VARCHAR(64) NULL,
  window_start DATETIME NULL,
  window_requests INT NOT NULL DEFAULT 0,
  blocked_until DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The last day synced per patient and Fitbit data type (heart, steps, sleep, hrv, spo2, weight).
CREATE TABLE IF NOT EXISTS fitbit_sync_cursor (
  patient_id VARCHAR(64) NOT NULL,
  data_type VARCHAR(16) NOT NULL,
  last_day DATE NOT NULL,
  synced_at DATETIME(3) NOT NULL,
  PRIMARY KEY (patient_id, data_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- OAuth authorization requests in flight: the state sent to Fitbit, its patient and PKCE verifier.
CREATE TABLE IF NOT EXISTS fitbit_oauth_state (
  state CHAR(43) NOT NULL PRIMARY KEY,
  patient_id VARCHAR(64) NOT NULL,
  code_verifier VARCHAR(128) NOT NULL,
  time_zone VARCHAR(64) NULL,
  created_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
