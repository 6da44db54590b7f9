// Keeps the server's runtime search parameters (definitions/runtime-params.ts) in step with the SearchParameter
// resources it stores, starts a reindex of the affected types when one is created, changed or deleted, and refuses
// searches with a parameter whose reindex is not done. https://hl7.org/fhir/R4/searchparameter.html
// The reindex follows HAPI's https://hapifhir.io/hapi-fhir/docs/server_jpa/search.html#reindexing
import type { SearchParameter } from 'fhir/r4.js';
import { badRequest, OutcomeError, issue, outcome } from '../core/outcomes.js';
import type { RuntimeDefinitions } from '../definitions/runtime-params.js';
import { expressionFor } from '../definitions/search-expression.js';
import { compileParam } from '../indexing/compile-param.js';
import type { SearchCriterion, SearchRequest } from '../search/search-request.js';
import type { ParamState, ReindexJob, ReindexStore } from '../store/mysql/reindex-store.js';
import type { ReindexRunner } from './reindex-runner.js';

/** A SearchParameter written (sp) or deleted (sp undefined) by a committed transaction. */
export interface SearchParamChange {
  url: string;
  sp?: SearchParameter;
}

export class SearchParamService {
  /** `type code hash` of parameters known ready: ready stays ready until the definition changes. */
  private readonly ready = new Set<string>();
  /** The SearchParameter generation this node's definitions reflect (-1: not loaded). */
  private seen = -1;
  private poller: NodeJS.Timeout | undefined;
  /** Set once start-up is done: a change made then (through the API) may find other nodes still on the old definitions. */
  private started = false;

  /** `pollMs`: how often to look for changes made by other nodes; a changed parameter's reindex waits twice that. */
  constructor(
    readonly defs: RuntimeDefinitions,
    private readonly store: ReindexStore,
    readonly runner: ReindexRunner,
    private readonly pollMs = 2000,
  ) {}

