// Token :in, :not-in (value sets) and :above, :below (code system hierarchies), over value sets and code
// systems stored through the API and the base R4 ones. https://hl7.org/fhir/R4/search.html#token
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
const ids: Record<string, string> = {};
const REGION = 'http://example.org/fhir/CodeSystem/pain-region';
const UPPER_VS = 'http://example.org/fhir/ValueSet/upper-body-pain';
const LOINC_VS = 'http://example.org/fhir/ValueSet/any-loinc';
const ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
let upperVsId = '';

const post = async (type: string, body: unknown) => {
  const res = await s.http.post(`/fhir/${type}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body));
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
};
const found = async (query: string) => {
  const res = await s.http.get(`/fhir/${query}`);
  assert.equal(res.status, 200, res.text);
  return (res.body.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id).sort();
};
const refused = async (query: string, mention: string) => {
  const res = await s.http.get(`/fhir/${query}`);
  assert.equal(res.status, 400, res.text);
  assert.equal(res.body.resourceType, 'OperationOutcome');
  assert.match(res.body.issue[0].diagnostics, new RegExp(mention));
};
const painAt = (region: string, system = REGION) =>
  post('Condition', {
    resourceType: 'Condition',
    subject: { display: 'a patient' },
    code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] },
    bodySite: [{ coding: [{ system, code: region }] }],
  });

before(async () => {
  s = await startTestServer();
  await post('CodeSystem', {
    resourceType: 'CodeSystem',
    url: REGION,
    status: 'active',
    content: 'complete',
    hierarchyMeaning: 'is-a',
    concept: [
      {
        code: 'body',
        concept: [
          { code: 'upper', concept: [{ code: 'shoulder-left' }, { code: 'shoulder-right' }, { code: 'neck' }] },
          { code: 'lower', concept: [{ code: 'hip-left' }, { code: 'knee-left' }] },
        ],
      },
    ],
  });
  upperVsId = await post('ValueSet', {
    resourceType: 'ValueSet',
    url: UPPER_VS,
    status: 'active',
    compose: {
      include: [{ system: REGION, filter: [{ property: 'concept', op: 'is-a', value: 'upper' }] }],
      exclude: [{ system: REGION, concept: [{ code: 'neck' }] }],
    },
  });
  await post('ValueSet', {
    resourceType: 'ValueSet',
    url: LOINC_VS,
    status: 'active',
    compose: { include: [{ system: 'http://loinc.org' }] },
  });
  ids.shoulder = await painAt('shoulder-left');
  ids.shoulderR = await painAt('shoulder-right');
  ids.neck = await painAt('neck');
  ids.upper = await painAt('upper');
  ids.hip = await painAt('hip-left');
  ids.body = await painAt('body');
  ids.otherSystem = await painAt('shoulder-left', 'http://example.org/other');
  ids.noSite = await post('Condition', {
    resourceType: 'Condition',
    subject: { display: 'a patient' },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '22253000' }] },
  });
  ids.imp = await post('Encounter', { resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: 'IMP' } });
  ids.acute = await post('Encounter', { resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: 'ACUTE' } });
  ids.amb = await post('Encounter', { resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: 'AMB' } });
  ids.notEncounterCode = await post('Encounter', {
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: ACT, code: 'ACCTRECEIVABLE' },
  });
});
after(async () => {
  await s.close();
});

test(':below matches the code and every code it subsumes, in that system only', async () => {
  assert.deepEqual(await found(`Condition?body-site:below=${REGION}|upper`), [ids.shoulder, ids.shoulderR, ids.neck, ids.upper].sort());
  assert.deepEqual(await found(`Condition?body-site:below=${REGION}|shoulder-left`), [ids.shoulder]);
  assert.deepEqual(
    await found(`Condition?body-site:below=${REGION}|body`),
    [ids.shoulder, ids.shoulderR, ids.neck, ids.upper, ids.hip, ids.body].sort(),
  );
});

test(':above matches the code and every code that subsumes it', async () => {
  assert.deepEqual(await found(`Condition?body-site:above=${REGION}|shoulder-left`), [ids.shoulder, ids.upper, ids.body].sort());
  assert.deepEqual(await found(`Condition?body-site:above=${REGION}|lower`), [ids.body]);
});

test(':in takes a value set by canonical URL, by ValueSet/id or by its URL on this server; excludes apply', async () => {
  const upper = [ids.shoulder, ids.shoulderR, ids.upper].sort();
  assert.deepEqual(await found(`Condition?body-site:in=${UPPER_VS}`), upper);
  assert.deepEqual(await found(`Condition?body-site:in=ValueSet/${upperVsId}`), upper);
  assert.deepEqual(await found(`Condition?body-site:in=http://localhost:8080/fhir/ValueSet/${upperVsId}`), upper);
});

