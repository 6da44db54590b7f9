// Puts the FibroTrack conformance resources into the FHIR store at start, idempotently: a conditional update by
// url and version, skipped when the stored copy is already the same, so normal search finds them and a restart
// adds no versions. https://hl7.org/fhir/R4/http.html#cond-update
import type { Resource } from 'fhir/r4.js';
import { OutcomeError } from '../core/outcomes.js';
import type { FhirContext } from '../fhir/fhir-context.js';
import { handleFhirRequest } from '../fhir/router.js';
import { deepEqual } from '../validation/value-checks.js';

type Canonical = Resource & { url: string; version?: string };

export interface SeedResult {
  written: string[];
  unchanged: string[];
  failed: string[];
}

const withoutServerMeta = (r: Resource): Record<string, unknown> => {
  const { meta, ...rest } = r as Resource & { meta?: Record<string, unknown> };
  const { versionId: _v, lastUpdated: _l, ...kept } = meta ?? {};
  return Object.keys(kept).length > 0 ? { ...rest, meta: kept } : rest;
};

export async function seedConformance(ctx: FhirContext, resources: Resource[]): Promise<SeedResult> {
  const result: SeedResult = { written: [], unchanged: [], failed: [] };
  for (const r of resources as Canonical[]) {
    const query = new URLSearchParams({ url: r.url });
    if (r.version) query.set('version', r.version);
    const label = `${r.resourceType}/${r.id ?? '?'} (${r.url})`;
    try {
      const found = await handleFhirRequest({ method: 'GET', path: r.resourceType, query, headers: {} }, ctx);
      const matches = ((found.resource as { entry?: { resource?: Resource }[] })?.entry ?? []).flatMap((e) =>
        e.resource ? [e.resource] : [],
      );
      if (matches.length === 1 && deepEqual(withoutServerMeta({ ...matches[0], id: r.id }), withoutServerMeta(r))) {
        result.unchanged.push(label);
        continue;
      }
      await handleFhirRequest({ method: 'PUT', path: r.resourceType, query, headers: {}, body: r }, ctx);
      result.written.push(label);
    } catch (err) {
      if (!(err instanceof OutcomeError)) throw err;
      result.failed.push(`${label}: ${err.message}`);
    }
  }
  return result;
}
