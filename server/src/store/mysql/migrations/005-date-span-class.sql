-- Date rows carry the span class of their range (class k: no longer than 2^k ms; migration 008 redefines the classes),
-- so that every date prefix, even one on the end of a range, is a seekable range on (span_class, start_at).
-- https://hl7.org/fhir/R4/search.html#date
ALTER TABLE idx_date
  ADD COLUMN span_class TINYINT UNSIGNED NOT NULL DEFAULT 0,
  ADD KEY ix_date_span (res_type, param, span_class, start_at, end_at, resource_pk),
  DROP KEY ix_date_value;

-- The smallest k with span <= 2^k, checked against POW so that a floating-point LOG2 never gives a class too small.
UPDATE idx_date
  SET span_class = IF((TIMESTAMPDIFF(MICROSECOND, start_at, end_at) DIV 1000) <= 1, 0,
    LEAST(49, CEIL(LOG2((TIMESTAMPDIFF(MICROSECOND, start_at, end_at) DIV 1000))) + IF(POW(2, CEIL(LOG2((TIMESTAMPDIFF(MICROSECOND, start_at, end_at) DIV 1000)))) < (TIMESTAMPDIFF(MICROSECOND, start_at, end_at) DIV 1000), 1, 0)))
