// Prefer: handling=lenient on create and update (and their Bundle entries): a migration tool holding a system/ token
// stores known-imperfect legacy data that breaks R4's (or a profile's) cardinalities, invariants or reference targets.
// The stored copy is tagged, the issues come back as warnings and are recorded in the AuditEvent. Values that do not
// have their datatype (the JSON schema) are refused still: the store indexes them by it.
// https://hl7.org/fhir/R4/http.html#ops (create/update), https://hl7.org/fhir/R4/search.html#errors (handling)
import type { Coding, OperationOutcomeIssue, Resource } from 'fhir/r4.js';
import { OutcomeError, invalidResource, issue, notPermitted } from '../core/outcomes.js';
import { FIBROTRACK_CANONICAL } from '../validation/profile-policy.js';
import type { FhirContext } from './fhir-context.js';
import type { FhirRequest, FhirResponse } from './fhir-request.js';
import { checkWriteBody, validateWrite } from './validate-write.js';
import { copyExact } from '../core/exact-numbers.js';

/** meta.tag on every resource stored despite validation errors (searchable with _tag). */
export const LENIENT_TAG: Readonly<Coding> = Object.freeze({
  system: `${FIBROTRACK_CANONICAL}/CodeSystem/write-handling`,
  code: 'lenient',
  display: 'Stored under Prefer: handling=lenient despite validation errors',
});

export interface CheckedWrite {
  resource: Resource;
  /** The validation errors it was stored despite, as warnings (empty when it is valid). */
  issues: OperationOutcomeIssue[];
}

export const wantsLenient = (req: FhirRequest) => /(^|[;,\s])handling\s*=\s*lenient\b/.test(req.headers.prefer ?? '');

/** validateWrite, or under handling=lenient (for those allowed it) the resource with its issues. */
export function checkWrite(
  req: FhirRequest,
  type: string,
  ctx: Pick<FhirContext, 'validate' | 'profiles' | 'checkLenientWrite'>,
  permission: 'c' | 'u',
): CheckedWrite {
  if (!wantsLenient(req)) return { resource: validateWrite(req.body, type, ctx), issues: [] };
  checkLenientAllowed(req, type, ctx, permission);
  checkWriteBody(req.body, type);
  try {
    return { resource: validateWrite(req.body, type, ctx), issues: [] };
  } catch (err) {
    if (!(err instanceof OutcomeError) || (err.status !== 400 && err.status !== 422) || !ctx.profiles) throw err;
    // The schema alone (datatypes, formats, the id): what even a lenient write must meet.
    const typed = ctx.profiles.validate(req.body, type, { base: 'covered', errorsOnly: true }).filter(isError);
    if (typed.length > 0) {
      throw invalidResource(
        [
          issue({
            code: 'structure',
            diagnostics: `handling=lenient stores ${type} resources that break cardinalities, invariants, reference targets or profiles, not values of the wrong datatype`,
            expression: type,
          }),
          ...typed,
        ],
        'invalid',
      );
    }
    return { resource: tagged(req.body as Resource), issues: err.outcome.issue.map((i) => ({ ...i, severity: 'warning' as const })) };
  }
}

/** A write stored leniently answers its issues (Prefer: return=OperationOutcome, Bundle entry outcome) and is audited. */
export function withIssues(res: FhirResponse, checked: CheckedWrite, ctx: Pick<FhirContext, 'noteLenientWrite'>): FhirResponse {
  if (checked.issues.length === 0 || !res.version || res.status >= 300) return res;
  ctx.noteLenientWrite?.(`${res.version.type}/${res.version.id}`, checked.issues);
  return { ...res, issues: checked.issues };
}

/** Open mode has no tokens and grants everything; under SMART the access policy decides (checkLenientWrite). */
function checkLenientAllowed(req: FhirRequest, type: string, ctx: Pick<FhirContext, 'checkLenientWrite'>, permission: 'c' | 'u'): void {
  if (!req.access) return;
  // A request with a token but no policy to ask is refused: fail closed.
  if (!ctx.checkLenientWrite) {
    throw notPermitted(`Prefer: handling=lenient (storing a ${type} that fails validation) is not available to this request`);
  }
  ctx.checkLenientWrite(req.access, type, permission);
}

const isError = (i: OperationOutcomeIssue) => i.severity === 'error' || i.severity === 'fatal';

function tagged(resource: Resource): Resource {
  const tags = resource.meta?.tag ?? [];
  if (tags.some((t) => t.system === LENIENT_TAG.system && t.code === LENIENT_TAG.code)) return resource;
  return copyExact(resource, { ...resource, meta: { ...resource.meta, tag: [...tags, { ...LENIENT_TAG }] } });
}
