-- Indexes that hold a sort key in the order `_sort` asks for, so that a sorted page reads its rows in that order and
-- stops at the page instead of reading every match to sort it (store/mysql/search/sort-walk.ts; docs/search.md,
-- "Searches that walk an index"). https://hl7.org/fhir/R4/search.html#sort
-- A date sorts ascending by its earliest start and descending by its latest end, ties by primary key ascending; the
-- existing date indexes put span_class before start_at (for range search), so neither order was in any index.
-- Descending keys (`end_at DESC`, `last_updated DESC`) keep the pk tie-break ascending in the same scan; MySQL 8.0
-- and MariaDB 10.8+ both store them (older MariaDB parsed and ignored DESC). Per compartment: one patient's
-- matches in date order (`subject=X&code=...&_sort=-date`); without it: across patients (`code=...&_sort=-date`).
-- Adding an index is an in-place, online operation on InnoDB in both engines.
ALTER TABLE idx_date
  ADD KEY ix_date_first (res_type, param, start_at, resource_pk),
  ADD KEY ix_date_last (res_type, param, end_at DESC, resource_pk),
  ADD KEY ix_date_compartment_first (compartment, res_type, param, start_at, resource_pk),
  ADD KEY ix_date_compartment_last (compartment, res_type, param, end_at DESC, resource_pk);

-- `_sort=-_lastUpdated`: newest first, ties by pk ascending (ix_resource_type_updated serves the ascending order).
ALTER TABLE resource
  ADD KEY ix_resource_type_updated_desc (res_type, last_updated DESC, pk)
