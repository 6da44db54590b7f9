// transaction: POST [base] with a Bundle of type transaction; all entries succeed or nothing is stored.
// https://hl7.org/fhir/R4/http.html#transaction
import type { Bundle, BundleEntry, Resource } from 'fhir/r4.js';
import { newId } from '../../core/ids.js';
import { OutcomeError, badRequest, issue, outcome, multipleMatches } from '../../core/outcomes.js';
import { entryRequest, entryResponse, type BundleRequest } from '../bundle-entry.js';
import { conditionKey, findMatches } from '../conditional.js';
import type { FhirContext } from '../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../fhir-request.js';
import type { ReturnPreference } from '../prefer.js';
import { refuseDanglingReferences } from '../bundle-local-refs.js';
import { conditionalResolver, rewriteReferences } from '../transaction-refs.js';
import { checkWrite, wantsLenient, withIssues } from '../lenient-writes.js';
import { updateLocked } from './update.js';
import { copyExact } from '../../core/exact-numbers.js';

/** Processing order the spec prescribes: deletes, creates, updates and patches, then reads. */
const ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

interface Planned {
  index: number;
  req: FhirRequest;
  type: string;
  /** Id chosen before processing, so references to this entry can be rewritten. */
  id?: string;
  /** A conditional create that matched: the entry answers with the existing resource. */
  existing?: boolean;
}

export interface TransactionOptions {
  /**
   * The context whose validator and profiles already checked every entry's resource (validateWrite) before the
   * Bundle was built, as an import's first pass does: when they are this context's own, creates are not checked twice.
   */
  validatedIn?: Pick<FhirContext, 'validate' | 'profiles'>;
  /** The request that carried the Bundle: its token and Prefer apply to every entry. */
  outer?: BundleRequest;
}

export async function transaction(
  bundle: Bundle,
  preference: ReturnPreference,
  ctx: FhirContext,
  opts: TransactionOptions = {},
): Promise<Bundle> {
  const validated =
    opts.validatedIn !== undefined && opts.validatedIn.validate === ctx.validate && opts.validatedIn.profiles === ctx.profiles;
  const entries = bundle.entry ?? [];
  const responses = await ctx.repo.transaction(async (repo) => {
    const txCtx: FhirContext = { ...ctx, repo };
    const plans = entries.map((e, i): Planned => {
      const req = entryRequest(e, i, ctx.baseUrl, opts.outer);
      return { index: i, req, type: req.path.split('/')[0] };
    });
    // Every entry is authorized before the first one runs (POST and PUT entries do not pass the router).
    for (const p of plans) await atEntry(p.index, () => Promise.resolve(txCtx.router.authorize(p.req, txCtx)));
    const { fullUrls, createdByCriteria } = await assignIds(plans, entries, txCtx);
    const resolve = conditionalResolver(txCtx, createdByCriteria);
    // The rewritten body is a copy where anything changed: the client's resource is left as it was.
    for (const p of plans) {
      await atEntry(p.index, async () => {
        p.req.body = await rewriteReferences(p.req.body, fullUrls, resolve);
        // What is still a urn:uuid/urn:oid after the rewrite is a reference to no entry: nothing is stored.
        refuseDanglingReferences(p.req.body, p.type);
      });
    }
    const out = new Array<BundleEntry>(plans.length);
    const ordered = [...plans].sort((a, b) => ORDER[a.req.method] - ORDER[b.req.method] || a.index - b.index);
    for (const p of ordered) {
      out[p.index] = entryResponse(await atEntry(p.index, () => execute(p, txCtx, validated)), preference);
    }
    return out;
  });
  return { resourceType: 'Bundle', type: 'transaction-response', entry: responses };
}

async function assignIds(plans: Planned[], entries: BundleEntry[], ctx: FhirContext) {
  const fullUrls = new Map<string, string>();
  const createdByCriteria = new Map<string, string>();
  for (const p of plans) {
    const fullUrl = entries[p.index].fullUrl;
    if (fullUrl && fullUrls.has(fullUrl)) {
      throw badRequest(
        `Bundle.entry[${p.index}].fullUrl '${fullUrl}' appears more than once`,
        `Bundle.entry[${p.index}].fullUrl`,
        'MSG_TRANSACTION_DUPLICATE_ID',
      );
    }
    await atEntry(p.index, async () => {
      if (p.req.method === 'POST') await planCreate(p, ctx, createdByCriteria);
      else if (p.req.method === 'PUT') await planUpdate(p, ctx);
    });
    if (fullUrl && p.id) fullUrls.set(fullUrl, `${p.type}/${p.id}`);
  }
  return { fullUrls, createdByCriteria };
}

