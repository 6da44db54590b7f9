-- SMART authorization server: signing keys, registered clients and users who log in.
-- Redis holds the short-lived state (codes, tokens, sessions); these tables are the system of record.

-- Private JWKs. status: current (signs), previous (published for verification), retired (neither).
-- use: sig (id_token signing) or cookie (HMAC keys for oidc-provider's signed cookies).
CREATE TABLE IF NOT EXISTS auth_key (
  kid VARCHAR(64) NOT NULL,
  key_use VARCHAR(16) NOT NULL,
  status VARCHAR(16) NOT NULL,
  private_jwk TEXT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  retired_at DATETIME(3) NULL,
  PRIMARY KEY (kid),
  KEY auth_key_use_status (key_use, status, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- metadata: the oidc-provider client metadata (JSON) without the secret, which is kept only as a scrypt hash.
CREATE TABLE IF NOT EXISTS auth_client (
  client_id VARCHAR(191) NOT NULL,
  metadata TEXT NOT NULL,
  secret_hash VARCHAR(255) NULL,
  launch_url VARCHAR(2000) NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (client_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- fhir_user: Practitioner/123 or Patient/456 (relative to our FHIR base).
CREATE TABLE IF NOT EXISTS auth_user (
  account_id VARCHAR(64) NOT NULL,
  username VARCHAR(191) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  fhir_user VARCHAR(255) NOT NULL,
  display_name VARCHAR(255) NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (account_id),
  UNIQUE KEY auth_user_username (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
