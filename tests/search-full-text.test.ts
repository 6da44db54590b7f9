// Full-text search through HTTP: `:text` on token, string and reference parameters, `_content` and `_text`, kept
// current by updates and deletes, and refused (never answered empty) when there is nothing to search for.
// https://hl7.org/fhir/R4/search.html#text https://hl7.org/fhir/R4/search.html#content
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
const label = new Map<string, string>();
const ids = new Map<string, string>();
const TAG = { tag: [{ system: 'urn:test', code: 'full-text' }] };

const send = async (method: 'post' | 'put', path: string, body: Record<string, unknown>) => {
  const res = await s.http[method](`/fhir/${path}`)
    .set('Content-Type', FHIR_JSON)
    .send(JSON.stringify({ ...body, meta: TAG }));
  assert.ok(res.status === 201 || res.status === 200, res.text);
  return res.body.id as string;
};
const post = async (name: string, body: Record<string, unknown>) => {
  const id = await send('post', String(body.resourceType), body);
  label.set(id, name);
  ids.set(name, id);
};
const names = async (type: string, query: string) => {
  const res = await s.http.get(`/fhir/${type}?_tag=urn:test|full-text&${query}`);
  assert.equal(res.status, 200, `${query}: ${res.text}`);
  return (res.body.entry ?? [])
    .map((e: { resource: { id: string } }) => label.get(e.resource.id))
    .sort()
    .join(',');
};
const narrative = (html: string) => ({ status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${html}</div>` });
const condition = (display: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Condition',
  subject: { reference: 'Patient/p1', display: 'Ana Ñúñez' },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003', display }] },
  ...extra,
});

before(async () => {
  s = await startTestServer();
  await post(
    'htn',
    condition('Essential hypertension', {
      note: [{ text: 'Follow up in spring' }],
      onsetString: 'since childhood',
      recordedDate: '2024-03-05',
      identifier: [{ value: 'MRN4711' }],
    }),
  );
  await post('fibro', condition('Fibromyalgia', { text: narrative('<p>Widespread pain &amp; fatigue since <b>2019</b></p>') }));
  await post('back', {
    resourceType: 'Condition',
    subject: { reference: 'Patient/p2', display: 'Bo Lind' },
    code: { text: 'Chronic low back pain' },
  });
  await post('zoe', {
    resourceType: 'Patient',
    name: [{ family: 'Müller-Lüdenscheidt', given: ['Zoë'] }],
    address: [{ line: ['12 Rue de la Paix'], city: 'Paris' }],
  });
  await post('jon', {
    resourceType: 'Patient',
    name: [{ family: 'Smith', given: ['Jon'] }],
    address: [{ city: 'Lyon' }],
    text: narrative('Jon Smith, runner'),
  });
});
after(async () => {
  await s.close();
});

test('token :text matches any word of a coding display or CodeableConcept.text, by word prefix, ignoring case', async () => {
  assert.equal(await names('Condition', 'code:text=Hypertension'), 'htn');
  assert.equal(await names('Condition', 'code:text=HYPERT'), 'htn');
  assert.equal(await names('Condition', 'code:text=back pain'), 'back');
  assert.equal(await names('Condition', 'code:text=pain chronic'), 'back', 'word order does not matter');
  assert.equal(await names('Condition', 'code:text=pain'), 'back', 'the narrative is not the code');
  assert.equal(await names('Condition', 'code:text=fibromyalgia,hypertension'), 'fibro,htn', 'a comma is OR');
  assert.equal(await names('Condition', 'code:text=ypertension'), '', 'words match from their start');
});

test('string :text matches words of names and addresses, accents and case folded', async () => {
  assert.equal(await names('Patient', 'name:text=zoe'), 'zoe');
  assert.equal(await names('Patient', 'name:text=ludenscheidt'), 'zoe', 'a hyphen separates words');
  assert.equal(await names('Patient', 'address:text=paix'), 'zoe');
  assert.equal(await names('Patient', 'address:text=rue paix'), 'zoe');
  assert.equal(await names('Patient', 'address:text=lyon'), 'jon');
});

test('reference :text matches words of Reference.display', async () => {
  assert.equal(await names('Condition', 'subject:text=nunez'), 'fibro,htn');
  assert.equal(await names('Condition', 'subject:text=bo lind'), 'back');
});

test('_content searches every string of the resource, _text its narrative only', async () => {
  assert.equal(await names('Condition', '_content=Hypertension'), 'htn');
  assert.equal(await names('Condition', '_content=spring'), 'htn', 'a note is content');
  assert.equal(await names('Condition', '_content=pain'), 'back,fibro', 'narrative and code text are content');
  assert.equal(await names('Condition', '_text=fatigue'), 'fibro');
  assert.equal(await names('Condition', '_text=pain'), 'fibro', 'code text is not narrative');
  assert.equal(await names('Condition', '_text=2019 widespread'), 'fibro');
  assert.equal(await names('Condition', '_text=amp'), '', 'markup and character references are not words');
  assert.equal(await names('Patient', '_text=runner'), 'jon');
  assert.equal(await names('Patient', '_content=paris'), 'zoe');
  assert.equal(await names('Condition', '_content=hypertension&subject=Patient/p1'), 'htn', 'full text combines with other criteria');
});

test('_content is the text a person reads, not machine values: no resource type, code, date, id or identifier', async () => {
  assert.equal(await names('Condition', '_content=childhood'), 'htn', 'a string choice value is text');
  assert.equal(await names('Condition', '_content=ana'), 'fibro,htn', 'a reference display is text');
  assert.equal(await names('Condition', '_content=condition'), '', 'the resource type');
  assert.equal(await names('Condition', '_content=38341003'), '', 'a code');
  assert.equal(await names('Condition', '_content=2024'), '', 'a date');
  assert.equal(await names('Condition', '_content=mrn4711'), '', 'an identifier value');
  assert.equal(await names('Condition', '_content=generated'), '', 'the narrative status');
  assert.equal(await names('Condition', `_content=${ids.get('back')}`), '', 'the id');
});

test('updates and deletes change what full-text search finds', async () => {
  const id = ids.get('htn')!;
  await send('put', `Condition/${id}`, { ...condition('Migraine'), id });
  assert.equal(await names('Condition', '_content=hypertension'), '');
  assert.equal(await names('Condition', 'code:text=migraine'), 'htn');
  assert.ok([200, 204].includes((await s.http.delete(`/fhir/Condition/${id}`)).status));
  assert.equal(await names('Condition', 'code:text=migraine'), '');
});

test('a value without words, too many words or a modifier full-text does not take is refused with 400', async () => {
  for (const [query, names] of [
    ['_content=%20-%20', "'_content'"],
    ['code:text=!!', "'code:text'"],
    ['_text=a b c d e f g h i', 'at most 8 words'],
    ['_content:exact=pain', "':exact'"],
    ['_text:contains=pain', "':contains'"],
    // Checked when the query is parsed, so the message names the parameter as the client wrote it.
    ['subject:Patient.name:text=a b c d e f g h i', "'subject:Patient.name:text': at most 8 words"],
    ['_has:Observation:focus:code:text=--', "'_has:Observation:focus:code:text'"],
  ] as const) {
    const res = await s.http.get(`/fhir/Condition?${query}`);
    assert.equal(res.status, 400, `${query}: ${res.text}`);
    assert.equal(res.body.resourceType, 'OperationOutcome');
    assert.match(JSON.stringify(res.body.issue), new RegExp(names.replace(/[()]/g, '\\$&')), query);
  }
});
