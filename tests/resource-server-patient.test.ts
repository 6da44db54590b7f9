// patient/ scopes confine every interaction to the context patient's compartment: read, search, includes,
// chains, _has, history, $lastn, batch and transaction entries, and writes. Real tokens, AUTH_MODE=smart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle } from 'fhir/r4.js';
import { as, assertForbidden, assertHidden, ids, startFixture, type Fixture } from './resource-server-fixture.js';

describe('patient/ scopes: the context patient only', () => {
  let f: Fixture;
  let alpha: ReturnType<typeof as>;
  let system: ReturnType<typeof as>;

  before(async () => {
    f = await startFixture();
    const token = await f.patientToken('a', 'patient/*.cruds');
    assert.equal(token.patient, 'a');
    alpha = as(f.server, token.access_token);
    system = as(f.server, f.system);
  });
  after(() => f.server.close());

  it("reads the own record; another patient's answers as an unknown id", async () => {
    assert.equal((await alpha.get('Observation/oa1')).status, 200);
    assert.equal((await alpha.get('Patient/a')).status, 200);
    assertHidden(await alpha.get('Observation/ob1'), await alpha.get('Observation/nx1'), 'ob1', 'nx1');
    assertHidden(await alpha.get('Patient/b'), await alpha.get('Patient/x'), 'b', 'x');
    assertHidden(await alpha.get('Observation/ob1/_history/1'), await alpha.get('Observation/nx1/_history/1'), 'ob1', 'nx1');
  });

  it("reads shared resources (in no patient's compartment) and other types by the patients they reference", async () => {
    assert.equal((await alpha.get('Medication/med1')).status, 200);
    for (const [id, who] of [
      ['dev-a', 'a'],
      ['dev-b', 'b'],
    ]) {
      assert.equal(
        (await system.put(`Device/${id}`, { resourceType: 'Device', id, patient: { reference: `Patient/${who}` } })).status,
        201,
      );
    }
    assert.equal((await alpha.get('Device/dev-a')).status, 200);
    assertHidden(await alpha.get('Device/dev-b'), await alpha.get('Device/dev-x'), 'dev-b', 'dev-x');
    const devices = await alpha.get('Device?_total=accurate');
    assert.deepEqual(ids(devices), ['Device/dev-a']);
    assert.equal((devices.body as Bundle).total, 1, "the total counts the patient's devices only");
    const firstPage = await alpha.get('Device?_total=accurate&_count=1');
    assert.equal((firstPage.body as Bundle).total, undefined, "a total SQL counted over every patient's devices is left out");
  });

  it("searches only within the compartment, ANDed with the client's criteria", async () => {
    assert.deepEqual(ids(await alpha.get('Observation')), ['Observation/oa1', 'Observation/oa2', 'Observation/oa3']);
    assert.deepEqual(ids(await alpha.get('Observation?subject=Patient/b')), []);
    assert.deepEqual(ids(await alpha.get('Observation?category=vital-signs')), ['Observation/oa1', 'Observation/oa3']);
    assert.deepEqual(ids(await alpha.get('Patient')), ['Patient/a']);
    assert.deepEqual(ids(await alpha.get('Patient?_id=b')), []);
    const counted = await alpha.get('Observation?_total=accurate&_count=1');
    assert.equal((counted.body as Bundle).total, 3);
  });

  it('keeps includes and revincludes to what the token may read', async () => {
    // oa3's performer is Patient/b: the include is dropped.
    assert.deepEqual(ids(await alpha.get('Observation?_id=oa3&_include=Observation:performer')), ['Observation/oa3']);
    assert.deepEqual(ids(await system.get('Observation?_id=oa3&_include=Observation:performer')), ['Observation/oa3', 'Patient/b']);
    // ob2 (b's) has Patient/a as its focus: the revinclude is dropped.
    assert.deepEqual(ids(await alpha.get('Patient?_id=a&_revinclude=Observation:focus')), ['Patient/a']);
    assert.deepEqual(ids(await system.get('Patient?_id=a&_revinclude=Observation:focus')), ['Observation/ob2', 'Patient/a']);
    assert.deepEqual(ids(await alpha.get('Patient?_revinclude=Observation:subject')), [
      'Observation/oa1',
      'Observation/oa2',
      'Observation/oa3',
      'Patient/a',
    ]);
  });

  it('confines chained and _has searches', async () => {
    assert.deepEqual(ids(await alpha.get('Observation?subject:Patient.name=Bravo')), []);
    assert.deepEqual(ids(await alpha.get('Observation?subject:Patient.name=Alpha')), [
      'Observation/oa1',
      'Observation/oa2',
      'Observation/oa3',
    ]);
    assert.deepEqual(ids(await alpha.get('Patient?_has:Observation:subject:category=vital-signs')), ['Patient/a']);
    assert.deepEqual(ids(await system.get('Patient?_has:Observation:subject:category=vital-signs')), ['Patient/a', 'Patient/b']);
    // oa3 (a's) references Patient/b as performer: the chain may not test b's name through it.
    assert.deepEqual(ids(await alpha.get('Observation?performer:Patient.name=Bravo')), []);
    assert.deepEqual(ids(await system.get('Observation?performer:Patient.name=Bravo')), ['Observation/oa3']);
    // ob2 (b's) has Patient/a as focus: _has may not look at it.
    assert.deepEqual(ids(await alpha.get('Patient?_has:Observation:focus:category=laboratory')), []);
    assert.deepEqual(ids(await system.get('Patient?_has:Observation:focus:category=laboratory')), ['Patient/a']);
    // Nested: a's Observations whose subject is a Patient having a's vital signs.
    assert.deepEqual(
      ids(await alpha.get('Observation?category=laboratory&subject:Patient._has:Observation:subject:category=vital-signs')),
      ['Observation/oa2'],
    );
  });

  it('refuses compartment searches and instance operations on another patient', async () => {
    assert.deepEqual(ids(await alpha.get('Patient/a/Observation')), ['Observation/oa1', 'Observation/oa2', 'Observation/oa3']);
    assertForbidden(await alpha.get('Patient/b/Observation'), /Patient\/b is another patient's record/);
    const upload = await alpha.post('Patient/b/$import-wearable', {});
    assertForbidden(upload, /Patient\/b is another patient's record/);
    // Into the own record the operation runs (and finds this body is no wearable export).
    const own = await alpha.post('Patient/a/$import-wearable', {});
    assert.equal(own.status, 400, own.text);
    assert.equal(
      (await alpha.post('Observation/$validate', { resourceType: 'Observation', status: 'final', code: { text: 'x' } })).status,
      200,
    );
    assertHidden(await alpha.get('Observation/ob1/$validate'), await alpha.get('Observation/nx1/$validate'), 'ob1', 'nx1');
  });

  it('filters history to the own record', async () => {
    assertHidden(await alpha.get('Observation/ob1/_history'), await alpha.get('Observation/nx1/_history'), 'ob1', 'nx1');
    assert.deepEqual(ids(await alpha.get('Observation/oa1/_history')), ['Observation/oa1']);
    assert.deepEqual(ids(await alpha.get('Observation/_history')), ['Observation/oa1', 'Observation/oa2', 'Observation/oa3']);
    const all = ids(await alpha.get('_history?_count=100'));
    assert.ok(!all.includes('Observation/ob1') && !all.includes('Patient/b') && !all.includes('Observation/ob2'), all.join());
    assert.ok(all.includes('Observation/oa1') && all.includes('Medication/med1'), all.join());
    // Deletions show to whom the deleted version was visible.
    for (const [id, who] of [
      ['del-a', 'a'],
      ['del-b', 'b'],
    ]) {
      assert.equal(
        (
          await system.put(`Observation/${id}`, {
            resourceType: 'Observation',
            id,
            status: 'final',
            code: { text: 'gone' },
            subject: { reference: `Patient/${who}` },
          })
        ).status,
        201,
      );
      assert.equal((await system.delete(`Observation/${id}`)).status, 204);
    }
    const deletions = ((await alpha.get('Observation/_history?_count=100')).body as Bundle)
      .entry!.filter((e) => e.request?.method === 'DELETE')
      .map((e) => e.request!.url);
    assert.deepEqual(deletions, ['Observation/del-a']);
  });

  it('answers $lastn from the own record only', async () => {
    assert.deepEqual(ids(await alpha.get('Observation/$lastn?patient=b&category=vital-signs')), []);
    assert.deepEqual(ids(await alpha.get('Observation/$lastn?patient=a&category=vital-signs&max=5')), [
      'Observation/oa1',
      'Observation/oa3',
    ]);
  });

  it('authorizes batch entries one by one', async () => {
    const res = await alpha.post('', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [{ request: { method: 'GET', url: 'Observation/oa1' } }, { request: { method: 'GET', url: 'Observation/ob1' } }],
    });
    assert.equal(res.status, 200);
    const entries = (res.body as Bundle).entry!;
    assert.equal(entries[0].response?.status, '200 OK');
    assert.equal(entries[1].response?.status, '404');
    assert.equal(entries[1].response?.outcome?.resourceType, 'OperationOutcome');
  });

  it('refuses a transaction with an entry into another record, storing nothing', async () => {
    const res = await alpha.post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:1',
          resource: { resourceType: 'Observation', status: 'final', code: { text: 'mine' }, subject: { reference: 'Patient/a' } },
          request: { method: 'POST', url: 'Observation' },
        },
        {
          fullUrl: 'urn:uuid:2',
          resource: { resourceType: 'Observation', status: 'final', code: { text: 'theirs' }, subject: { reference: 'Patient/b' } },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    });
    assertForbidden(res, /Bundle\.entry\[1\].*outside Patient\/a's record/);
    assert.deepEqual(ids(await system.get('Observation?code:text=mine')), []);
  });

  it("creates in the own record but not in another's", async () => {
    const mine = await alpha.post('Observation', {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'pain' },
      subject: { reference: 'Patient/a' },
    });
    assert.equal(mine.status, 201, mine.text);
    assertForbidden(
      await alpha.post('Observation', {
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'intrusion' },
        subject: { reference: 'Patient/b' },
      }),
      /outside Patient\/a's record/,
    );
    assertForbidden(await alpha.post('Medication', { resourceType: 'Medication', code: { text: 'x' } }), /Medication/);
    assert.deepEqual(ids(await system.get('Observation?code:text=intrusion')), []);
  });

  it('checks updates, patches and deletes before and after', async () => {
    const ob1 = (await system.get('Observation/ob1')).body as { meta: { versionId: string } };
    // Another patient's resource as stored:
    assertForbidden(
      await alpha.put('Observation/ob1', {
        resourceType: 'Observation',
        id: 'ob1',
        status: 'final',
        code: { text: 'x' },
        subject: { reference: 'Patient/a' },
      }),
      /as stored/,
    );
    assertForbidden(await alpha.patch('Observation/ob1', [{ op: 'replace', path: '/status', value: 'amended' }]), /as stored/);
    assertForbidden(await alpha.delete('Observation/ob1'), /Observation\/ob1/);
    // If-Match does not tell another patient's version either.
    assertForbidden(
      await alpha
        .put('Observation/ob1', {
          resourceType: 'Observation',
          id: 'ob1',
          status: 'final',
          code: { text: 'x' },
          subject: { reference: 'Patient/b' },
        })
        .set('If-Match', 'W/"99"'),
      /as stored/,
    );
    // The own resource moved into another record:
    assertForbidden(
      await alpha.put('Observation/oa2', {
        resourceType: 'Observation',
        id: 'oa2',
        status: 'final',
        code: { text: 'x' },
        subject: { reference: 'Patient/b' },
      }),
      /as it would be written/,
    );
    assertForbidden(
      await alpha.patch('Observation/oa2', [{ op: 'replace', path: '/subject/reference', value: 'Patient/b' }]),
      /as it would be written/,
    );
    // Update-as-create into another record:
    assertForbidden(
      await alpha.put('Observation/new-b', {
        resourceType: 'Observation',
        id: 'new-b',
        status: 'final',
        code: { text: 'x' },
        subject: { reference: 'Patient/b' },
      }),
      /created by this update/,
    );
    // Nothing changed:
    assert.equal(((await system.get('Observation/ob1')).body as { meta: { versionId: string } }).meta.versionId, ob1.meta.versionId);
    assert.equal(((await system.get('Observation/oa2')).body as { subject: { reference: string } }).subject.reference, 'Patient/a');
    assert.equal((await system.get('Observation/new-b')).status, 404);
    // And the own record stays writable:
    assert.equal((await alpha.patch('Observation/oa2', [{ op: 'replace', path: '/status', value: 'amended' }])).status, 200);
  });
});
