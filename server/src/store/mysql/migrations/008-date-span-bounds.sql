-- Span classes by FHIR precision (search/date-span.ts SPAN_BOUNDS_MS) instead of powers of two: 11 classes
-- instead of 50, so a date criterion costs the optimizer fewer index ranges, and each precision is bounded by its
-- own length. Same rule as spanClass(): the first bound the span (in ms) fits.
UPDATE idx_date
  SET span_class = CASE
    WHEN TIMESTAMPDIFF(MICROSECOND, start_at, end_at) DIV 1000 <= 0 THEN 0
    WHEN TIMESTAMPDIFF(MICROSECOND, start_at, end_at) DIV 1000 <= 999 THEN 1
    WHEN TIMESTAMPDIFF(MICROSECOND, start_at, end_at) DIV 1000 <= 59999 THEN 2
    WHEN TIMESTAMPDIFF(MICROSECOND, start_at, end_at) DIV 1000 <= 3599999 THEN 3
    WHEN TIMESTAMPDIFF(MICROSECOND, start_at, end_at) DIV 1000 <= 86399999 THEN 4
    WHEN TIMESTAMPDIFF(MICROSECOND, start_at, end_at) DIV 1000 <= 604799999 THEN 5
    WHEN TIMESTAMPDIFF(MICROSECOND, start_at, end_at) DIV 1000 <= 2678399999 THEN 6
    WHEN TIMESTAMPDIFF(MICROSECOND, start_at, end_at) DIV 1000 <= 31622399999 THEN 7
    WHEN TIMESTAMPDIFF(MICROSECOND, start_at, end_at) DIV 1000 <= 316224000000 THEN 8
    WHEN TIMESTAMPDIFF(MICROSECOND, start_at, end_at) DIV 1000 <= 3162240000000 THEN 9
    ELSE 10 END
