-- Subscriptions (server/src/subscriptions): the delivery state of each Subscription resource, and the outbox of
-- events recorded in the same transaction as the write that caused them.
-- The Subscription resource is what clients see; this row is what the delivery loop leases and updates.
CREATE TABLE IF NOT EXISTS subscription (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  -- The criteria's resource type and query (after '?'); empty until the Subscription resource is committed.
  res_type VARCHAR(64) NOT NULL DEFAULT '',
  criteria VARCHAR(2048) NOT NULL DEFAULT '',
  -- requested | active | error | off (as Subscription.status)
  status VARCHAR(16) NOT NULL DEFAULT 'off',
  -- What the creating token may read (scopes, patient): JSON; NULL when the server runs without authorization.
  grant_json TEXT NULL,
  event_count BIGINT NOT NULL DEFAULT 0,
  failures INT NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NOT NULL DEFAULT '1970-01-01 00:00:01',
  lease_owner VARCHAR(64) NULL,
  lease_until DATETIME(3) NULL,
  KEY subscription_matching (res_type, status),
  KEY subscription_due (status, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS subscription_event (
  subscription_id VARCHAR(64) NOT NULL,
  event_number BIGINT NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  res_id VARCHAR(64) NOT NULL,
  version_id INT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  delivered_at DATETIME(3) NULL,
  PRIMARY KEY (subscription_id, event_number),
  KEY subscription_event_pending (delivered_at, subscription_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
