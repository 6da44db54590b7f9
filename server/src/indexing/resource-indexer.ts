// Extracts the search index rows of a resource from the R4 SearchParameter expressions of its type.
// https://hl7.org/fhir/R4/search.html
import type { Resource } from 'fhir/r4.js';
import type { Definitions, SearchParamDef } from '../definitions/r4-definitions.js';
import { compileParam, type CompiledParam, type TypedValue } from './compile-param.js';
import { emptyIndexRows, type IndexRows } from './index-rows.js';
import type { ElementTree } from '../validation/element-tree.js';
import {
  addDateRows, addNumberRows, addQuantityRows, addReferenceRows, addStringRows, addTokenRows, addUriRows,
} from './value-rows.js';

type AddRows = (rows: IndexRows, param: string, value: TypedValue) => void;

/** Parameters answered from columns of the resource row instead of index rows. */
const FROM_COLUMNS = new Set(['_id', '_lastUpdated']);

interface CompiledSearchParam {
  code: string;
  evaluate: CompiledParam;
  add: AddRows;
}

export interface ResourceIndexer {
  index(resource: Resource): IndexRows;
}

/** `fastPath: false` evaluates every expression with fhirpath.js (the reference the fast path is tested against). */
export function createResourceIndexer(defs: Definitions, baseUrl = '', fastPath = true): ResourceIndexer {
  const adders: Partial<Record<SearchParamDef['type'], AddRows>> = {
    token: addTokenRows,
    string: addStringRows,
    reference: (rows, param, value) => addReferenceRows(rows, param, value, baseUrl),
    date: addDateRows,
    number: addNumberRows,
    quantity: addQuantityRows,
    uri: addUriRows,
  };
  const byType = new Map<string, CompiledSearchParam[]>();
  const trees = new Map<string, ElementTree | null>();
  const compiled = (type: string): CompiledSearchParam[] => {
    let params = byType.get(type);
    if (!params) {
      params = [];
      for (const def of defs.searchParams(type).values()) {
        const add = adders[def.type];
        if (!add || !def.expression || FROM_COLUMNS.has(def.code)) continue;
        params.push({ code: def.code, evaluate: compileParam(def.expression, fastPath ? { type, defs, trees } : undefined), add });
      }
      byType.set(type, params);
    }
    return params;
  };
  return {
    index(resource) {
      const rows = emptyIndexRows();
      for (const p of compiled(resource.resourceType)) {
        for (const value of p.evaluate(resource)) p.add(rows, p.code, value);
      }
      return dedupe(rows);
    },
  };
}

/** The same value reached by two union members (Observation.code | Observation.component.code) is indexed once. */
function dedupe(rows: IndexRows): IndexRows {
  for (const key of Object.keys(rows) as (keyof IndexRows)[]) {
    const list = rows[key] as object[];
    if (list.length < 2) continue;
    const seen = new Set<string>();
    (rows[key] as object[]) = list.filter((r) => {
      const k = Object.values(r).join('\u0000');
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
  return rows;
}
