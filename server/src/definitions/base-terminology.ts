// The base R4 value sets and code systems by canonical URL: 22 MB of JSON, read once per process on first
// need and shared by search (terminology/) and validation (bindings); without narrative or code definitions.
import type { CodeSystem, ValueSet } from 'fhir/r4.js';
import { leanTerminology } from './lean-definitions.js';
import { readR4Bundle } from './r4-package.js';

export interface BaseTerminology {
  valueSets: ReadonlyMap<string, ValueSet>;
  codeSystems: ReadonlyMap<string, CodeSystem>;
}

const BUNDLES = ['Bundle-valuesets.json', 'Bundle-v3-valuesets.json', 'Bundle-v2-valuesets.json'];

let loaded: BaseTerminology | undefined;

export function baseTerminology(): BaseTerminology {
  if (loaded) return loaded;
  const valueSets = new Map<string, ValueSet>();
  const codeSystems = new Map<string, CodeSystem>();
  for (const file of BUNDLES) {
    for (const entry of readR4Bundle(file)) {
      const r = leanTerminology(entry);
      // The first bundle holding a URL wins (the FHIR value sets before the v3 and v2 copies).
      if (r.resourceType === 'ValueSet' && r.url && !valueSets.has(r.url)) valueSets.set(r.url, r);
      if (r.resourceType === 'CodeSystem' && r.url && !codeSystems.has(r.url)) codeSystems.set(r.url, r);
    }
  }
  return (loaded = { valueSets, codeSystems });
}
