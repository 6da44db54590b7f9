// Tests of the built FibroTrack FHIR package (profiles/generated): its tar contents and manifests, the fixed names
// others code against, every example valid for the server's base validator and for the profile's top-level rules,
// and the package loading into another FHIR tool (SUSHI, as a dependency of a FSH project).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ElementDefinition, FhirResource, OperationDefinition, SearchParameter, StructureDefinition, ValueSet } from 'fhir/r4.js';
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4/index.js';
import { makeR4CoreCache, runSushi } from '../profiles/build/run-sushi.js';
import { r4Definitions } from '../server/src/fhir-services.js';
import { createResourceValidator } from '../server/src/validation/resource-validator.js';

const generated = join(dirname(fileURLToPath(import.meta.url)), '..', 'profiles', 'generated');
const BASE = 'https://fhir.fibrotrack.org';
const PROFILE_IDS = [
  'fibrotrack-pain-severity',
  'fibrotrack-medication-statement',
  'fibrotrack-heart-rate',
  'fibrotrack-resting-heart-rate',
  'fibrotrack-hrv',
  'fibrotrack-oxygen-saturation',
  'fibrotrack-steps',
  'fibrotrack-daily-steps',
  'fibrotrack-sleep-duration',
  'fibrotrack-sleep-stage',
  'fibrotrack-body-weight',
  'fibrotrack-wearable-device',
];

let dir: string;
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const pkg = (name: string) => join(dir, 'package', name);
const jsonFiles = (d: string) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
    .sort();
