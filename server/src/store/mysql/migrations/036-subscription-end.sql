-- Subscription.end (https://hl7.org/fhir/R4/subscription-definitions.html#Subscription.end), mirrored from the
-- resource: the matching copy leaves out Subscriptions past their end, and the delivery loop finds those to switch
-- off by this key. NULL: no end.
ALTER TABLE subscription
  ADD COLUMN end_at DATETIME(3) NULL,
  ADD KEY subscription_end (end_at);
