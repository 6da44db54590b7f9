// The base FHIR R4 (4.0.1) definitions, read from the npm package hl7.fhir.r4.examples@4.0.1 (byte-identical to HL7's).
// https://hl7.org/fhir/R4/downloads.html
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { StructureDefinition } from 'fhir/r4.js';

/** Resource types of the core package that SUSHI needs in its package cache (no examples). */
export const CONFORMANCE_PREFIXES = [
  'StructureDefinition', 'ValueSet', 'CodeSystem', 'SearchParameter', 'CompartmentDefinition',
  'OperationDefinition', 'ConceptMap', 'NamingSystem',
];

export function r4PackageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('hl7.fhir.r4.examples/package.json'));
}

export function r4ConformanceFiles(dir = r4PackageDir()): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && CONFORMANCE_PREFIXES.some((p) => f.startsWith(`${p}-`)))
    .sort();
}

/** StructureDefinitions of the core package by canonical URL, read once on first use. */
export class R4StructureDefinitions {
  private byUrl?: Map<string, StructureDefinition>;

  constructor(private readonly dir = r4PackageDir()) {}

  get(url: string): StructureDefinition | undefined {
    if (!this.byUrl) {
      this.byUrl = new Map();
      for (const f of readdirSync(this.dir).filter((n) => n.startsWith('StructureDefinition-')).sort()) {
        const sd = JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as StructureDefinition;
        this.byUrl.set(sd.url, sd);
      }
    }
    return this.byUrl.get(url);
  }
}
