// ValueSet/$expand and ValueSet/[id]/$expand, GET and POST: the value set's codes with their displays, over the value
// sets and code systems this server holds, with filter, activeOnly, offset and count.
// https://hl7.org/fhir/R4/valueset-operation-expand.html
import { invalidParameter } from '../../../core/outcomes.js';
import { expansionOf } from '../../../terminology/expansion.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';
import { readOperationInput, type OperationParams } from '../terminology/operation-input.js';
import { answering } from '../terminology/terminology-errors.js';
import { targetValueSet } from '../terminology/terminology-targets.js';

/** Most codes one expansion lists: beyond it, 400 too-costly (page with count and offset, or narrow with filter). */
export const MAX_EXPANSION = 10_000;

const PARAMS: OperationParams = {
  operation: '$expand',
  accepted: {
    url: 'uri',
    valueSet: 'Resource',
    valueSetVersion: 'string',
    filter: 'string',
    offset: 'integer',
    count: 'integer',
    activeOnly: 'boolean',
    excludeNested: 'boolean',
  },
  refused: Object.fromEntries<string>([
    ...['context', 'contextDirection'].map((n): [string, string] => [n, 'value sets are not chosen by context here']),
    ['date', 'expansions are of the current definitions only'],
    ...['includeDesignations', 'designation', 'displayLanguage'].map((n): [string, string] => [
      n,
      "displays come in the definitions' one language, without designations",
    ]),
    ['includeDefinition', 'the definitions are not returned'],
    ...['excludeNotForUI', 'excludePostCoordinated'].map((n): [string, string] => [n, 'not implemented']),
    ...['exclude-system', 'system-version', 'check-system-version', 'force-system-version'].map((n): [string, string] => [
      n,
      'code system versions are those held',
    ]),
  ]),
};

/** The $expand parameters honoured, as TerminologyCapabilities.expansion.parameter lists them. */
export const EXPAND_PARAMETERS: readonly string[] = Object.keys(PARAMS.accepted);

export async function expand(req: FhirRequest, id: string | undefined, ctx: FhirContext): Promise<FhirResponse> {
  const input = readOperationInput(req, PARAMS);
  const count = input.integer('count');
  if (count !== undefined && count > MAX_EXPANSION) throw invalidParameter(`$expand: count may be at most ${MAX_EXPANSION}`, 'count');
  const vs = await targetValueSet('$expand', input, id, ctx);
  const source = await ctx.terminology.sourceFor(vs);
  const expanded = await answering('$expand', () =>
    expansionOf(vs, source, {
      timestamp: new Date().toISOString(),
      filter: input.string('filter'),
      activeOnly: input.boolean('activeOnly'),
      offset: input.integer('offset'),
      count,
      maxCodes: MAX_EXPANSION,
    }),
  );
  // The expansion is flat (excludeNested holds either way).
  return { status: 200, resource: expanded };
}
