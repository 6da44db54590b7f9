// ValueSet/$expand, ValueSet/$validate-code, CodeSystem/$lookup, CodeSystem/$validate-code and CodeSystem/$subsumes
// through HTTP on MariaDB, over the FibroTrack IG's value sets, the base R4 terminology and stored definitions.
// https://hl7.org/fhir/R4/terminology-service.html
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Parameters, ValueSet } from 'fhir/r4.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

const IG = 'https://fhir.fibrotrack.org';
const LOCATION = `${IG}/ValueSet/fibrotrack-pain-location`;
const QUALITY_CS = `${IG}/CodeSystem/fibrotrack-pain-quality`;
const GENDER = 'http://hl7.org/fhir/administrative-gender';
const REGION = 'http://example.org/fhir/CodeSystem/pain-region';
const ANY_LOINC = 'http://example.org/fhir/ValueSet/any-loinc';

let s: TestServer;
let regionId = '';
const get = (path: string) => s.http.get(`/fhir/${path}`);
const post = (path: string, body: unknown) => s.http.post(`/fhir/${path}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body));
const params = (...parameter: Record<string, unknown>[]) => ({ resourceType: 'Parameters', parameter });
const out = (body: Parameters, name: string) => body.parameter?.filter((p) => p.name === name) ?? [];
const codes = (vs: ValueSet) => vs.expansion!.contains!.map((c) => c.code);
const refused = (
  res: { status: number; body: { resourceType?: string; issue?: { code: string; diagnostics?: string }[] }; text: string },
  status: number,
  code: string,
  mention: RegExp,
) => {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body.resourceType, 'OperationOutcome');
  assert.equal(res.body.issue![0].code, code);
  assert.match(res.body.issue![0].diagnostics ?? '', mention);
};

before(async () => {
  s = await startTestServer();
  const region = await post('CodeSystem', {
    resourceType: 'CodeSystem',
    url: REGION,
    name: 'PainRegion',
    version: '2',
    status: 'active',
    content: 'complete',
    hierarchyMeaning: 'is-a',
    concept: [
      {
        code: 'body',
        display: 'Body',
        concept: [
          {
            code: 'upper',
            display: 'Upper body',
            concept: [
              { code: 'shoulder-left', display: 'Left shoulder' },
              { code: 'neck', display: 'Neck' },
            ],
          },
          { code: 'lower', display: 'Lower body', concept: [{ code: 'knee-left', display: 'Left knee' }] },
        ],
      },
    ],
  });
  assert.equal(region.status, 201, region.text);
  regionId = region.body.id;
  assert.equal(
    (
      await post('ValueSet', {
        resourceType: 'ValueSet',
        url: ANY_LOINC,
        status: 'active',
        compose: { include: [{ system: 'http://loinc.org' }] },
      })
    ).status,
    201,
  );
});
after(() => s.close());

describe('ValueSet/$expand', () => {
  test('expands the IG value set by url, in its order with its displays, and filters and pages it', async () => {
    const all = await get(`ValueSet/$expand?url=${encodeURIComponent(LOCATION)}`);
    assert.equal(all.status, 200, all.text);
    assert.equal(all.body.resourceType, 'ValueSet');
    assert.equal(all.body.expansion.total, 19);
    assert.deepEqual(all.body.expansion.contains[0], {
      system: 'http://snomed.info/sct',
      code: '91775009',
      display: 'Structure of left shoulder region',
    });
    const shoulders = await get(`ValueSet/$expand?url=${encodeURIComponent(LOCATION)}&filter=SHOULDER`);
    assert.deepEqual(codes(shoulders.body), ['91775009', '91774008']);
    assert.equal(shoulders.body.expansion.total, 2);
    const page = await get(`ValueSet/$expand?url=${encodeURIComponent(LOCATION)}&offset=5&count=5`);
    assert.deepEqual(codes(page.body), codes(all.body).slice(5, 10));
    assert.equal(page.body.expansion.total, 19);
    assert.equal(page.body.expansion.offset, 5);
  });

  test('expands at instance level, by POST with a Parameters body, and a base R4 value set', async () => {
    const found = await get(`ValueSet?url=${encodeURIComponent(`${IG}/ValueSet/fibrotrack-pain-quality`)}`);
    const id = found.body.entry[0].resource.id;
    const quality = await get(`ValueSet/${id}/$expand`);
    assert.equal(quality.status, 200, quality.text);
    assert.deepEqual(codes(quality.body).slice(0, 2), ['aching', 'burning']);
    assert.equal(quality.body.expansion.contains[1].display, 'Burning');
    const posted = await post(`ValueSet/${id}/$expand`, params({ name: 'filter', valueString: 'ing' }, { name: 'count', valueInteger: 2 }));
    assert.deepEqual(codes(posted.body), ['aching', 'burning']);
    const gender = await get('ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/administrative-gender');
    assert.deepEqual(codes(gender.body), ['male', 'female', 'other', 'unknown']);
    assert.equal(gender.body.expansion.contains[0].display, 'Male');
  });

  test('expands a value set sent inline, with filters over a stored code system', async () => {
    const res = await post(
      'ValueSet/$expand',
      params({
        name: 'valueSet',
        resource: {
          resourceType: 'ValueSet',
          status: 'active',
          compose: {
            include: [{ system: REGION, filter: [{ property: 'concept', op: 'is-a', value: 'upper' }] }],
            exclude: [{ system: REGION, concept: [{ code: 'neck' }] }],
          },
        },
      }),
    );
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.expansion.contains, [
      { system: REGION, code: 'upper', display: 'Upper body' },
      { system: REGION, code: 'shoulder-left', display: 'Left shoulder' },
    ]);
  });

  test('refuses what it cannot list, what it does not know and what is malformed', async () => {
    refused(
      await get(`ValueSet/$expand?url=${encodeURIComponent(ANY_LOINC)}`),
      400,
      'not-supported',
      /includes all of code system http:\/\/loinc.org, which this server does not hold in full/,
    );
    refused(
      await get('ValueSet/$expand?url=http://example.org/nothing'),
      404,
      'not-found',
      /Value set http:\/\/example.org\/nothing is not known/,
    );
    refused(await get('ValueSet/no-such-id/$expand'), 404, 'not-found', /ValueSet\/no-such-id/);
    refused(await get('ValueSet/$expand'), 400, 'invalid', /needs the value set/);
    refused(await get(`ValueSet/$expand?url=${encodeURIComponent(LOCATION)}&count=ten`), 400, 'value', /count must be a whole number/);
    refused(await get(`ValueSet/$expand?url=${encodeURIComponent(LOCATION)}&banana=1`), 400, 'not-supported', /no parameter 'banana'/);
    refused(await get(`ValueSet/$expand?url=${encodeURIComponent(LOCATION)}&displayLanguage=de`), 400, 'not-supported', /displayLanguage/);
    refused(await post('ValueSet/$expand', { resourceType: 'Patient' }), 400, 'invalid', /takes a Parameters resource/);
    refused(await get(`ValueSet/$expand?url=${encodeURIComponent(LOCATION)}&count=10001`), 400, 'value', /at most 10000/);
  });

  test('a stored value set whose canonical url holds a comma is found by that url', async () => {
    const url = 'http://example.org/fhir/ValueSet/upper,lower';
    const stored = await post('ValueSet', {
      resourceType: 'ValueSet',
      url,
      status: 'active',
      compose: { include: [{ system: REGION, concept: [{ code: 'neck' }] }] },
    });
    assert.equal(stored.status, 201, stored.text);
    const res = await get(`ValueSet/$expand?url=${encodeURIComponent(url)}`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(codes(res.body), ['neck']);
    const member = await get(`ValueSet/$validate-code?url=${encodeURIComponent(url)}&system=${encodeURIComponent(REGION)}&code=neck`);
    assert.equal(out(member.body, 'result')[0].valueBoolean, true, member.text);
  });

  test('a malformed valueSet or codeSystem sent inline is refused with what is wrong, never a 500', async () => {
    const vs = (compose: unknown) => params({ name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'active', compose } });
    refused(await post('ValueSet/$expand', vs({ include: 5 })), 400, 'invalid', /include/);
    refused(await post('ValueSet/$expand', vs({})), 400, 'invalid', /include/);
    refused(
      await post('ValueSet/$validate-code', {
        ...vs({ include: [{ system: REGION, concept: 'neck' }] }),
        parameter: [
          ...vs({ include: [{ system: REGION, concept: 'neck' }] }).parameter,
          { name: 'system', valueUri: REGION },
          { name: 'code', valueCode: 'neck' },
        ],
      }),
      400,
      'invalid',
      /concept/,
    );
    const cs = (concept: unknown) =>
      params(
        { name: 'codeSystem', resource: { resourceType: 'CodeSystem', url: REGION, status: 'active', content: 'complete', concept } },
        { name: 'code', valueCode: 'neck' },
      );
    refused(await post('CodeSystem/$validate-code', cs('neck')), 400, 'invalid', /concept/);
    refused(await post('CodeSystem/$validate-code', cs([{ display: 'no code' }])), 400, 'invalid', /code/);
  });

  test('a regex filter that could backtrack without end is refused; a plain one expands', async () => {
    const regex = (value: string) =>
      params({
        name: 'valueSet',
        resource: {
          resourceType: 'ValueSet',
          status: 'active',
          compose: { include: [{ system: REGION, filter: [{ property: 'concept', op: 'regex', value }] }] },
        },
      });
    const left = await post('ValueSet/$expand', regex('.*-left'));
    assert.equal(left.status, 200, left.text);
    assert.deepEqual(codes(left.body), ['shoulder-left', 'knee-left']);
    refused(await post('ValueSet/$expand', regex('(a|a)*b')), 400, 'not-supported', /regex '\(a\|a\)\*b'.*backtrack/);
    refused(await post('ValueSet/$expand', regex('(x+x+)+y')), 400, 'not-supported', /backtrack/);
    refused(await post('ValueSet/$expand', regex(`${'[a-z]'.repeat(60)}`)), 400, 'not-supported', /longer than/);
  });

  test('an expansion of more than 10,000 codes is too costly unless paged', async () => {
    // Two stored code systems of 6,000 codes each (one resource holds at most 20,000 elements).
    for (const half of ['a', 'b']) {
      const concept = Array.from({ length: 6_000 }, (_, i) => ({ code: `${half}${i}` }));
      const res = await post('CodeSystem', {
        resourceType: 'CodeSystem',
        url: `http://example.org/big-${half}`,
        status: 'active',
        content: 'complete',
        concept,
      });
      assert.equal(res.status, 201, res.text);
    }
    const big = {
      name: 'valueSet',
      resource: {
        resourceType: 'ValueSet',
        status: 'active',
        compose: { include: [{ system: 'http://example.org/big-a' }, { system: 'http://example.org/big-b' }] },
      },
    };
    refused(await post('ValueSet/$expand', params(big)), 400, 'too-costly', /12000 codes, more than the 10000/);
    const paged = await post(
      'ValueSet/$expand',
      params(big, { name: 'offset', valueInteger: 11_999 }, { name: 'count', valueInteger: 100 }),
    );
    assert.equal(paged.status, 200, paged.text);
    assert.deepEqual(codes(paged.body), ['b5999']);
    assert.equal(paged.body.expansion.total, 12_000);
  });
});

