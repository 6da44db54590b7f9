-- One counter, raised in the transaction of every write of a Subscription (server/src/subscriptions/outbox.ts):
-- each node keeps the active Subscriptions in memory, compiled for matching, and reads this counter in every
-- write's transaction to know whether its copy is still the committed one.
CREATE TABLE IF NOT EXISTS subscription_generation (
  id TINYINT NOT NULL,
  generation BIGINT NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT IGNORE INTO subscription_generation (id, generation) VALUES (1, 0);
