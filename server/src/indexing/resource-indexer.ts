// Extracts the search index rows of a resource from the R4 SearchParameters of its type. https://hl7.org/fhir/R4/search.html
import type { Resource } from 'fhir/r4.js';
import { derivedParams } from '../definitions/derived-params.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { compileParam } from './compile-param.js';
import { compileComposite } from './composite-rows.js';
import { dedupeTail, ROW_FIELDS } from './dedupe-rows.js';
import { finishRows, type FinishedRows } from './finished-rows.js';
import type { IndexRows } from './index-rows.js';
import { patientCompartments } from './compartments.js';
import { patientCompartmentParams } from '../fhir-values/patient-compartment.js';
import { StepResolver } from './path-steps.js';
import { rowAdders } from './value-rows.js';
import { contentText } from './content-text.js';
import { wordRows } from './text-rows.js';
import { fromResourceRow } from '../fhir-values/resource-row-params.js';

interface CompiledSearchParam {
  table: keyof IndexRows;
  evaluate: (resource: object) => void;
  /** Its rows repeat other parameters' rows (definitions/derived-params.ts): searches read those instead. */
  derived: boolean;
}

interface CompiledComposite {
  evaluate: (resource: object, out: IndexRows['composite']) => void;
  derived: boolean;
}

export interface ResourceIndexer {
  /** Every parameter's rows, derived parameters' included: what the resource means to each search parameter. */
  index(resource: Resource): IndexRows;
  /** The rows the search tables store: without those of derived parameters. */
  storedRows(resource: Resource): IndexRows;
  /** The Patient ids whose compartment a resource of `type` with these reference rows is in. */
  compartments(type: string, references: IndexRows['reference']): string[];
  /** storedRows finished for the search tables (finished-rows.ts), with the resource's compartments. */
  rowsToStore(resource: Resource): FinishedRows;
  /**
   * The Patient ids whose compartment the resource is in: compartments(type, storedRows(r).reference), computed from
   * the compartment parameters' expressions alone (a patient-level export asks it of every resource).
   */
  patientsOf(resource: Resource): string[];
}

/**
 * `baseUrl` is this server's FHIR base: absolute references to it are indexed as local ones.
 * `fastPath: false` runs every expression through fhirpath.js, the reference the fast path is tested against.
 */
export function createResourceIndexer(defs: Definitions, baseUrl = '', fastPath = true): ResourceIndexer {
  const adders = rowAdders((t) => defs.isResourceType(t), baseUrl);
  const resolver = fastPath === false ? undefined : new StepResolver(defs);
  const derived = derivedParams(defs);
  // Compiled emitters write into whichever rows object the current index() call is filling.
  const target: { rows: IndexRows } = { rows: emptyRows() };
  const byType = new Map<string, CompiledSearchParam[]>();
  const composites = new Map<string, CompiledComposite[]>();
  const compartmentParams = new Map<string, CompiledSearchParam[]>();

  const compile = (type: string): CompiledSearchParam[] => {
    const params: CompiledSearchParam[] = [];
    for (const def of defs.searchParams(type).values()) {
      const add = adders[def.type];
      if (!add || !def.expression || fromResourceRow(def.code)) continue;
      const code = def.code;
      const emit = (valueType: string, value: unknown) => add(target.rows, code, valueType, value);
      params.push({
        table: def.type as keyof IndexRows,
        evaluate: compileParam(def.expression, type, emit, resolver),
        derived: derived(type, code) !== undefined,
      });
    }
    byType.set(type, params);
    composites.set(
      type,
      [...defs.searchParams(type).values()]
        .filter((def) => def.type === 'composite')
        .flatMap((def) => {
          const evaluate = compileComposite(def, type, defs, adders, resolver);
          return evaluate ? [{ evaluate, derived: derived(type, def.code) !== undefined }] : [];
        }),
    );
    return params;
  };

  let revision = defs.revision?.();
  // Runtime SearchParameters (definitions/runtime-params.ts) changed: compile again.
  const fresh = () => {
    if (defs.revision && defs.revision() !== revision) {
      byType.clear();
      composites.clear();
      compartmentParams.clear();
      revision = defs.revision();
    }
  };
  const rowsOf = (resource: Resource, withDerived: boolean): IndexRows => {
    fresh();
    const params = byType.get(resource.resourceType) ?? compile(resource.resourceType);
    const rows = emptyRows();
    target.rows = rows;
    for (const p of params) {
      if (p.derived && !withDerived) continue;
      const list = rows[p.table];
      const before = list.length;
      p.evaluate(resource);
      if (list.length - before > 1) dedupeTail(list, before, ROW_FIELDS[p.table]);
    }
    for (const c of composites.get(resource.resourceType)!) if (withDerived || !c.derived) c.evaluate(resource, rows.composite);
    return rows;
  };

  const compartments = patientCompartments(defs);
  const content = contentText(defs);
  // The reference parameters patientCompartments reads for a type (its own, and those a derived one is made of).
  const compartmentParamsOf = (type: string): CompiledSearchParam[] => {
    const known = compartmentParams.get(type);
    if (known) return known;
    const wanted = new Set(patientCompartmentParams(defs, type).flatMap((p) => [p, ...(derived(type, p)?.from ?? [])]));
    const params: CompiledSearchParam[] = [];
    for (const def of defs.searchParams(type).values()) {
      const add = adders[def.type];
      if (def.type !== 'reference' || !add || !def.expression || !wanted.has(def.code) || derived(type, def.code)) continue;
      const code = def.code;
      params.push({
        table: 'reference',
        evaluate: compileParam(def.expression, type, (valueType, value) => add(target.rows, code, valueType, value), resolver),
        derived: false,
      });
    }
    compartmentParams.set(type, params);
    return params;
  };
  return {
    compartments,
    patientsOf: (resource) => {
      fresh();
      const rows = emptyRows();
      target.rows = rows;
      for (const p of compartmentParamsOf(resource.resourceType)) p.evaluate(resource);
      return compartments(resource.resourceType, rows.reference);
    },
    index: (resource) => rowsOf(resource, true),
    storedRows: (resource) => rowsOf(resource, false),
    rowsToStore: (resource) => {
      const rows = rowsOf(resource, false);
      return finishRows(rows, compartments(resource.resourceType, rows.reference), wordRows(resource, rows, content(resource)));
    },
  };
}

function emptyRows(): IndexRows {
  return { token: [], string: [], date: [], number: [], quantity: [], reference: [], uri: [], composite: [], display: [] };
}
