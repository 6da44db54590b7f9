-- UCUM quantities also in canonical base units (80 kg is 80000 g), so that searches in any convertible unit
-- compare like with like. https://hl7.org/fhir/R4/search.html#quantity
-- Rows already stored are converted by the backfill of migration 7 (backfills.ts; UCUM needs ucum-lhc).
ALTER TABLE idx_quantity
  ADD COLUMN canonical_value DOUBLE NULL,
  ADD COLUMN canonical_code VARCHAR(100) NULL,
  ADD KEY ix_quantity_canonical (res_type, param, canonical_code, canonical_value, resource_pk)
