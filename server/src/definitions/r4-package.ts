// Files of the npm package hl7.fhir.r4.examples@4.0.1 (the base R4 definitions), read in one place.
// https://hl7.org/fhir/R4/downloads.html
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FhirResource } from 'fhir/r4.js';
import { bundleResources } from './bundle-entries.js';

let dir: string | undefined;

export function r4PackageDir(): string {
  return (dir ??= dirname(createRequire(import.meta.url).resolve('hl7.fhir.r4.examples/package.json')));
}

export function readR4Json<T>(file: string): T {
  return JSON.parse(readFileSync(join(r4PackageDir(), file), 'utf8')) as T;
}

/** The resources of one of the package's Bundles, parsed one entry at a time (bundle-entries.ts). */
export function readR4Bundle(file: string): Iterable<FhirResource> {
  return bundleResources(readFileSync(join(r4PackageDir(), file)));
}
