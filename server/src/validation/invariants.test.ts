// The native base invariants answer exactly as fhirpath.js does on the same R4 expressions, over cases at the edges.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import { compileInvariant } from './invariants.js';

type Obj = Record<string, unknown>;
const NATIVE_CASES: [string, string, string, Obj[], Obj?][] = [
  [
    'ext-1',
    'Extension',
    'extension.exists() != value.exists()',
    [
      { url: 'u', valueString: 'x' },
      { url: 'u' },
      { url: 'u', extension: [{ url: 'a', valueCode: 'b' }] },
      { url: 'u', valueString: 'x', extension: [{ url: 'a', valueCode: 'b' }] },
      { url: 'u', _valueString: { extension: [{ url: 'a', valueCode: 'b' }] } },
    ],
  ],
  [
    'per-1',
    'Period',
    'start.hasValue().not() or end.hasValue().not() or (start <= end)',
    [
      { start: '2020-01-01', end: '2021-01-01' },
      { start: '2021-01-01', end: '2020-01-01' },
      { start: '2021-01-01T10:00:00Z', end: '2021-01-01T09:00:00Z' },
      { start: '2021-01-01T10:00:00+02:00', end: '2021-01-01T09:00:00Z' },
      { start: '2021-01-01' },
      { end: '2021' },
    ],
  ],
  ['cpt-2', 'ContactPoint', 'value.empty() or system.exists()', [{ value: '1' }, { value: '1', system: 'phone' }, { system: 'phone' }]],
  [
    'qty-3',
    'Quantity',
    'code.empty() or system.exists()',
    [{ code: 'kg' }, { code: 'kg', system: 'http://unitsofmeasure.org' }, { value: 1 }],
  ],
  [
    'att-1',
    'Attachment',
    'data.empty() or contentType.exists()',
    [{ data: 'AA==' }, { data: 'AA==', contentType: 'text/plain' }, { url: 'x' }],
  ],
  [
    'obs-6',
    'Observation',
    'dataAbsentReason.empty() or value.empty()',
    [
      { resourceType: 'Observation', valueInteger: 1 },
      { resourceType: 'Observation', valueInteger: 1, dataAbsentReason: { text: 'x' } },
      { resourceType: 'Observation', dataAbsentReason: { text: 'x' } },
    ],
  ],
  [
    'obs-7',
    'Observation',
    'value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()',
    [
      {
        resourceType: 'Observation',
        code: { coding: [{ system: 's', code: 'a' }] },
        valueInteger: 1,
        component: [{ code: { coding: [{ system: 's', code: 'a' }] } }],
      },
      {
        resourceType: 'Observation',
        code: { coding: [{ system: 's', code: 'a' }] },
        valueInteger: 1,
        component: [{ code: { coding: [{ system: 's', code: 'b' }] } }],
      },
      {
        resourceType: 'Observation',
        code: { coding: [{ system: 's', code: 'a' }] },
        component: [{ code: { coding: [{ system: 's', code: 'a' }] } }],
      },
    ],
  ],
  [
    'vs-2',
    'Observation',
    '(component.empty() and hasMember.empty()) implies (dataAbsentReason.exists() or value.exists())',
    [
      { resourceType: 'Observation' },
      { resourceType: 'Observation', valueQuantity: { value: 70 } },
      { resourceType: 'Observation', dataAbsentReason: { text: 'x' } },
      { resourceType: 'Observation', component: [{ code: { text: 'c' }, valueInteger: 1 }] },
      { resourceType: 'Observation', hasMember: [{ reference: 'Observation/x' }] },
      { resourceType: 'Observation', _valueString: { extension: [{ url: 'u', valueCode: 'c' }] } },
      { resourceType: 'Observation', component: [] },
    ],
  ],
  [
    'dom-2',
    'Patient',
    'contained.contained.empty()',
    [
      { resourceType: 'Patient', contained: [{ resourceType: 'Patient', id: 'a' }] },
      { resourceType: 'Patient', contained: [{ resourceType: 'Patient', id: 'a', contained: [{ resourceType: 'Patient', id: 'b' }] }] },
    ],
  ],
  [
    'dom-6',
    'Patient',
    'text.`div`.exists()',
    [
      { resourceType: 'Patient' },
      { resourceType: 'Patient', text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' } },
    ],
  ],
];

const REF_1 = "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))";
const DOM_3 =
  "contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()";

function viaFhirpath(base: string, expression: string, value: Obj, root: Obj): boolean {
  const result = fhirpath.evaluate(value, { base, expression }, { resource: root, rootResource: root }, r4, {
    traceFn: () => undefined,
  }) as unknown[];
  return !(result.length === 1 && result[0] === false);
}

test('native invariants agree with fhirpath.js', () => {
  for (const [key, base, expression, values] of NATIVE_CASES) {
    const native = compileInvariant({ key, severity: 'error', human: key, expression }, base)!;
    for (const v of values) {
      const root = 'resourceType' in v ? v : { resourceType: 'Basic' };
      assert.equal(native.holds(v, root, root), viaFhirpath(base, expression, v, root), `${key} on ${JSON.stringify(v)}`);
    }
  }
});

// On a bare JSON primitive fhirpath.js no longer knows the FHIR type (`$this as dateTime` is empty), so the natives
// are checked against fhirpath.js reaching the same value from its parent, where the model types it.
test('invariants on primitive elements agree with fhirpath.js evaluated where the element is typed', () => {
  const cases: [string, string, string, string, Obj[]][] = [
    [
      'vs-1',
      '($this as dateTime).toString().length() >= 8',
      'Observation',
      'effective',
      [
        { effectiveDateTime: '2024' },
        { effectiveDateTime: '2024-01' },
        { effectiveDateTime: '2024-01-01' },
        { effectiveDateTime: '2024-01-01T08:00:00+01:00' },
        { effectivePeriod: { start: '2024-01' } },
      ],
    ],
    [
      'eld-3',
      "empty() or ($this = '*') or (toInteger() >= 0)",
      'ElementDefinition',
      'max',
      [{ max: '*' }, { max: '0' }, { max: '12' }, { max: '-1' }, { max: 'n' }, { max: '+3' }],
    ],
  ];
  for (const [key, expression, base, element, parents] of cases) {
    const native = compileInvariant({ key, severity: 'error', human: key, expression }, `${base}.${element}`)!;
    for (const parent of parents) {
      const typed = fhirpath.evaluate(
        { resourceType: base, ...parent },
        `${base}.${element}.select(${expression})`,
        undefined,
        r4,
      ) as unknown[];
      const value = Object.entries(parent).find(([k]) => k.startsWith(element))![1];
      assert.equal(native.holds(value, {}, {}), !(typed.length === 1 && typed[0] === false), `${key} on ${JSON.stringify(parent)}`);
    }
  }
});

// fhirpath.js cannot evaluate R4's dom-3 itself (`as()` on a collection throws), so its answers are written out.
test('ref-1 agrees with fhirpath.js, dom-3 gives the written-out answers', () => {
  const ref1 = compileInvariant({ key: 'ref-1', severity: 'error', human: 'ref-1', expression: REF_1 }, 'Reference')!;
  const dom3 = compileInvariant({ key: 'dom-3', severity: 'error', human: 'dom-3', expression: DOM_3 }, 'Observation')!;
  const withContained = (subject: string): Obj => ({
    resourceType: 'Observation',
    contained: [{ resourceType: 'Patient', id: 'p' }],
    subject: { reference: subject },
  });
  for (const [subject, referenced] of [
    ['#p', true],
    ['#q', false],
    ['Patient/1', false],
  ] as const) {
    const root = withContained(subject);
    const ref = root.subject as Obj;
    assert.equal(ref1.holds(ref, root, root), viaFhirpath('Reference', REF_1, ref, root), `ref-1 ${subject}`);
    assert.equal(dom3.holds(root, root, root), referenced, `dom-3 ${subject}`);
  }
  const refersBack: Obj = {
    resourceType: 'Observation',
    contained: [{ resourceType: 'Provenance', id: 'v', target: [{ reference: '#' }] }],
  };
  assert.equal(dom3.holds(refersBack, refersBack, refersBack), true, 'a contained resource referring to its container');
});

test('a non-native invariant runs through fhirpath.js; one it cannot compile is skipped, not failed', () => {
  const pat1 = compileInvariant(
    {
      key: 'pat-1',
      severity: 'error',
      human: 'pat-1',
      expression: 'name.exists() or telecom.exists() or address.exists() or organization.exists()',
    },
    'Patient.contact',
  )!;
  assert.equal(pat1.holds({ gender: 'male' }, {}, {}), false);
  assert.equal(pat1.holds({ name: { family: 'x' } }, {}, {}), true);
  assert.equal(compileInvariant({ key: 'bad-1', severity: 'error', human: 'x', expression: 'name.(' }, 'Patient'), null);
});
