-- Parameters whose rows repeat other parameters' rows (Observation combo-code is code and component-code; Condition
-- patient is subject restricted to Patient: definitions/derived-params.ts) are no longer stored: searches read the
-- rows they are made of. https://hl7.org/fhir/R4/searchparameter.html#expression
-- The rows stored before are removed by the backfill of migration 11 (backfills.ts: the list comes from the R4
-- definitions), a chunk at a time; until it has run they are harmless, since no search reads them.
SELECT 1