test(':not-in matches resources with no code in the value set, including those without the element', async () => {
  assert.deepEqual(
    await found(`Condition?body-site:not-in=${UPPER_VS}`),
    [ids.neck, ids.hip, ids.body, ids.otherSystem, ids.noSite].sort(),
  );
});

test('a value set that includes a whole code system we do not hold matches every code of that system', async () => {
  const pain = [ids.shoulder, ids.shoulderR, ids.neck, ids.upper, ids.hip, ids.body, ids.otherSystem].sort();
  assert.deepEqual(await found(`Condition?code:in=${LOINC_VS}`), pain);
  assert.deepEqual(await found(`Condition?code:not-in=${LOINC_VS}`), [ids.noSite]);
});

test('base R4 value sets and hierarchical code systems work without loading anything', async () => {
  assert.deepEqual(
    await found('Encounter?class:in=http://terminology.hl7.org/ValueSet/v3-ActEncounterCode'),
    [ids.imp, ids.acute, ids.amb].sort(),
  );
  assert.deepEqual(await found(`Encounter?class:below=${ACT}|IMP`), [ids.imp, ids.acute].sort());
  assert.deepEqual(await found(`Encounter?class:above=${ACT}|ACUTE`), [ids.imp, ids.acute].sort());
});

test('comma ORs codes; the modifiers work inside chains and in conditional interactions', async () => {
  assert.deepEqual(await found(`Condition?body-site:below=${REGION}|lower,${REGION}|neck`), [ids.hip, ids.neck].sort());
  const procedure = await post('Procedure', {
    resourceType: 'Procedure',
    status: 'completed',
    subject: { display: 'a patient' },
    encounter: { reference: `Encounter/${ids.acute}` },
  });
  await post('Procedure', {
    resourceType: 'Procedure',
    status: 'completed',
    subject: { display: 'a patient' },
    encounter: { reference: `Encounter/${ids.amb}` },
  });
  assert.deepEqual(await found(`Procedure?encounter.class:below=${ACT}|IMP`), [procedure]);
  const res = await s.http.delete('/fhir/Encounter?class:not-in=http://terminology.hl7.org/ValueSet/v3-ActEncounterCode');
  assert.equal(res.status, 204, res.text);
  assert.equal((await s.http.get(`/fhir/Encounter/${ids.notEncounterCode}`)).status, 410);
  assert.equal((await s.http.get(`/fhir/Encounter/${ids.amb}`)).status, 200);
});

test('what cannot be resolved is refused with 400 naming the parameter and the reason', async () => {
  await refused('Condition?body-site:in=http://example.org/fhir/ValueSet/nope', 'body-site:in=.*not known');
  await refused('Condition?code:below=http://loinc.org|72514-3', 'code:below.*not held');
  await refused('Condition?body-site:below=upper', 'system\\|code');
  await refused(`Condition?body-site:below=${REGION}|elbow`, "'elbow' is not in code system");
  await refused('Condition?body-site:in=ValueSet/missing', 'not known');
});

test('a value set whose filter needs a code system we do not hold is refused, not guessed', async () => {
  await post('ValueSet', {
    resourceType: 'ValueSet',
    url: 'http://example.org/fhir/ValueSet/snomed-pain',
    status: 'active',
    compose: { include: [{ system: 'http://snomed.info/sct', filter: [{ property: 'concept', op: 'is-a', value: '22253000' }] }] },
  });
  await refused('Condition?code:in=http://example.org/fhir/ValueSet/snomed-pain', 'does not hold in full');
});