const definitions = () => jsonFiles(generated).map((f) => readJson<FhirResource>(join(generated, f)));
const examples = () => jsonFiles(join(generated, 'examples')).map((f) => readJson<FhirResource>(join(generated, 'examples', f)));
const sd = (id: string) => readJson<StructureDefinition>(join(generated, `StructureDefinition-${id}.json`));

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'fibrotrack-package-'));
  execFileSync('tar', ['-xzf', join(generated, 'package.tgz'), '-C', dir]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('package.tgz holds package.json, .index.json and every generated file, byte for byte, with fixed times', () => {
  const listing = execFileSync('tar', ['-tzvf', join(generated, 'package.tgz'), '--utc'], { encoding: 'utf8' })
    .trim()
    .split('\n');
  assert.ok(
    listing.every((l) => l.includes('1985-10-26 08:15')),
    'every entry has the fixed mtime',
  );
  const names = listing.map((l) => l.split(/\s+/).at(-1));
  assert.deepEqual(names.slice(0, 2), ['package/package.json', 'package/.index.json']);
  assert.deepEqual(
    jsonFiles(join(dir, 'package')).filter((f) => f !== 'package.json'),
    jsonFiles(generated),
  );
  assert.deepEqual(jsonFiles(join(dir, 'package', 'example')), jsonFiles(join(generated, 'examples')));
  for (const f of jsonFiles(generated)) assert.equal(readFileSync(pkg(f), 'utf8'), readFileSync(join(generated, f), 'utf8'), f);
  for (const f of jsonFiles(join(generated, 'examples'))) {
    assert.equal(readFileSync(pkg(`example/${f}`), 'utf8'), readFileSync(join(generated, 'examples', f), 'utf8'), f);
  }
});

test('package.json names the package, its FHIR version and its one dependency', () => {
  const manifest = readJson<Record<string, unknown>>(pkg('package.json'));
  assert.equal(manifest.name, 'fibrotrack.fhir.ig');
  assert.equal(manifest.version, '0.1.0');
  assert.deepEqual(manifest.fhirVersions, ['4.0.1']);
  assert.deepEqual(manifest.dependencies, { 'hl7.fhir.r4.core': '4.0.1' });
  assert.equal(manifest.canonical, BASE);
  assert.equal(manifest.url, `${BASE}/ImplementationGuide/fibrotrack`);
  // sushi-config.yaml and build/ig-metadata.ts both state the version: every definition carries the package's.
  for (const r of definitions()) assert.equal((r as { version?: string }).version, manifest.version, `${r.resourceType}/${r.id}`);
});

test('.index.json lists each resource file once with its type, id and url', () => {
  for (const folder of ['', 'example']) {
    const index = readJson<{ 'index-version': number; files: Record<string, string>[] }>(pkg(join(folder, '.index.json')));
    assert.equal(index['index-version'], 2);
    const files = jsonFiles(join(dir, 'package', folder)).filter((f) => f !== 'package.json');
    assert.deepEqual(
      index.files.map((e) => e.filename),
      files,
      `${folder || 'package'}/.index.json`,
    );
    for (const entry of index.files) {
      const r = readJson<FhirResource & { url?: string }>(pkg(join(folder, entry.filename)));
      assert.equal(entry.resourceType, r.resourceType, entry.filename);
      assert.equal(entry.id, r.id, entry.filename);
      assert.equal(entry.url, folder ? undefined : r.url, entry.filename);
    }
  }
});

test('every fixed StructureDefinition is there at its canonical URL, with a snapshot rooted at its type', () => {
  for (const id of PROFILE_IDS) {
    const def = sd(id);
    assert.equal(def.url, `${BASE}/StructureDefinition/${id}`);
    assert.equal(def.fhirVersion, '4.0.1');
    const els = def.snapshot?.element ?? [];
    assert.ok(els.length > 10, `${id} has a snapshot`);
    assert.equal(els[0].id, def.type);
    assert.equal(new Set(els.map((e) => e.id)).size, els.length, `${id}: snapshot ids are unique`);
    for (const d of def.differential!.element)
      assert.ok(
        els.some((e) => e.id === d.id),
        `${id}: ${d.id} is in the snapshot`,
      );
  }
  const parents = Object.fromEntries(PROFILE_IDS.map((id) => [id, sd(id).baseDefinition]));
  assert.equal(parents['fibrotrack-heart-rate'], 'http://hl7.org/fhir/StructureDefinition/heartrate');
  assert.equal(parents['fibrotrack-oxygen-saturation'], 'http://hl7.org/fhir/StructureDefinition/oxygensat');
  assert.equal(parents['fibrotrack-body-weight'], 'http://hl7.org/fhir/StructureDefinition/bodyweight');
});

test('the profiles say what the guide promises: codes, units, categories, device and identifier', () => {
  const el = (id: string, elementId: string): ElementDefinition => {
    const e = sd(id).snapshot!.element.find((x) => x.id === elementId);
    assert.ok(e, `${id}: ${elementId}`);
    return e;
  };
  // value[x] narrowed to one type is `value[x]` in the snapshot, or `value[x]:valueQuantity` under an R4 profile that named it so.
  const value = (id: string, type: string, child = '') => {
    const ids = sd(id).snapshot!.element.map((e) => e.id);
    return el(
      id,
      ids.includes(`Observation.value[x]:value${type}`) ? `Observation.value[x]:value${type}${child}` : `Observation.value[x]${child}`,
    );
  };
  const unit = (id: string) => value(id, 'Quantity', '.code').fixedCode;
  assert.deepEqual(
    [
      'fibrotrack-heart-rate',
      'fibrotrack-resting-heart-rate',
      'fibrotrack-hrv',
      'fibrotrack-oxygen-saturation',
      'fibrotrack-steps',
      'fibrotrack-daily-steps',
      'fibrotrack-sleep-duration',
      'fibrotrack-body-weight',
    ].map(unit),
    ['/min', '/min', 'ms', '%', '{steps}', '/d', 'min', 'kg'],
  );
  assert.deepEqual(el('fibrotrack-steps', 'Observation.code').patternCodeableConcept, {
    coding: [{ code: '55423-8', system: 'http://loinc.org' }],
  });
  assert.equal(el('fibrotrack-oxygen-saturation', 'Observation.code.coding:PulseOxCode.code').fixedCode, '59408-5');
  assert.equal(el('fibrotrack-oxygen-saturation', 'Observation.code.coding:OxygenSatCode.code').fixedCode, '2708-6');
  assert.equal(el('fibrotrack-hrv', 'Observation.code').binding?.valueSet, `${BASE}/ValueSet/fibrotrack-hrv-code`);
  // Pain scores are {score} Quantities, so R4's value-quantity search finds them; "whole number 0-10" is ft-pain-1/ft-pain-2.
  assert.deepEqual(value('fibrotrack-pain-severity', 'Quantity').type, [{ code: 'Quantity' }]);
  assert.equal(unit('fibrotrack-pain-severity'), '{score}');
  assert.equal(value('fibrotrack-pain-severity', 'Quantity', '.system').fixedUri, 'http://unitsofmeasure.org');
  assert.equal(value('fibrotrack-pain-severity', 'Quantity', '.value').min, 1);
  assert.deepEqual(el('fibrotrack-pain-severity', 'Observation.component:interference.value[x]').type, [{ code: 'Quantity' }]);
  assert.equal(el('fibrotrack-pain-severity', 'Observation.component:interference.value[x].code').fixedCode, '{score}');
  assert.ok(el('fibrotrack-pain-severity', 'Observation').constraint?.some((c) => c.key === 'ft-pain-1' && c.severity === 'error'));
  assert.ok(
    el('fibrotrack-pain-severity', 'Observation.component:interference').constraint?.some(
      (c) => c.key === 'ft-pain-2' && c.severity === 'error',
    ),
  );
  assert.equal(el('fibrotrack-pain-severity', 'Observation.bodySite').binding?.valueSet, `${BASE}/ValueSet/fibrotrack-pain-location`);
  assert.deepEqual(el('fibrotrack-pain-severity', 'Observation.category:survey').patternCodeableConcept?.coding?.[0].code, 'survey');
  for (const id of PROFILE_IDS.filter(
    (p) => !['fibrotrack-pain-severity', 'fibrotrack-medication-statement', 'fibrotrack-wearable-device'].includes(p),
  )) {
    assert.equal(el(id, 'Observation.device').min, 1, `${id}: device required`);
    assert.deepEqual(el(id, 'Observation.device').type?.[0].targetProfile, [`${BASE}/StructureDefinition/fibrotrack-wearable-device`]);
    assert.equal(el(id, 'Observation.identifier:wearableRecord.system').fixedUri, `${BASE}/identifier/wearable-record`);
    assert.equal(el(id, 'Observation.effective[x]').min, 1, `${id}: effective required`);
  }
  for (const id of ['fibrotrack-steps', 'fibrotrack-daily-steps', 'fibrotrack-sleep-duration', 'fibrotrack-sleep-stage']) {
    assert.deepEqual(el(id, 'Observation.effective[x]').type, [{ code: 'Period' }], `${id}: effectivePeriod`);
  }
  const sleep = ['deep', 'light', 'rem', 'awake'].map(
    (s) => el('fibrotrack-sleep-duration', `Observation.component:${s}.code`).patternCodeableConcept?.coding?.[0].code,
  );
  assert.deepEqual(sleep, ['93831-6', '93830-8', '93829-0', 'sleep-awake']);
  assert.equal(el('fibrotrack-wearable-device', 'Device.identifier:wearableDevice.system').fixedUri, `${BASE}/identifier/wearable-device`);
  assert.equal(el('fibrotrack-wearable-device', 'Device.manufacturer').min, 1);
});

test('value sets are expanded: 19 WPI regions in SNOMED CT, all seven sleep stages', () => {
  const vs = (id: string) => readJson<ValueSet>(join(generated, `ValueSet-${id}.json`));
  const location = vs('fibrotrack-pain-location').expansion!;
  assert.equal(location.total, 19);
  assert.equal(new Set(location.contains!.map((c) => c.code)).size, 19);
  assert.ok(location.contains!.every((c) => c.system === 'http://snomed.info/sct' && c.display));
  assert.deepEqual(
    vs('fibrotrack-sleep-stage').expansion!.contains!.map((c) => c.code),
    ['in-bed', 'asleep', 'awake', 'light', 'deep', 'rem', 'restless'],
  );
  for (const r of definitions().filter((d): d is ValueSet => d.resourceType === 'ValueSet')) {
    assert.equal(r.expansion?.timestamp, '2026-12-01T00:00:00Z', `${r.id}: a fixed timestamp`);
    assert.ok((r.expansion?.contains?.length ?? 0) > 0, `${r.id} is expanded`);
  }
});

test('each search parameter finds its value in an example of its resource type', () => {
  const params = definitions().filter((r): r is SearchParameter => r.resourceType === 'SearchParameter');
  assert.deepEqual(params.map((p) => `${p.base.join()}.${p.code}`).sort(), ['MedicationStatement.adherence', 'Observation.body-site']);
  for (const sp of params) {
    assert.equal(sp.url, `${BASE}/SearchParameter/${sp.id}`);
    const found = examples()
      .filter((ex) => sp.base.includes(ex.resourceType))
      .flatMap((ex) => fhirpath.evaluate(ex, sp.expression!, undefined, r4Model) as { coding?: { code: string }[] }[]);
    assert.ok(
      found.some((v) => v.coding?.length),
      `${sp.code}: ${sp.expression} finds a coded value`,
    );
  }
});

test('import-wearable is an instance operation on Patient with its parameters', () => {
  const op = readJson<OperationDefinition>(join(generated, 'OperationDefinition-import-wearable.json'));
  assert.equal(op.url, `${BASE}/OperationDefinition/import-wearable`);
  assert.deepEqual([op.code, op.resource, op.instance, op.system, op.type], ['import-wearable', ['Patient'], true, false, false]);
  assert.deepEqual(
    op.parameter!.map((p) => `${p.use} ${p.name}:${p.type}`),
    ['in file:Attachment', 'in timeZone:string', 'in utcOffset:string', 'in bestEffort:boolean', 'out return:Resource'],
  );
});

test('the ImplementationGuide lists every definition and every example (with its profile)', () => {
  const ig = readJson<{
    definition: { resource: { reference: { reference: string }; exampleCanonical?: string; exampleBoolean?: boolean }[] };
  }>(join(generated, 'ImplementationGuide-fibrotrack.json'));
  const refs = ig.definition.resource.map((r) => r.reference.reference);
  const all = [...definitions(), ...examples()].filter((r) => r.resourceType !== 'ImplementationGuide');
  assert.deepEqual([...refs].sort(), all.map((r) => `${r.resourceType}/${r.id}`).sort());
  const exampleOf = new Set(ig.definition.resource.flatMap((r) => (r.exampleCanonical ? [r.exampleCanonical] : [])));
  for (const id of PROFILE_IDS) assert.ok(exampleOf.has(`${BASE}/StructureDefinition/${id}`), `an example of ${id}`);
});

test("every definition passes the server's base validation", () => {
  const validator = createResourceValidator(r4Definitions());
  for (const r of definitions()) {
    assert.deepEqual(
      validator.validate(r).filter((i) => i.severity === 'error' || i.severity === 'fatal'),
      [],
      `${r.resourceType}/${r.id}`,
    );
  }
});

test("every example passes the server's base validation and its profile's top-level cardinalities and patterns", () => {
  const validator = createResourceValidator(r4Definitions());
  for (const ex of examples()) {
    const errors = validator.validate(ex).filter((i) => i.severity === 'error' || i.severity === 'fatal');
    assert.deepEqual(errors, [], `${ex.resourceType}/${ex.id}`);
    const profile = (ex as { meta?: { profile?: string[] } }).meta?.profile?.[0];
    if (!profile) continue;
    const def = sd(profile.slice(`${BASE}/StructureDefinition/`.length));
    for (const e of def.snapshot!.element.filter((x) => x.path.split('.').length === 2 && !x.sliceName)) {
      const name = e.path.split('.')[1];
      const keys = Object.keys(ex).filter((k) => (name.endsWith('[x]') ? k.startsWith(name.slice(0, -3)) : k === name));
      const values = keys.flatMap((k) => [(ex as unknown as Record<string, unknown>)[k]].flat());
      assert.ok(values.length >= (e.min ?? 0), `${ex.id}: ${e.path} min ${e.min}`);
      if (e.max !== '*') assert.ok(values.length <= Number(e.max), `${ex.id}: ${e.path} max ${e.max}`);
      const pattern = e.patternCodeableConcept;
      if (pattern && values.length)
        assert.ok(
          values.every((v) => contains(v, pattern)),
          `${ex.id}: ${e.path} matches its pattern`,
        );
    }
  }
});

test("every example meets its profile's resource-level invariants; the FibroTrack ones reject what they should", () => {
  /** `base`: the element path the value sits at, for a value that is not a resource (an Observation.component). */
  const holds = (r: unknown, expression: string, base?: string) => {
    const out = fhirpath.evaluate(r, base ? { base, expression } : expression, { resource: r, rootResource: r }, r4Model) as unknown[];
    return out.length === 1 && out[0] === true;
  };
  const rootConstraints = (id: string) => sd(id).snapshot!.element[0].constraint ?? [];
  for (const ex of examples()) {
    const profile = (ex as { meta?: { profile?: string[] } }).meta?.profile?.[0];
    if (!profile) continue;
    for (const c of rootConstraints(profile.slice(`${BASE}/StructureDefinition/`.length)).filter((x) => x.severity === 'error')) {
      assert.ok(holds(ex, c.expression!), `${ex.id}: ${c.key} ${c.expression}`);
    }
  }
  const example = (id: string) => examples().find((e) => e.id === id) as FhirResource & Record<string, unknown>;
  const day = rootConstraints('fibrotrack-daily-steps').find((c) => c.key === 'ft-day-1')!.expression!;
  const steps = (start: string, end: string) => ({ ...example('example-daily-steps'), effectivePeriod: { start, end } });
  assert.ok(holds(steps('2026-03-29T00:00:00+01:00', '2026-03-29T23:59:59+02:00'), day), 'a 23-hour day across the DST change is one day');
  assert.ok(holds(steps('2026-10-25T00:00:00+02:00', '2026-10-25T23:59:59+01:00'), day), 'and so is a 25-hour one');
  assert.ok(!holds(steps('2026-11-30T00:00:00+01:00', '2026-12-01T23:59:59+01:00'), day), 'two days');
  assert.ok(!holds(steps('2026-11-30T00:00:00+01:00', '2026-12-01T00:00:00+01:00'), day), 'midnight to midnight takes in the next day');
  assert.ok(!holds(steps('2026-11-29T23:00:00Z', '2026-11-30T22:59:59Z'), day), 'a local day written in UTC');
  assert.ok(!holds(steps('2026-11-30T08:00:00+01:00', '2026-11-30T23:59:59+01:00'), day), 'part of a day');
  assert.ok(!holds(steps('2026-11-30T00:00:00', '2026-11-30T23:59:59'), day), 'times without offsets');
  const COMPONENT = 'Observation.component';
  const painSd = sd('fibrotrack-pain-severity').snapshot!.element;
  const score = painSd[0].constraint!.find((c) => c.key === 'ft-pain-1')!.expression!;
  const interference = painSd
    .find((e) => e.id === 'Observation.component:interference')!
    .constraint!.find((c) => c.key === 'ft-pain-2')!.expression!;
  const pain = example('example-pain-severity') as FhirResource & {
    valueQuantity: { value: number };
    component: { valueQuantity?: { value: number } }[];
  };
  const interferenceOf = (p: typeof pain) => p.component.find((c) => c.valueQuantity)!;
  assert.ok(holds(interferenceOf(pain), interference, COMPONENT), 'the example interferes 4/10');
  for (const v of [0, 6, 10]) {
    assert.ok(holds({ ...pain, valueQuantity: { ...pain.valueQuantity, value: v } }, score), `pain ${v}`);
    assert.ok(holds({ valueQuantity: { ...interferenceOf(pain).valueQuantity, value: v } }, interference, COMPONENT), `interference ${v}`);
  }
  for (const v of [6.5, 11, -1]) {
    assert.ok(!holds({ ...pain, valueQuantity: { ...pain.valueQuantity, value: v } }, score), `pain ${v} is not a score`);
    assert.ok(
      !holds({ valueQuantity: { ...interferenceOf(pain).valueQuantity, value: v } }, interference, COMPONENT),
      `interference ${v} is not a score`,
    );
  }
  const model = rootConstraints('fibrotrack-wearable-device').find((c) => c.key === 'ft-device-1')!.expression!;
  const { modelNumber: _m, deviceName: _d, ...nameless } = example('example-fitbit-charge');
  assert.ok(!holds(nameless, model), 'a device without model number or name');
  assert.ok(holds({ ...nameless, modelNumber: 'Charge 6' }, model));
});

test('another FHIR tool loads the package: a FSH project depending on it compiles against its profiles', () => {
  const project = mkdtempSync(join(tmpdir(), 'fibrotrack-consumer-'));
  try {
    writeFileSync(
      join(project, 'sushi-config.yaml'),
      [
        'canonical: https://consumer.example.org',
        'status: draft',
        'version: 1.0.0',
        'fhirVersion: 4.0.1',
        'FSHOnly: true',
        'dependencies:',
        '  fibrotrack.fhir.ig: 0.1.0',
        '',
      ].join('\n'),
    );
    mkdirSync(join(project, 'input', 'fsh'), { recursive: true });
    writeFileSync(
      join(project, 'input', 'fsh', 'consumer.fsh'),
      [
        'Profile: ClinicPainSeverity',
        'Parent: fibrotrack-pain-severity',
        'Id: clinic-pain-severity',
        '* note 1..1',
        '',
        'Instance: clinic-pain',
        'InstanceOf: ClinicPainSeverity',
        'Usage: #example',
        '* status = #final',
        '* subject = Reference(Patient/p1)',
        '* effectiveDateTime = "2026-11-30"',
        "* valueQuantity = 3 '{score}'",
        '* note.text = "after a long walk"',
        '',
      ].join('\n'),
    );
    const { resources } = runSushi(project, (home) => {
      makeR4CoreCache(home);
      const dest = join(home, '.fhir', 'packages', 'fibrotrack.fhir.ig#0.1.0');
      mkdirSync(dest, { recursive: true });
      execFileSync('tar', ['-xzf', join(generated, 'package.tgz'), '-C', dest]);
    });
    const profile = resources.find((r) => r.id === 'clinic-pain-severity') as StructureDefinition;
    assert.equal(profile.baseDefinition, `${BASE}/StructureDefinition/fibrotrack-pain-severity`);
    const code = profile.snapshot!.element.find((e) => e.id === 'Observation.code');
    assert.deepEqual(
      code?.patternCodeableConcept,
      { coding: [{ code: '72514-3', system: 'http://loinc.org' }] },
      'inherited from our snapshot',
    );
    const instance = resources.find((r) => r.id === 'clinic-pain') as FhirResource & Record<string, unknown>;
    assert.deepEqual(instance.code, { coding: [{ code: '72514-3', system: 'http://loinc.org' }] }, 'SUSHI filled in our fixed code');
    assert.equal((instance.category as { coding: { code: string }[] }[])[0].coding[0].code, 'survey', 'and our category');
    assert.deepEqual(instance.valueQuantity, { value: 3, code: '{score}', system: 'http://unitsofmeasure.org' }, 'a {score} Quantity');
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

/** FHIR pattern matching: every property of the pattern is in the value; pattern arrays match some value items. */
function contains(value: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) return Array.isArray(value) && pattern.every((p) => value.some((v) => contains(v, p)));
  if (pattern && typeof pattern === 'object') {
    return (
      !!value && typeof value === 'object' && Object.entries(pattern).every(([k, p]) => contains((value as Record<string, unknown>)[k], p))
    );
  }
  return value === pattern;
}
