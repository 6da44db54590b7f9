// Seeded generators of hostile and odd inputs for the fuzz test: search values per parameter type, control
// parameters and resource bodies. Deterministic for a seed, so a failure is reproduced with FUZZ_SEED.
import { seededRandom } from '../../server/src/core/seeded-random.js';

export { seededRandom };

export class Picker {
  constructor(readonly rnd: () => number) {}
  int(max: number): number {
    return Math.floor(this.rnd() * max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  times<T>(n: number, f: () => T): T[] {
    return Array.from({ length: n }, f);
  }
}

const NUMBERS = [
  '1e309',
  '-1e309',
  '1e400',
  '1e-400',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '0x10',
  '0b1',
  '.5',
  '5.',
  '1,2',
  ' 3',
  '9'.repeat(400),
  '0.' + '0'.repeat(300) + '1',
  '1e+308',
  '5',
  '72',
  '-3.25',
  '1E5',
  '+1',
  '--1',
  '1e',
  'e5',
  '',
];
const PREFIXES = ['', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap', 'xx', 'GT'];
const DATES = [
  '2026-02-30',
  '2024-02-29',
  '2023-02-29',
  '2026-13-01',
  '2026-00-10',
  '2026-04-31',
  '2026-01-01T25:00:00Z',
  '2026-01-01T23:59:60Z',
  '2026-01-01T23:60:00Z',
  '2026-01-01T10:00:00+15:00',
  '2026-01-01T10:00:00-14:00',
  '0000-01-01',
  '9999-12-31T23:59:59.999999999Z',
  '-2026',
  '2026-1-1',
  'T',
  '',
  '2026',
  '2026-06',
  '2026-06-01T10:00',
  '2026-06-01T10:00:00',
  '2026-06-01T10:00:00.1234567890123Z',
  '1e309',
  '2026-06-01T10:00:00Z/2026',
  '99999-01-01',
];
const TOKENS = [
  'a|b',
  '|',
  '||',
  '|||',
  'http://loinc.org|',
  '|72514-3',
  'http://loinc.org|72514-3',
  'x'.repeat(5000),
  '%00',
  '\u0000',
  'é|ü',
  '\ud83d\ude00',
  "'; DROP TABLE resource; --",
  '\\',
  '"',
  'a,b,c',
  ',',
  ',,,',
  'true',
  'ab%c',
];
const STRINGS = ['', 'a', '%', '_', "'", '\\', '"', 'Ω', 'x'.repeat(3000), 'smith', "O'Brien", '\ud800', '%_%', '*'];
const REFERENCES = [
  'Patient/',
  'Patient/p1',
  'Patient/p1/_history/2',
  'http://evil.example/Patient/p1',
  'urn:uuid:1',
  '../x',
  'p1',
  'Patient/' + 'a'.repeat(200),
  'Unknown/1',
  '/',
  'Patient//1',
  'http://localhost:8080/fhir/Patient/p1',
];
const QUANTITIES = [
  '5|http://unitsofmeasure.org|mg',
  '5||',
  '1e309|x|y',
  'ap5',
  '5|http://unitsofmeasure.org|',
  '5||mm[Hg]',
  'gt1e309||',
  '7|http://unitsofmeasure.org|{score}',
  '5|a|b|c',
  '|',
  'lt-1e400',
];
const URIS = ['http://a', 'not a uri', 'http://' + 'a'.repeat(4000), 'urn:oid:1.2', '', 'https://fhir.fibrotrack.org/x'];
const MODIFIERS = [
  '',
  '',
  '',
  ':missing',
  ':exact',
  ':contains',
  ':text',
  ':not',
  ':above',
  ':below',
  ':in',
  ':not-in',
  ':of-type',
  ':identifier',
  ':Patient',
  ':bogus',
  ':',
  '::',
];

/** A value for a search parameter of the given FHIR search type. */
export function searchValue(p: Picker, type: string): string {
  const prefix = () => p.pick(PREFIXES);
  // Half the values are plausible, so that requests get past parsing into SQL with the other parameters' odd values.
  if (p.chance(0.5)) return plausibleValue(p, type, prefix);
  switch (type) {
    case 'number':
      return prefix() + p.pick(NUMBERS);
    case 'date':
      return prefix() + p.pick(DATES);
    case 'quantity':
      return p.chance(0.5) ? prefix() + p.pick(NUMBERS) : p.pick(QUANTITIES);
    case 'token':
      return p.pick(TOKENS);
    case 'string':
      return p.pick(STRINGS);
    case 'reference':
      return p.pick(REFERENCES);
    case 'uri':
      return p.pick(URIS);
    case 'composite':
      return `${p.pick(TOKENS)}$${prefix()}${p.pick([...NUMBERS, ...DATES, ...TOKENS])}`;
    default:
      return p.pick([...STRINGS, ...TOKENS, ...NUMBERS]);
  }
}

function plausibleValue(p: Picker, type: string, prefix: () => string): string {
  switch (type) {
    case 'number':
      return prefix() + p.pick(['5', '0.25', '-1', '1e3', '100000000000000000000']);
    case 'date':
      return prefix() + p.pick(['2026-03-10', '2026', '2026-03', '2026-03-10T08:00:00Z', '2026-03-10T08:00:00.123+02:00']);
    case 'quantity':
      return prefix() + p.pick(['5', '5|http://unitsofmeasure.org|{score}', '5||{score}', '0.5|http://unitsofmeasure.org|g']);
    case 'token':
      return p.pick(['http://loinc.org|72514-3', '72514-3', 'final', 'female', 'true', 'http://x|']);
    case 'string':
      return p.pick(['Fuzz', 'ann', 'fuzz1', 'A']);
    case 'reference':
      return p.pick(['Patient/x', 'x', 'Practitioner/1']);
    case 'uri':
      return p.pick(['http://loinc.org', 'https://fhir.fibrotrack.org/StructureDefinition/x']);
    case 'composite':
      return `http://loinc.org|72514-3$${prefix()}${p.pick(['5', '2026-03-10', 'x|y'])}`;
    default:
      return 'x';
  }
}

export function modifier(p: Picker): string {
  return p.chance(0.6) ? '' : p.pick(MODIFIERS);
}

/** OR-lists, repeated parameters and empty values around a value generator. */
export function listOf(p: Picker, value: () => string): string {
  // Long OR-lists of short values; a long value now and then makes an over-long URL (414), not every time.
  if (p.chance(0.1))
    return p
      .times(1 + p.int(400), () => {
        const v = value();
        return v.length > 40 && p.chance(0.9) ? v.slice(0, 8) : v;
      })
      .join(',');
  if (p.chance(0.2)) return `${value()},${value()}`;
  return value();
}

export function countValue(p: Picker): string {
  return p.pick(['-1', '0', '1', '10', '1000', '1e9', 'abc', '99999999999999999999', '1.5', '', '0x10', '1e309', ' 5']);
}

/** Chains (`subject:Patient.name`) and reverse chains (`_has:...`) of random depth. */
export function chainKey(p: Picker, params: string[]): string {
  const depth = 1 + p.int(p.chance(0.1) ? 30 : 4);
  const links = p.times(depth, () => p.pick(['subject', 'patient', 'subject:Patient', 'organization', 'general-practitioner', 'bogus']));
  return `${links.join('.')}.${p.pick(params)}`;
}

export function hasKey(p: Picker): string {
  const depth = 1 + p.int(p.chance(0.1) ? 20 : 3);
  return (
    p.times(depth, () => `_has:${p.pick(['Observation', 'Condition', 'Bogus'])}:${p.pick(['patient', 'subject', 'x'])}`).join(':') +
    `:${p.pick(['code', 'status', 'value-quantity', ''])}`
  );
}

/** Resource bodies that must be refused or stored, never a 5xx. Returned as raw bytes. */
export function hostileBody(p: Picker, patientId: string): { type: string; body: Buffer } {
  const kind = p.int(9);
  const json = (type: string, v: unknown) => ({ type, body: Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)) });
  switch (kind) {
    case 0: {
      // deep nesting through extensions or arbitrary objects
      // Built as text: JSON.stringify itself overflows the stack on the deepest of these.
      const depth = p.pick([10, 60, 200, 600, 2000, 20000]);
      const open = '{"url":"http://x","extension":['.repeat(depth);
      const close = ']}'.repeat(depth);
      return json('Patient', `{"resourceType":"Patient","extension":[${open}{"url":"http://x","valueString":"leaf"}${close}]}`);
    }
    case 1: {
      // huge or odd numbers as raw JSON text
      const n = p.pick(['1e309', '-1e309', '1e400', '123456789012345678901234567890', '1e-400', '-0', '0.1e-999']);
      return json(
        'Observation',
        `{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/${patientId}"},"valueQuantity":{"value":${n}}}`,
      );
    }
    case 2: // impossible dates and times
      return json('Patient', {
        resourceType: 'Patient',
        birthDate: p.pick(DATES.filter((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || p.chance(0.5))),
      });
    case 3: {
      // bad UTF-8 bytes inside a string
      const head = Buffer.from('{"resourceType":"Patient","name":[{"family":"');
      const bad = p.pick([
        [0xc3, 0x28],
        [0xff, 0xfe],
        [0xed, 0xa0, 0x80],
        [0xf8, 0x88, 0x80, 0x80, 0x80],
        [0xe2, 0x82],
        [0xc0, 0xaf],
      ]);
      return { type: 'Patient', body: Buffer.concat([head, Buffer.from(bad), Buffer.from('"}]}')]) };
    }
    case 4: // lone surrogates as escapes, in values and keys
      return json(
        'Patient',
        p.pick([
          '{"resourceType":"Patient","name":[{"family":"\\ud800"}]}',
          '{"resourceType":"Patient","name":[{"family":"a\\udc00b"}]}',
          '{"resourceType":"Patient","\\ud800":1}',
        ]),
      );
    case 5: // prototype keys
      return json(
        'Patient',
        p.pick([
          '{"resourceType":"Patient","__proto__":{"polluted":1}}',
          '{"resourceType":"Patient","constructor":{"prototype":{"polluted":1}}}',
          '{"resourceType":"Patient","name":[{"__proto__":{"polluted":1},"family":"x"}]}',
          '{"resourceType":"Patient","meta":{"__proto__":{"versionId":"9"}}}',
        ]),
      );
    case 6: {
      // big arrays and many elements
      const n = p.pick([1000, 50_000, 300_000]);
      return json('Patient', { resourceType: 'Patient', name: [{ given: Array.from({ length: n }, (_, i) => `g${i}`) }] });
    }
    case 7: // wrong shapes
      return json(
        p.pick(['Patient', 'Observation']),
        p.pick([
          '[]',
          'null',
          '"Patient"',
          '{"resourceType":"Patient","name":"x"}',
          '{"resourceType":"Patient","name":[null]}',
          '{"resourceType":"Patient","birthDate":19700101}',
          '{"resourceType":"Observation"}',
          '{"resourceType":"Patient","id":"../x"}',
          '{"resourceType":"Patient","resourceType":"Observation"}',
          '{"resourceType":"Patient","active":"true"}',
          '{}',
        ]),
      );
    default: {
      // a long string value
      return json('Patient', { resourceType: 'Patient', name: [{ family: 'x'.repeat(p.pick([10, 100_000, 1_000_000])) }] });
    }
  }
}
