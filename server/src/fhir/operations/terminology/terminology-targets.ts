// What a terminology operation works on: the ValueSet or CodeSystem instance in the URL, one sent inline, or one
// named by canonical URL; and the codings it is asked about. https://hl7.org/fhir/R4/terminology-service.html
import type { CodeSystem, Coding, ValueSet } from 'fhir/r4.js';
import { badRequest, invalidResource, issue, notFound, unknownDefinition } from '../../../core/outcomes.js';
import { indexCodeSystem, type CodeSystemIndex } from '../../../terminology/code-system-index.js';
import type { FhirContext } from '../../fhir-context.js';
import type { OperationInput } from './operation-input.js';

const NOT_HELD =
  'it holds the base R4 code systems, the FibroTrack ones and CodeSystems stored here; LOINC and SNOMED CT are not among them';

/** The ValueSet: the instance (`id`), else the `valueSet` parameter, else the one `url` (with `valueSetVersion`) names. */
export async function targetValueSet(
  operation: string,
  input: OperationInput,
  id: string | undefined,
  ctx: FhirContext,
): Promise<ValueSet> {
  if (id) {
    refuseBoth(operation, input, ['url', 'valueSet', 'valueSetVersion'], 'the value set is the instance in the URL');
    const stored = await ctx.repo.read('ValueSet', id);
    if (!stored || stored.deleted) throw notFound('ValueSet', id);
    return stored.resource as ValueSet;
  }
  const inline = input.resource('valueSet');
  if (inline) {
    refuseBoth(operation, input, ['url', 'valueSetVersion'], 'the value set is the one sent as valueSet');
    return checkedInline(operation, inline, 'valueSet', 'ValueSet', ctx) as ValueSet;
  }
  const url = input.string('url');
  if (!url)
    throw badRequest(`${operation} needs the value set: the url parameter, a valueSet (POST), or ValueSet/[id]/${operation}`, 'url');
  const version = input.string('valueSetVersion');
  const vs = await ctx.terminology.valueSet(version ? `${url}|${version}` : url);
  if (!vs) throw unknownDefinition(`Value set ${url}${version ? ` version ${version}` : ''} is not known to this server`, 'url');
  return vs;
}

/**
 * The CodeSystem: the instance (`id`), else the `codeSystem` parameter, else the one `system` (url for
 * $validate-code) names, else the system of `coding`. Only code systems whose codes this server holds qualify.
 */
export async function targetCodeSystem(
  operation: string,
  input: OperationInput,
  id: string | undefined,
  ctx: FhirContext,
  names: { url: string; version: string; codings: string[] },
): Promise<CodeSystemIndex> {
  if (id) {
    refuseBoth(operation, input, [names.url, 'codeSystem', names.version], 'the code system is the instance in the URL');
    const stored = await ctx.repo.read('CodeSystem', id);
    if (!stored || stored.deleted) throw notFound('CodeSystem', id);
    return held(operation, indexCodeSystem(stored.resource as CodeSystem), `CodeSystem/${id}`);
  }
  const inline = input.resource('codeSystem');
  if (inline) {
    const cs = checkedInline(operation, inline, 'codeSystem', 'CodeSystem', ctx) as CodeSystem;
    return held(operation, indexCodeSystem(cs), 'the codeSystem sent');
  }
  const fromCodings = names.codings
    .map((n) => input.coding(n)?.system ?? input.codeableConcept(n)?.coding?.[0]?.system)
    .find((s) => s !== undefined);
  const url = input.string(names.url) ?? fromCodings;
  if (!url)
    throw badRequest(
      `${operation} needs the code system: the ${names.url} parameter, a coding with a system, or CodeSystem/[id]/${operation}`,
      names.url,
    );
  const version = input.string(names.version);
  const cs = await ctx.terminology.codeSystem(url);
  if (!cs || (cs.concepts.size === 0 && !cs.complete)) {
    throw unknownDefinition(`Code system ${url} is not held by this server, so ${operation} cannot answer for it: ${NOT_HELD}`, names.url);
  }
  if (version === undefined || cs.version === version) return cs;
  const versioned = await ctx.terminology.codeSystem(`${url}|${version}`);
  if (versioned?.version !== version) {
    throw unknownDefinition(
      `Version ${version} of code system ${url} is not held by this server${cs.version ? ` (it holds version ${cs.version})` : ''}`,
      names.version,
    );
  }
  return versioned;
}

/**
 * A ValueSet or CodeSystem sent in the Parameters body meets the R4 definitions (as a stored one did when it was
 * written) before anything reads it: 400 with the validator's issues, led by one naming the parameter.
 */
function checkedInline(
  operation: string,
  inline: Record<string, unknown>,
  name: string,
  type: 'ValueSet' | 'CodeSystem',
  ctx: FhirContext,
): unknown {
  if (inline.resourceType !== type) throw badRequest(`${operation}: the ${name} parameter must hold a ${type}`, name);
  const errors = ctx.validate(inline, type).filter((i) => i.severity === 'error' || i.severity === 'fatal');
  if (errors.length === 0) return inline;
  const lead = issue({
    code: 'invalid',
    expression: name,
    diagnostics: `${operation}: the ${type} sent as ${name} is not valid: ${errors
      .slice(0, 3)
      .map((e) => e.diagnostics ?? e.code)
      .join('; ')}`,
  });
  throw invalidResource([lead, ...errors]);
}

function held(operation: string, cs: CodeSystemIndex, what: string): CodeSystemIndex {
  if (cs.concepts.size === 0 && !cs.complete)
    throw badRequest(`${operation}: ${what} (${cs.url}) lists no concepts, so there is nothing to answer from`);
  return cs;
}

function refuseBoth(operation: string, input: OperationInput, names: string[], why: string): void {
  const given = names.filter((n) => input.has(n));
  if (given.length > 0) throw badRequest(`${operation}: leave out ${given.join(', ')}: ${why}`, given[0]);
}

/**
 * The codings asked about: `code` with `system` (and `display`, `systemVersion`/`version`), else `coding`, else
 * `codeableConcept`'s codings. `defaultSystem` stands in for a missing system (a CodeSystem's own url).
 */
export function codingsOf(operation: string, input: OperationInput, systemName: string, defaultSystem?: string): Coding[] {
  const code = input.string('code');
  const given = [code !== undefined, input.has('coding'), input.has('codeableConcept')].filter(Boolean).length;
  if (given !== 1) throw badRequest(`${operation} needs exactly one of code, coding or codeableConcept`, 'code');
  let codings: Coding[];
  if (code !== undefined) {
    codings = [{ system: input.string(systemName), code, display: input.string('display') }];
  } else {
    if (input.has('display')) throw badRequest(`${operation}: display goes with code; a coding carries its own display`, 'display');
    codings = input.has('coding') ? [input.coding('coding')!] : input.codeableConcept('codeableConcept')!.coding!;
  }
  return codings.map((c, i) => {
    const system = c.system ?? defaultSystem;
    if (!system)
      throw badRequest(
        `${operation}: a code needs its system (the ${systemName} parameter, or coding.system)`,
        code !== undefined ? systemName : `coding[${i}].system`,
      );
    if (!c.code) throw badRequest(`${operation}: coding ${i} has no code`, 'coding');
    return { ...c, system };
  });
}
