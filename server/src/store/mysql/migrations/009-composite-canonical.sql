-- Quantity components of composite rows also in canonical UCUM units (as idx_quantity since migration 7), so that
-- code-value-quantity=...$gt70|http://unitsofmeasure.org|kg matches 80000 g. https://hl7.org/fhir/R4/search.html#composite
-- Rows already stored are converted by the backfill of migration 9 (backfills.ts).
ALTER TABLE idx_composite
  ADD COLUMN c1_canonical_num DOUBLE NULL,
  ADD COLUMN c1_canonical_code VARCHAR(100) NULL,
  ADD COLUMN c2_canonical_num DOUBLE NULL,
  ADD COLUMN c2_canonical_code VARCHAR(100) NULL
