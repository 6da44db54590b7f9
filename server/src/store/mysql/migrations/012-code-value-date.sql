-- Observation code-value-date pairs the code with `value.as(DateTime) | value.as(Period)`. Before this version the
-- write path indexed neither a valueDateTime (it read `DateTime` as the System type, not FHIR's dateTime) nor, when
-- the value was a Period, through the fast path. https://hl7.org/fhir/R4/observation.html#search
-- The missing rows are the code's token rows paired with the value-date rows of the same Observation (the same
-- values: value-date is `(Observation.value as dateTime) | (Observation.value as Period)`), for Observations that
-- have none yet; safe to run again.
INSERT INTO idx_composite (resource_pk, res_type, param, c1_system, c1_code, c2_start, c2_end)
SELECT DISTINCT t.resource_pk, 'Observation', 'code-value-date', t.system, t.code, d.start_at, d.end_at
FROM idx_token t
JOIN idx_date d ON d.resource_pk = t.resource_pk AND d.res_type = 'Observation' AND d.param = 'value-date' AND d.compartment = t.compartment
WHERE t.res_type = 'Observation' AND t.param = 'code' AND t.code IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM idx_composite c WHERE c.resource_pk = t.resource_pk AND c.res_type = 'Observation' AND c.param = 'code-value-date')
