-- Token, date and quantity rows carry the Patient compartment of their resource (the Patient's id; '' for
-- none; one copy of the row per compartment), so that one index range answers patient + value.
-- https://hl7.org/fhir/R4/compartmentdefinition-patient.html
-- Rows already stored are copied into their compartments by the backfill of migration 6 (backfills.ts).
ALTER TABLE idx_token
  ADD COLUMN compartment VARCHAR(64) NOT NULL DEFAULT '',
  ADD KEY ix_token_compartment (compartment, res_type, param, code, system, resource_pk);

ALTER TABLE idx_date
  ADD COLUMN compartment VARCHAR(64) NOT NULL DEFAULT '',
  ADD KEY ix_date_compartment (compartment, res_type, param, span_class, start_at, end_at, resource_pk);

ALTER TABLE idx_quantity
  ADD COLUMN compartment VARCHAR(64) NOT NULL DEFAULT '',
  ADD KEY ix_quantity_compartment (compartment, res_type, param, value, resource_pk)
