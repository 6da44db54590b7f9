// Files of the npm package hl7.fhir.r4.examples@4.0.1 (the base R4 definitions, byte-identical to HL7's), read in one
// place for the server and the IG build (profiles/build imports this leaf; it imports nothing of the server but
// bundle-entries.ts). https://hl7.org/fhir/R4/downloads.html
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FhirResource, StructureDefinition } from 'fhir/r4.js';
import { bundleResources } from './bundle-entries.js';

let dir: string | undefined;

export function r4PackageDir(): string {
  return (dir ??= dirname(createRequire(import.meta.url).resolve('hl7.fhir.r4.examples/package.json')));
}

export function readR4Json<T>(file: string, from = r4PackageDir()): T {
  return JSON.parse(readFileSync(join(from, file), 'utf8')) as T;
}

/** The resources of one of the package's Bundles, parsed one entry at a time (bundle-entries.ts). */
export function readR4Bundle(file: string): Iterable<FhirResource> {
  return bundleResources(readFileSync(join(r4PackageDir(), file)));
}

/** Resource types of the core package that SUSHI needs in its package cache (no examples). */
export const CONFORMANCE_PREFIXES = [
  'StructureDefinition',
  'ValueSet',
  'CodeSystem',
  'SearchParameter',
  'CompartmentDefinition',
  'OperationDefinition',
  'ConceptMap',
  'NamingSystem',
];

/** The package's one-resource conformance files (`StructureDefinition-Patient.json`, ...), sorted. */
export function r4ConformanceFiles(from = r4PackageDir()): string[] {
  return readdirSync(from)
    .filter((f) => f.endsWith('.json') && CONFORMANCE_PREFIXES.some((p) => f.startsWith(`${p}-`)))
    .sort();
}

/** StructureDefinitions of the core package by canonical URL, complete (not lean), read once on first use. */
export class R4StructureDefinitions {
  private byUrl?: Map<string, StructureDefinition>;

  constructor(private readonly from = r4PackageDir()) {}

  get(url: string): StructureDefinition | undefined {
    if (!this.byUrl) {
      this.byUrl = new Map();
      for (const f of readdirSync(this.from)
        .filter((n) => n.startsWith('StructureDefinition-'))
        .sort()) {
        const sd = readR4Json<StructureDefinition>(f, this.from);
        this.byUrl.set(sd.url, sd);
      }
    }
    return this.byUrl.get(url);
  }
}