async function planCreate(p: Planned, ctx: FhirContext, createdByCriteria: Map<string, string>): Promise<void> {
  const ifNoneExist = p.req.headers['if-none-exist'];
  if (ifNoneExist) {
    const key = conditionKey(p.type, ifNoneExist);
    const sameInBundle = createdByCriteria.get(key);
    if (sameInBundle) throw badRequest(`Two entries create ${p.type} with the same ifNoneExist '${ifNoneExist}'`);
    await ctx.repo.lock(key);
    const matches = await findMatches(ctx.repo, ctx, p.type, ifNoneExist);
    if (matches.length > 1) throw multipleMatches(`ifNoneExist '${ifNoneExist}' matches several ${p.type} resources`);
    p.existing = matches.length === 1;
    p.id = matches[0]?.id ?? newId();
    createdByCriteria.set(key, `${p.type}/${p.id}`);
    return;
  }
  p.id = newId();
}

async function planUpdate(p: Planned, ctx: FhirContext): Promise<void> {
  const [, id] = p.req.path.split('/');
  if (id) {
    p.id = id;
    return;
  }
  const matches = await findMatches(ctx.repo, ctx, p.type, p.req.query);
  if (matches.length > 1)
    throw multipleMatches(`Conditional update '${p.req.query.toString()}' matches several ${p.type} resources`, 'UPDATE_MULTIPLE_MATCHES');
  p.id = matches[0]?.id ?? (p.req.body as Resource).id ?? newId();
}

async function execute(p: Planned, ctx: FhirContext, validated: boolean): Promise<FhirResponse> {
  if (p.req.method === 'POST' && p.req.path === p.type) {
    if (p.existing) {
      const current = await ctx.repo.read(p.type, p.id!);
      return { status: 200, resource: current?.resource, version: current, isWrite: true };
    }
    const checked =
      validated && !wantsLenient(p.req) && (p.req.body as Resource | undefined)?.resourceType === p.type
        ? { resource: p.req.body as Resource, issues: [] }
        : checkWrite(p.req, p.type, ctx, 'c');
    const resource = { ...checked.resource, id: p.id! };
    const version = await ctx.repo.write(resource, undefined, 'POST');
    return withIssues({ status: 201, resource: version.resource, version, created: true, isWrite: true }, checked, ctx);
  }
  if (p.req.method === 'PUT') {
    const checked = checkWrite(p.req, p.type, ctx, 'u');
    const resource = checked.resource;
    if (resource.id !== undefined && resource.id !== p.id && p.req.path.includes('/')) {
      throw badRequest(
        `The resource id '${resource.id}' does not match the id '${p.id}' in request.url`,
        `${p.type}.id`,
        'MSG_RESOURCE_ID_MISMATCH',
      );
    }
    return withIssues(
      await updateLocked(ctx.repo, copyExact(resource, { ...resource, id: p.id! }), p.req.headers['if-match']),
      checked,
      ctx,
    );
  }
  return ctx.router.handle(p.req, ctx);
}

/** Any failure fails the whole transaction; the outcome names the entry that caused it. */
async function atEntry<T>(index: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof OutcomeError)) throw err;
    const prefix = `Bundle.entry[${index}]`;
    const issues = err.outcome.issue.map((i) =>
      issue({
        severity: i.severity,
        code: i.code,
        diagnostics: i.diagnostics?.startsWith(prefix) ? i.diagnostics : `${prefix}: ${i.diagnostics}`,
        expression: i.expression?.map((e) => (e.startsWith('Bundle.') ? e : `${prefix}.resource.${e.replace(/^[A-Z][A-Za-z]+\./, '')}`)),
        messageId: i.details?.coding?.[0]?.code,
      }),
    );
    throw new OutcomeError(err.code, outcome(...issues), err.headers);
  }
}
