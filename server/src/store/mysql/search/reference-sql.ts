// Reference search: id, Type/id, absolute URL, :[type]. https://hl7.org/fhir/R4/search.html#reference
import { invalidParameter } from '../../../core/outcomes.js';
import { isValidId } from '../../../core/ids.js';
import { sql } from '../../sql.js';
import type { ParamTypeSql } from './param-sql.js';

export const referenceSql: ParamTypeSql = {
  table: 'idx_reference',
  condition(value, modifier, def, ctx) {
    const local = value.startsWith(`${ctx.baseUrl}/`) ? value.slice(ctx.baseUrl.length + 1) : value;
    if (/^[a-z][a-z0-9+.-]*:/i.test(local)) return sql`i.url = ${local.split('|')[0]}`;
    const parts = local.split('/');
    const [type, id] = parts.length >= 2 ? [parts[0], parts[1]] : [modifier, parts[0]];
    if (!id || !isValidId(id)) {
      throw invalidParameter(`Search parameter '${def.code}': '${value}' is not a valid reference`, def.code);
    }
    if (type && modifier && modifier !== type) {
      throw invalidParameter(`Search parameter '${def.code}:${modifier}' cannot match a ${type} reference`, def.code);
    }
    return type ? sql`(i.target_id = ${id} AND i.target_type = ${type})` : sql`i.target_id = ${id}`;
  },
};
