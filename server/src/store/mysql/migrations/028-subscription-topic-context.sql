-- Subscriptions on computed topics (pain-rising, wearable-anomaly: server/src/subscriptions/trends): the topic a
-- Subscription follows, whose condition the outbox checks after its query matched; and the Patient each recorded
-- event is about, carried in the notification (`additional-context`).
ALTER TABLE subscription ADD COLUMN topic VARCHAR(255) NULL AFTER criteria;
ALTER TABLE subscription_event ADD COLUMN patient_ref VARCHAR(128) NULL AFTER version_id;
