// Composite search: `code-value-quantity=http://loinc.org|72514-3$gt8`, each `$` part matched against the
// same row's component. https://hl7.org/fhir/R4/search.html#composite
import { invalidParameter } from '../../../core/outcomes.js';
import { identifier, sql, type Sql } from '../../sql.js';
import { dateCondition } from './date-sql.js';
import { numberCondition } from './number-sql.js';
import type { ParamTypeSql } from './param-sql.js';
import { likeEscape } from './param-sql.js';
import { quantityCondition } from './quantity-sql.js';
import { normalizeString } from '../../../fhir-values/normalize-string.js';
import { tokenCondition } from './token-sql.js';

const col = (n: number, name: string) => sql`i.${identifier(`c${n}_${name}`)}`;

function componentCondition(type: string | undefined, n: number, value: string, name: string, now: number): Sql {
  switch (type) {
    case 'token':
      return tokenCondition(value, col(n, 'system'), col(n, 'code'));
    // The indexer stores a quantity's code, or its unit when it has no code, in cN_code; UCUM ones also canonical.
    case 'quantity':
      return quantityCondition(value, name, {
        value: col(n, 'num'),
        system: col(n, 'system'),
        code: col(n, 'code'),
        canonical: { value: col(n, 'canonical_num'), code: col(n, 'canonical_code') },
      });
    case 'number':
      return numberCondition(value, name, col(n, 'num'));
    case 'date':
      return dateCondition(value, name, col(n, 'start'), col(n, 'end'), now);
    case 'string':
      return sql`${col(n, 'code')} LIKE ${`${likeEscape(normalizeString(value))}%`}`;
    case 'reference': {
      const [t, id] = value.includes('/') ? value.split('/').slice(-2) : [undefined, value];
      return t ? sql`(${col(n, 'code')} = ${id} AND ${col(n, 'system')} = ${t})` : sql`${col(n, 'code')} = ${id}`;
    }
    default:
      return sql`${col(n, 'code')} = ${value}`;
  }
}

export const compositeSql: ParamTypeSql = {
  table: 'idx_composite',
  condition(value, _modifier, def, ctx) {
    const parts = value.split('$');
    if (parts.length !== def.components.length || parts.some((p) => p === '')) {
      throw invalidParameter(
        `Search parameter '${def.code}' takes ${def.components.length} values joined by '$', got '${value}'`,
        def.code,
      );
    }
    const conditions = parts.map((p, i) => componentCondition(def.components[i].type, i + 1, p, def.code, ctx.now));
    return sql`(${conditions.reduce((a, b) => sql`${a} AND ${b}`)})`;
  },
};
