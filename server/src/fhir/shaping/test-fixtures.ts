// Resources and helpers shared by the shaping tests (test-only). https://hl7.org/fhir/R4/search.html#summary
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Resource } from 'fhir/r4.js';
import { loadR4Definitions } from '../../definitions/r4-definitions.js';

export type Obj = Record<string, unknown>;
export const defs = loadR4Definitions();

/** A stored example from the official R4 package, so expectations meet real content and not only ours. */
export function example(file: string): Resource {
  const require = createRequire(import.meta.url);
  return JSON.parse(readFileSync(require.resolve(`hl7.fhir.r4.examples/${file}`), 'utf8')) as Resource;
}

export const keys = (r: unknown): string[] => Object.keys(r as Obj).sort();
export const tagCodes = (r: Resource): (string | undefined)[] => (r.meta?.tag ?? []).map((t) => t.code);

export function patient(): Resource {
  return {
    resourceType: 'Patient',
    id: 'p1',
    meta: { versionId: '3', tag: [{ system: 'urn:example:tags', code: 'keep-me' }] },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Jane Doe</div>' },
    extension: [{ url: 'urn:example:ext', valueString: 'x' }],
    modifierExtension: [{ url: 'urn:example:mod', valueBoolean: true }],
    active: true,
    name: [
      { family: 'Doe', given: ['Jane'], extension: [{ url: 'urn:example:name-ext', valueString: 'y' }] },
      { extension: [{ url: 'urn:example:only-ext', valueString: 'z' }] },
    ],
    birthDate: '1980-01-01',
    _birthDate: {
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1980-01-01T10:00:00Z' }],
    },
    maritalStatus: { text: 'married' },
    photo: [{ contentType: 'image/png', data: 'iVBORw0KGgo=' }],
    contact: [{ name: { family: 'Roe' }, relationship: [{ text: 'sister' }] }],
    link: [{ other: { reference: 'Patient/p2', extension: [{ url: 'urn:example:ref-ext', valueString: 'r' }] }, type: 'seealso' }],
  } as Resource;
}

export function observation(): Resource {
  return {
    resourceType: 'Observation',
    id: 'o1',
    status: 'final',
    _status: { extension: [{ url: 'urn:example:status-ext', valueString: 's' }] },
    category: [{ text: 'vital-signs' }],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }], text: 'HR' },
    subject: { reference: 'Patient/p1', display: 'Jane' },
    effectiveDateTime: '2024-01-01T10:00:00Z',
    valueQuantity: {
      value: 72,
      unit: '/min',
      system: 'http://unitsofmeasure.org',
      code: '/min',
      extension: [{ url: 'urn:example:q', valueString: 'q' }],
    },
    interpretation: [{ text: 'normal' }],
    note: [{ text: 'resting' }],
    referenceRange: [{ low: { value: 60 } }],
    component: [
      {
        code: { text: 'systolic' },
        valueQuantity: { value: 120 },
        interpretation: [{ text: 'normal' }],
        referenceRange: [{ text: 'normal range' }],
        modifierExtension: [{ url: 'urn:example:cmod', valueBoolean: false }],
      },
    ],
  } as Resource;
}
