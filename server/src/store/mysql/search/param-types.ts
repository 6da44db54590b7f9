// The SQL module of each parameter type search/param-types.ts lets a search name (the compiler checks both list the same types).
import type { SearchableType } from '../../../search/param-types.js';
import { compositeSql } from './composite-sql.js';
import { dateSql } from './date-sql.js';
import { numberSql } from './number-sql.js';
import type { ParamTypeSql } from './param-sql.js';
import { quantitySql } from './quantity-sql.js';
import { referenceSql } from './reference-sql.js';
import { stringSql } from './string-sql.js';
import { tokenSql } from './token-sql.js';
import { uriSql } from './uri-sql.js';

export const PARAM_TYPE_SQL: Record<SearchableType, ParamTypeSql> = {
  token: tokenSql,
  string: stringSql,
  reference: referenceSql,
  date: dateSql,
  number: numberSql,
  quantity: quantitySql,
  uri: uriSql,
  composite: compositeSql,
};