describe('CodeSystem/$lookup and $subsumes', () => {
  test('looks up a base R4 code, and a stored one with its place in the hierarchy', async () => {
    const male = await get(`CodeSystem/$lookup?system=${GENDER}&code=male`);
    assert.equal(male.status, 200, male.text);
    assert.equal(out(male.body, 'name')[0].valueString, 'AdministrativeGender');
    assert.equal(out(male.body, 'display')[0].valueString, 'Male');
    const upper = await post(`CodeSystem/${regionId}/$lookup`, params({ name: 'code', valueCode: 'upper' }));
    assert.equal(upper.status, 200, upper.text);
    assert.equal(out(upper.body, 'version')[0].valueString, '2');
    const props = out(upper.body, 'property').map((p) => `${p.part![0].valueCode}=${p.part![1].valueCode}`);
    assert.deepEqual(props, ['parent=body', 'child=shoulder-left', 'child=neck']);
    const onlyParent = await get(`CodeSystem/$lookup?system=${REGION}&code=upper&property=parent`);
    assert.deepEqual(out(onlyParent.body, 'property').length, 1);
    const byCoding = await post('CodeSystem/$lookup', params({ name: 'coding', valueCoding: { system: QUALITY_CS, code: 'burning' } }));
    assert.equal(out(byCoding.body, 'display')[0].valueString, 'Burning');
  });

  test('LOINC and SNOMED CT are not held: refused, never guessed; unknown codes are 404', async () => {
    refused(
      await get('CodeSystem/$lookup?system=http://loinc.org&code=72514-3'),
      404,
      'not-found',
      /http:\/\/loinc.org is not held by this server.*LOINC and SNOMED CT are not/,
    );
    refused(await get('CodeSystem/$lookup?system=http://snomed.info/sct&code=45048000'), 404, 'not-found', /snomed.info\/sct is not held/);
    refused(await get(`CodeSystem/$lookup?system=${GENDER}&code=banana`), 404, 'not-found', /Code 'banana' is not in code system/);
    refused(await get(`CodeSystem/$lookup?system=${REGION}&code=neck&version=9`), 404, 'not-found', /Version 9 .* \(it holds version 2\)/);
    refused(await get('CodeSystem/$lookup?code=male'), 400, 'invalid', /needs the code system/);
    refused(
      await get(`CodeSystem/$lookup?system=${GENDER}&code=male&coding=x`),
      400,
      'invalid',
      /is a Coding: send it in a Parameters body/,
    );
    refused(
      await post(
        'CodeSystem/$lookup',
        params({ name: 'codeableConcept', valueCodeableConcept: { coding: [{ system: GENDER, code: 'male' }] } }),
      ),
      400,
      'not-supported',
      /no parameter 'codeableConcept'/,
    );
  });

  test('subsumes, subsumed-by, equivalent and not-subsumed, at type and instance level', async () => {
    const outcome = async (path: string) => {
      const res = await get(path);
      assert.equal(res.status, 200, res.text);
      return out(res.body, 'outcome')[0].valueCode;
    };
    assert.equal(await outcome(`CodeSystem/$subsumes?system=${REGION}&codeA=body&codeB=shoulder-left`), 'subsumes');
    assert.equal(await outcome(`CodeSystem/$subsumes?system=${REGION}&codeA=neck&codeB=upper`), 'subsumed-by');
    assert.equal(await outcome(`CodeSystem/${regionId}/$subsumes?codeA=neck&codeB=neck`), 'equivalent');
    assert.equal(await outcome(`CodeSystem/${regionId}/$subsumes?codeA=upper&codeB=knee-left`), 'not-subsumed');
    const coded = await post(
      'CodeSystem/$subsumes',
      params(
        { name: 'codingA', valueCoding: { system: REGION, code: 'lower' } },
        { name: 'codingB', valueCoding: { system: REGION, code: 'knee-left' } },
      ),
    );
    assert.equal(out(coded.body, 'outcome')[0].valueCode, 'subsumes');
    refused(
      await get(`CodeSystem/$subsumes?system=${REGION}&codeA=body&codeB=elbow`),
      404,
      'not-found',
      /codeB 'elbow' is not in code system/,
    );
    refused(await get('CodeSystem/$subsumes?system=http://snomed.info/sct&codeA=1&codeB=2'), 404, 'not-found', /not held/);
  });
});