  /** Why `sp` cannot be indexed (its write answers 422), or undefined. */
  problem(sp: SearchParameter): string | undefined {
    const problem = this.defs.problem(sp);
    if (problem) return problem;
    if (sp.status !== 'active' || !sp.expression) return undefined;
    for (const type of sp.base ?? []) {
      try {
        compileParam(expressionFor(sp.expression, type)!, type, () => undefined);
      } catch (err) {
        return `SearchParameter.expression does not compile as FHIRPath for ${type}: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    return undefined;
  }

  /** At start: every stored SearchParameter is held; types whose parameters have no finished rows get a job. */
  async loadAtStart(): Promise<void> {
    this.seen = await this.store.generation();
    for (const sp of await this.store.storedSearchParameters()) if (!this.problem(sp)) this.defs.set(sp);
    for (const type of await this.store.typesWithState())
      if (this.defs.runtimeParams(type).length === 0) await this.reconcile(type, 'SearchParameters removed');
    for (const type of this.defs.resourceTypes)
      if (this.defs.runtimeParams(type).length > 0) await this.reconcile(type, 'start: SearchParameters not yet indexed');
    await this.runner.resumeAll();
    this.poller = setInterval(() => void this.refresh().catch(() => undefined), this.pollMs);
    this.poller.unref();
    this.started = true;
  }

  /**
   * Another node changed SearchParameters (the generation moved): hold what is stored now. That node started the
   * reindex; it waits until every node indexes its writes with the new definitions (twice the poll interval).
   */
  async refresh(): Promise<void> {
    const generation = await this.store.generation();
    if (generation === this.seen) return;
    this.seen = generation;
    const stored = (await this.store.storedSearchParameters()).filter((sp) => !this.problem(sp));
    for (const sp of stored) this.defs.set(sp);
    const urls = new Set(stored.map((sp) => sp.url));
    for (const url of this.defs.heldUrls()) if (!urls.has(url)) this.defs.remove(url);
  }

  stop(): void {
    clearInterval(this.poller);
  }

  /** After a transaction that wrote or deleted SearchParameters committed. */
  async changed(changes: readonly SearchParamChange[]): Promise<void> {
    const types = new Set<string>();
    for (const c of changes) for (const t of c.sp ? this.defs.set(c.sp) : this.defs.remove(c.url)) types.add(t);
    // The other nodes see the change at their next poll (this node's own view is already current).
    await this.store.raiseGeneration();
    // At start-up (the IG's parameters stored) the job runs at once, so the server answers with them as it opens.
    const wait = this.started ? 2 * this.pollMs : 0;
    for (const type of types) await this.reconcile(type, `SearchParameter ${changes.map((c) => c.url).join(', ')} changed`, true, wait);
  }

  /** `$reindex`: a job per type, whatever the state of its parameters. */
  async reindex(types: readonly string[], reason: string): Promise<{ type: string; id: string }[]> {
    const jobs: { type: string; id: string }[] = [];
    for (const type of types.length > 0 ? types : await this.store.storedTypes()) {
      const id = await this.store.create(type, reason, await this.staleParams(type));
      this.runner.run(id);
      jobs.push({ type, id });
    }
    return jobs;
  }

  /** A job's state; a job whose node stopped is resumed here. */
  async job(id: string): Promise<ReindexJob | undefined> {
    const job = await this.store.get(id);
    if (job && (job.state === 'queued' || job.state === 'running')) this.runner.run(id);
    return job;
  }

  /** Refuses (400) a search that uses a runtime parameter whose rows are not all built yet. */
  async checkSearchable(request: SearchRequest): Promise<void> {
    const used = new Map<string, Set<string>>();
    const add = (type: string, code: string) => {
      if (this.defs.isRuntime(type, code)) used.set(type, (used.get(type) ?? new Set()).add(code));
    };
    const walk = (type: string, c: SearchCriterion): void => {
      if (c.kind === 'param') return add(type, c.def.code);
      if (c.kind === 'chain') {
        add(type, c.def.code);
        return c.targets.forEach((t) => walk(t.type, t.criterion));
      }
      add(c.type, c.param);
      walk(c.type, c.criterion);
    };
    for (const c of request.criteria) walk(request.type, c);
    for (const s of request.sort) add(request.type, s.def.code);
    for (const i of [...request.include, ...request.revinclude]) add(i.sourceType, i.param);
    for (const [type, codes] of used) {
      const wanted = this.defs.runtimeParams(type).filter((p) => codes.has(p.code) && !this.ready.has(`${type} ${p.code} ${p.hash}`));
      if (wanted.length === 0) continue;
      const states = await this.store.paramStates(
        type,
        wanted.map((p) => p.code),
      );
      for (const p of wanted) {
        const state = states.get(p.code);
        if (state?.ready && state.hash === p.hash) {
          this.ready.add(`${type} ${p.code} ${p.hash}`);
          continue;
        }
        throw await this.notReady(type, p.code, state?.jobId);
      }
    }
  }

  private async notReady(type: string, code: string, jobId: string | undefined): Promise<OutcomeError> {
    const job = jobId ? await this.store.get(jobId) : undefined;
    const where = job
      ? ` (reindex job ${job.id}: ${job.state}, ${job.processed} of ${job.total} ${type} resources; GET [base]/$reindex/${job.id})`
      : '';
    if (job?.state === 'failed') {
      return badRequest(
        `Search parameter '${code}' of ${type} cannot be searched: its reindex failed (${job.error ?? 'unknown error'}); POST [base]/${type}/$reindex to try again${where}`,
        code,
      );
    }
    return new OutcomeError(
      'invalid',
      outcome(
        issue({
          code: 'incomplete',
          diagnostics: `Search parameter '${code}' of ${type} is being indexed over the stored resources and cannot be searched until that is done${where}`,
          expression: code,
        }),
      ),
    );
  }

  /** Starts a job for `type` when some runtime parameter's rows were built for another definition (or never); `force`: always. */
  private async reconcile(type: string, reason: string, force = false, afterMs = 0): Promise<void> {
    await this.store.forget(
      type,
      this.defs.runtimeParams(type).map((p) => p.code),
    );
    const stale = await this.staleParams(type);
    if (!force && stale.length === 0) return;
    this.runner.run(await this.store.create(type, reason, stale), afterMs);
  }

  /** Runtime parameters of `type` whose rows were built for another definition, or never. */
  private async staleParams(type: string): Promise<ParamState[]> {
    const held = this.defs.runtimeParams(type);
    const states = await this.store.paramStates(
      type,
      held.map((p) => p.code),
    );
    return held.filter((p) => states.get(p.code)?.hash !== p.hash).map((p) => ({ type, ...p }));
  }
}
