// What every parameter-type module provides: the index table it reads and the SQL for one value.
import type { DerivedParams } from '../../../definitions/derived-params.js';
import type { SearchParamDef } from '../../../definitions/r4-definitions.js';
import type { PatientCompartmentInfo } from '../../../fhir-values/patient-compartment.js';
import type { Sql } from '../../sql.js';

export interface SearchContext {
  /** Our public FHIR base, so absolute references to this server match local ones. */
  baseUrl: string;
  now: number;
  /** Lets patient-scoped searches read compartment-scoped index rows; without it they read the whole type's rows. */
  compartments?: PatientCompartmentInfo;
  /** Date parameters with at most one value per resource, whose criteria can share one index row (search-facts.ts). */
  singleValued?: (type: string, code: string) => boolean;
  /** Parameters stored as the rows of others (definitions/derived-params.ts); criteria on them read those rows. */
  derived: DerivedParams;
}

export interface ParamTypeSql {
  table: string;
  /** SQL over the index row alias `i` matching one comma-separated value; throws a 400 when malformed. */
  condition(value: string, modifier: string | undefined, def: SearchParamDef, ctx: SearchContext): Sql;
}

/** Escapes LIKE wildcards so a user's `%` or `_` is matched literally. */
export function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