describe('$validate-code', () => {
  test('ValueSet: a code in the value set, one not in it, a wrong display, a CodeableConcept', async () => {
    const vs = `ValueSet/$validate-code?url=${encodeURIComponent(LOCATION)}&system=http://snomed.info/sct`;
    const neck = await get(`${vs}&code=45048000`);
    assert.equal(neck.status, 200, neck.text);
    assert.equal(out(neck.body, 'result')[0].valueBoolean, true);
    assert.equal(out(neck.body, 'display')[0].valueString, 'Neck structure');
    const elbow = await get(`${vs}&code=127949000`);
    assert.equal(out(elbow.body, 'result')[0].valueBoolean, false);
    assert.match(out(elbow.body, 'message')[0].valueString!, /127949000 is not in value set/);
    const wrong = await get(`${vs}&code=45048000&display=Elbow`);
    assert.equal(out(wrong.body, 'result')[0].valueBoolean, false);
    assert.match(out(wrong.body, 'message')[0].valueString!, /'Elbow' is not the display .* 'Neck structure'/);
    const concept = await post(
      'ValueSet/$validate-code',
      params(
        { name: 'url', valueUri: 'http://hl7.org/fhir/ValueSet/administrative-gender' },
        {
          name: 'codeableConcept',
          valueCodeableConcept: {
            coding: [
              { system: 'http://example.org/x', code: 'm' },
              { system: GENDER, code: 'female' },
            ],
          },
        },
      ),
    );
    assert.equal(out(concept.body, 'result')[0].valueBoolean, true, concept.text);
  });

  test('ValueSet: membership in all of a code system not held cannot be checked', async () => {
    refused(
      await get(`ValueSet/$validate-code?url=${encodeURIComponent(ANY_LOINC)}&system=http://loinc.org&code=72514-3`),
      400,
      'not-supported',
      /includes all of code system http:\/\/loinc.org, which this server does not hold/,
    );
    const other = await get(`ValueSet/$validate-code?url=${encodeURIComponent(ANY_LOINC)}&system=${GENDER}&code=male`);
    assert.equal(out(other.body, 'result')[0].valueBoolean, false, 'a code of another system is simply not in it');
    refused(await get(`ValueSet/$validate-code?url=${encodeURIComponent(LOCATION)}&code=45048000`), 400, 'invalid', /needs its system/);
  });

  test('CodeSystem: by url and at instance level, a known code, an unknown one, a wrong display', async () => {
    const burning = await get(`CodeSystem/$validate-code?url=${encodeURIComponent(QUALITY_CS)}&code=burning`);
    assert.equal(burning.status, 200, burning.text);
    assert.equal(out(burning.body, 'result')[0].valueBoolean, true);
    const freezing = await get(`CodeSystem/${regionId}/$validate-code?code=freezing`);
    assert.equal(out(freezing.body, 'result')[0].valueBoolean, false);
    assert.match(out(freezing.body, 'message')[0].valueString!, /'freezing' is not in code system/);
    const display = await post(
      `CodeSystem/${regionId}/$validate-code`,
      params({ name: 'coding', valueCoding: { system: REGION, code: 'neck', display: 'Nape' } }),
    );
    assert.equal(out(display.body, 'result')[0].valueBoolean, false);
    refused(await get('CodeSystem/$validate-code?url=http://loinc.org&code=72514-3'), 404, 'not-found', /not held/);
  });
});

test('the CapabilityStatement lists the five operations on ValueSet and CodeSystem, with their OperationDefinitions', async () => {
  const cap = (await get('metadata')).body;
  const ops = (type: string) =>
    cap.rest[0].resource
      .find((r: { type: string }) => r.type === type)
      .operation.map((o: { name: string; definition: string }) => `${o.name} ${o.definition}`);
  const hl7 = 'http://hl7.org/fhir/OperationDefinition';
  for (const o of [`expand ${hl7}/ValueSet-expand`, `validate-code ${hl7}/ValueSet-validate-code`])
    assert.ok(ops('ValueSet').includes(o), o);
  for (const o of [
    `lookup ${hl7}/CodeSystem-lookup`,
    `validate-code ${hl7}/CodeSystem-validate-code`,
    `subsumes ${hl7}/CodeSystem-subsumes`,
  ])
    assert.ok(ops('CodeSystem').includes(o), o);
});
