// The latest `max` matching Observations per code (system|code of each coding), newest effective date first.
// https://hl7.org/fhir/R4/operation-observation-lastn.html
import { sql, type Sql } from '../../sql.js';
import { CURRENT_CONTENT } from '../rows.js';

/** DISTINCT: a resource in two patient compartments has each of its code rows twice (write-buffer.ts). */
export function lastnSql(where: Sql, max: number): Sql {
  return sql`SELECT q.pk, h.content FROM (
      SELECT x.pk, x.system, x.code, x.latest,
             ROW_NUMBER() OVER (PARTITION BY x.system, x.code ORDER BY x.latest DESC, x.pk DESC) AS rn
      FROM (
        SELECT DISTINCT r.pk, c.system, c.code,
               COALESCE((SELECT MAX(d.end_at) FROM idx_date d
                         WHERE d.resource_pk = r.pk AND d.res_type = 'Observation' AND d.param = 'date'), '1000-01-01') AS latest
        FROM resource r
        JOIN idx_token c ON c.resource_pk = r.pk AND c.res_type = 'Observation' AND c.param = 'code' AND c.code IS NOT NULL
        WHERE ${where}
      ) x
    ) q
    JOIN resource r ON r.pk = q.pk
    ${CURRENT_CONTENT}
    WHERE q.rn <= ${max}
    ORDER BY q.system, q.code, q.rn`;
}
