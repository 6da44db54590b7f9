// The EHR's side, end to end: an EHR using fhir-kit-client against a listening server (AUTH_MODE=smart, exports in a
// real Azurite) discovers the token endpoint, gets a SMART Backend Services token, runs a Group $export, downloads
// every file, checks each exported resource against what the API returns for it (and that nothing is missing or
// extra), then pulls one patient's IPS $summary and pages through its $everything.
// https://hl7.org/fhir/uv/bulkdata/export.html, https://hl7.org/fhir/smart-app-launch/backend-services.html,
// https://hl7.org/fhir/uv/ips/, https://hl7.org/fhir/R4/patient-operation-everything.html
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { after, before, test } from 'node:test';
import { Client, type FhirResource as KitResource } from 'fhir-kit-client';
import type { Bundle, Composition, FhirResource, Resource } from 'fhir/r4.js';
import { createHttpServer } from '../server/src/http/http-server.js';
import { startAzurite, type Azurite } from './support/azurite.js';
import { clientAssertion, createResource, registerBackendClient } from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  error: unknown[];
}

let azurite: Azurite;
let server: TestServer;
let http: Server;
let base: string;
const ids: Record<string, string> = {};
/** Every resource written for each patient (their compartment), as `Type/id`. */
const compartment: Record<string, string[]> = { ann: [], bob: [], cat: [] };

const key = (r: Resource) => `${r.resourceType}/${r.id}`;
const ref = (r: string) => ({ reference: r });

