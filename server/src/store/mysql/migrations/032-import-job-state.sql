-- The /metrics scrape counts wearable import jobs by state (observability/metrics.ts): an index on state answers it
-- from the index alone instead of reading every job row (the table keeps finished jobs and their results).
ALTER TABLE wearable_import_job ADD KEY wearable_import_job_state (state);