before(async () => {
  azurite = await startAzurite();
  // The server's BASE_URL must be the address the EHR reaches it at (Content-Location, manifest and paging URLs,
  // the token endpoint's audience): take a free port first, then build the app for it and listen there.
  http = createHttpServer((req, res) => {
    server.built.app(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  server = await startTestServer({
    AUTH_MODE: 'smart',
    BASE_URL: base,
    BLOB_CONNECTION_STRING: azurite.connectionString,
    BLOB_CONTAINER: 'ehr-e2e',
    EXPORT_FILE_MAX_BYTES: '1500',
    EXPORT_SETTLE_MS: '100',
    EXPORT_POLL_MS: '200',
  });

  // Fixtures, written in-process: what the clinic recorded before the EHR came to pull it.
  const put = async (name: string, resource: FhirResource, patient?: string) => {
    ids[name] = await createResource(server, resource);
    if (patient) compartment[patient].push(`${resource.resourceType}/${ids[name]}`);
    return ids[name];
  };
  await put('org', { resourceType: 'Organization', name: 'Fibromyalgia clinic' });
  await put('pr', { resourceType: 'Practitioner', name: [{ family: 'Rheum', given: ['Rita'] }] });
  await put('med', {
    resourceType: 'Medication',
    code: {
      coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '596926', display: 'duloxetine 30 MG' }],
      text: 'duloxetine 30 mg',
    },
  });
  for (const p of ['ann', 'bob', 'cat']) {
    const patient = `Patient/${await put(p, { resourceType: 'Patient', name: [{ family: p.toUpperCase(), given: [p] }], gender: 'female', birthDate: '1980-04-02', managingOrganization: ref(`Organization/${ids.org}`) }, p)}`;
    await put(
      `${p}-fibro`,
      {
        resourceType: 'Condition',
        subject: ref(patient),
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
        code: { coding: [{ system: 'http://snomed.info/sct', code: '203082005', display: 'Fibromyalgia' }], text: 'Fibromyalgia' },
      },
      p,
    );
    await put(
      `${p}-ms`,
      {
        resourceType: 'MedicationStatement',
        status: 'active',
        subject: ref(patient),
        medicationReference: ref(`Medication/${ids.med}`),
        effectiveDateTime: '2026-01-05',
      },
      p,
    );
    await put(
      `${p}-allergy`,
      {
        resourceType: 'AllergyIntolerance',
        patient: ref(patient),
        code: { text: 'penicillin' },
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
      },
      p,
    );
    for (let day = 1; day <= 8; day++) {
      await put(
        `${p}-pain${day}`,
        {
          resourceType: 'Observation',
          status: 'final',
          subject: ref(patient),
          performer: [ref(`Practitioner/${ids.pr}`)],
          category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
          code: {
            coding: [
              { system: 'http://loinc.org', code: '72514-3', display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported' },
            ],
          },
          effectiveDateTime: `2026-02-0${day}T08:00:00Z`,
          valueInteger: day % 10,
        },
        p,
      );
    }
  }
  // The Group is in its members' compartments too (R4 compartment definition: Group.member).
  await put(
    'group',
    {
      resourceType: 'Group',
      type: 'person',
      actual: true,
      name: 'Pain clinic cohort',
      member: [{ entity: ref(`Patient/${ids.ann}`) }, { entity: ref(`Patient/${ids.bob}`) }],
    },
    'ann',
  );
  compartment.bob.push(`Group/${ids.group}`);
});

after(async () => {
  if (http)
    await new Promise<void>((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    });
  await server?.close();
  await azurite?.stop();
});

/** The HTTP response behind a fhir-kit-client result (status and headers the library does not surface otherwise). */
const responseOf = (result: unknown) => Client.httpFor(result as KitResource).response!;

/** A Bundle the client returned (its own resource type is a loose record). */
const asBundle = (result: unknown) => result as Bundle;

/** Every resource of a searchset or $everything, following `next` links with the client's pagination. */
async function allPages(ehr: Client, first: unknown): Promise<Resource[]> {
  const out: Resource[] = [];
  for (let page: Bundle | undefined = asBundle(first); page; page = asBundle(await ehr.nextPage({ bundle: page as never }))) {
    out.push(...(page.entry ?? []).map((e) => e.resource!).filter((r) => r.resourceType !== 'OperationOutcome'));
  }
  return out;
}

test('an EHR with fhir-kit-client: Backend Services token, Group export from Azurite checked resource for resource, then $summary and $everything', async () => {
  // Registration is an operator's act (`fibrotrack client register`), done here as the CLI does.
  const { client: registered, key: jwk } = await registerBackendClient(server, 'system/*.rs');
  const ehr = new Client({ baseUrl: `${base}/fhir` });

  // Discovery and token. fhir-kit-client finds the token endpoint but has no client_credentials grant (it leaves
  // OAuth to the application), so the token request is a plain fetch with a private_key_jwt assertion.
  const { tokenUrl } = await ehr.smartAuthMetadata();
  assert.equal(tokenUrl?.href, `${base}/auth/token`);
  const tokenRes = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion(registered.clientId, jwk, { claims: { aud: tokenUrl.href } }),
      scope: 'system/*.rs',
    }),
  });
  assert.equal(tokenRes.status, 200, await tokenRes.clone().text());
  const token = ((await tokenRes.json()) as { access_token: string }).access_token;
  ehr.bearerToken = token;

  // Kick-off through the library: its operation() sends our Prefer header and keeps the 202's headers reachable.
  const kickOff = await ehr.operation({
    resourceType: 'Group',
    id: ids.group,
    name: '$export',
    method: 'GET',
    options: { headers: { Prefer: 'respond-async' } },
  });
  assert.equal(responseOf(kickOff).status, 202);
  const statusUrl = responseOf(kickOff).headers.get('content-location') ?? '';
  assert.ok(statusUrl.startsWith(`${base}/fhir/$export/`), `Content-Location: ${statusUrl}`);

  // Status polling through the library's raw request(), waiting as Retry-After asks.
  let manifest: Manifest | undefined;
  for (const deadline = Date.now() + 30_000; !manifest;) {
    const status = await ehr.request(statusUrl, { options: { headers: { Accept: 'application/json' } } });
    const res = responseOf(status);
    if (res.status === 200) manifest = status as unknown as Manifest;
    else {
      assert.equal(res.status, 202);
      assert.ok(res.headers.get('x-progress'));
      assert.ok(Date.now() < deadline, 'the export did not finish within 30 s');
      await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after')) * 1000));
    }
  }
  assert.equal(manifest.requiresAccessToken, true);
  assert.equal(manifest.request, `${base}/fhir/Group/${ids.group}/$export`);
  assert.deepEqual(manifest.error, []);
  assert.ok(manifest.output.filter((f) => f.type === 'Observation').length > 1, 'the Observations are split over several files');

  // Downloads: plain fetch, as ndjson is not one JSON document (fhir-kit-client parses every body as JSON).
  const exported = new Map<string, Resource>();
  for (const file of manifest.output) {
    assert.ok(file.url.startsWith(`${base}/fhir/$export/`), file.url);
    const res = await fetch(file.url, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/fhir+ndjson' } });
    assert.equal(res.status, 200, file.url);
    assert.match(res.headers.get('content-type') ?? '', /^application\/fhir\+ndjson/);
    const lines = (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Resource);
    assert.equal(lines.length, file.count, `count of ${file.url}`);
    for (const r of lines) {
      assert.equal(r.resourceType, file.type);
      assert.ok(!exported.has(key(r)), `${key(r)} exported once`);
      exported.set(key(r), r);
    }
  }
  assert.equal((await fetch(manifest.output[0].url)).status, 401, 'a file needs the token (requiresAccessToken)');

  // Exactly the members' compartments: Ann's and Bob's, nothing of Cat's (not a member) nor outside a compartment.
  assert.deepEqual([...exported.keys()].sort(), [...new Set([...compartment.ann, ...compartment.bob])].sort());
  // Resource for resource, the export holds what the API returns for it (as of transactionTime: nothing changed since).
  for (const [k, r] of exported) {
    const [resourceType, id] = k.split('/');
    assert.deepEqual(await ehr.read({ resourceType, id }), r, k);
  }
  // And what the API finds in each member's compartment is what was exported.
  for (const p of ['ann', 'bob']) {
    for (const type of ['Observation', 'Condition', 'MedicationStatement', 'AllergyIntolerance']) {
      const found = await allPages(
        ehr,
        await ehr.compartmentSearch({
          resourceType: type,
          compartment: { resourceType: 'Patient', id: ids[p] },
          searchParams: { _count: 3 },
        }),
      );
      assert.deepEqual(
        found.map(key).sort(),
        [...exported.keys()].filter((k) => k.startsWith(`${type}/`) && compartment[p].includes(k)).sort(),
        `${p} ${type}`,
      );
      for (const r of found) assert.deepEqual(r, exported.get(key(r)));
    }
  }

  // Ann's IPS summary: a document whose Composition names her, with her problem, medication and allergy.
  const summary = asBundle(await ehr.operation({ resourceType: 'Patient', id: ids.ann, name: '$summary', method: 'GET' }));
  assert.equal(summary.resourceType, 'Bundle');
  assert.equal(summary.type, 'document');
  const composition = summary.entry![0].resource as Composition;
  assert.equal(composition.type.coding?.[0].code, '60591-5');
  const inDocument = (fullUrl?: string) => summary.entry!.find((e) => e.fullUrl === fullUrl)?.resource;
  assert.equal(inDocument(composition.subject?.reference)?.id, ids.ann);
  const sectionKeys = (code: string) =>
    (composition.section?.find((s) => s.code?.coding?.[0].code === code)?.entry ?? []).map((e) => key(inDocument(e.reference)!));
  assert.deepEqual(sectionKeys('11450-4'), [`Condition/${ids['ann-fibro']}`]);
  assert.deepEqual(sectionKeys('10160-0'), [`MedicationStatement/${ids['ann-ms']}`]);
  assert.deepEqual(sectionKeys('48765-2'), [`AllergyIntolerance/${ids['ann-allergy']}`]);
  for (const e of summary.entry!.slice(1)) {
    const k = key(e.resource!);
    assert.ok(!compartment.bob.includes(k) && !compartment.cat.includes(k), `${k}: nothing of another patient's`);
  }

  // Ann's $everything, paged: her compartment (as exported) and what it refers to, each once.
  const everything = await allPages(
    ehr,
    await ehr.operation({ resourceType: 'Patient', id: ids.ann, name: '$everything', method: 'GET', input: { _count: 4 } }),
  );
  const keys = everything.map(key);
  assert.equal(new Set(keys).size, keys.length, 'no resource twice across pages');
  assert.deepEqual(keys.sort(), [...compartment.ann, `Organization/${ids.org}`, `Practitioner/${ids.pr}`, `Medication/${ids.med}`].sort());
  for (const r of everything) if (exported.has(key(r))) assert.deepEqual(r, exported.get(key(r)), key(r));
});
