// Unit tests for the AuditEvent builders: valid R4, the codes auditors search by, and no credentials.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadR4Definitions } from '../definitions/r4-definitions.js';
import { createResourceValidator } from '../validation/resource-validator.js';
import { authorizationAuditEvent, patientsIn, redactCredentials, restAuditEvent } from './audit-event.js';

const validator = createResourceValidator(loadR4Definitions());
const errors = (r: unknown) => validator.validate(r, 'AuditEvent').filter((i) => i.severity === 'error' || i.severity === 'fatal');
const who = { clientId: 'diary', fhirUser: 'Patient/a', subject: 'acct-1', patient: 'a', address: '10.0.0.1' };

describe('restAuditEvent', () => {
  it('builds a valid R4 AuditEvent for a read, naming client, user, patient and resource', () => {
    const e = restAuditEvent({ who, interactions: ['read'], status: 200, resources: ['Observation/1'], patients: ['Patient/a'] });
    assert.deepEqual(errors(e), []);
    assert.equal(e.type.code, 'rest');
    assert.equal(e.action, 'R');
    assert.equal(e.outcome, '0');
    assert.equal(e.agent.find((a) => a.requestor)?.who?.reference, 'Patient/a');
    assert.equal(e.agent.find((a) => !a.requestor)?.who?.identifier?.value, 'diary');
    assert.deepEqual(
      e.entity?.map((x) => x.what?.reference),
      ['Patient/a', 'Observation/1'],
    );
  });

  it('builds queries as DCM 110112 with the query text, leaving out credential-like parameters', () => {
    const params = new URLSearchParams('code=x&access_token=abc&client_secret=def&_count=5');
    const e = restAuditEvent({
      who,
      interactions: ['search-type'],
      status: 200,
      resources: [],
      patients: [],
      query: { path: 'Observation', params },
    });
    assert.deepEqual(errors(e), []);
    assert.equal(e.type.code, '110112');
    const q = e.entity!.find((x) => x.role?.code === '24')!;
    assert.equal(Buffer.from(q.query!, 'base64').toString(), 'Observation?code=x&_count=5');
  });

  it('maps statuses to outcomes 0, 4 and 8 and keeps why a request failed', () => {
    const at = (status: number) =>
      restAuditEvent({ who: {}, interactions: ['create'], status, resources: [], patients: [], diagnostics: 'no scope' });
    assert.equal(at(201).outcome, '0');
    assert.equal(at(201).outcomeDesc, undefined);
    assert.equal(at(403).outcome, '4');
    assert.equal(at(403).outcomeDesc, 'no scope');
    assert.equal(at(500).outcome, '8');
    assert.equal(at(403).action, 'C');
    assert.deepEqual(errors(at(403)), []);
    assert.equal(at(401).agent[0].who?.display, 'unauthenticated client');
  });
});

describe('authorizationAuditEvent', () => {
  it('builds a valid Login event and redacts anything shaped like a token', () => {
    const e = authorizationAuditEvent({
      event: 'authorization.error',
      dicom: '110122',
      who,
      success: false,
      diagnostics: 'invalid_grant: code eyJhbGciOiJSUzI1NiJ9abcdefghijklmnop is invalid',
    });
    assert.deepEqual(errors(e), []);
    assert.equal(e.type.code, '110114');
    assert.deepEqual(
      e.subtype?.map((s) => s.code),
      ['110122', 'authorization.error'],
    );
    assert.equal(e.outcome, '4');
    assert.equal(e.outcomeDesc, 'invalid_grant: code [redacted] is invalid');
    assert.equal(redactCredentials('invalid_client'), 'invalid_client');
  });
});

describe('patientsIn', () => {
  it('finds the Patient itself and every Patient referenced, relative, absolute local or versioned', () => {
    const base = 'http://localhost:8080/fhir';
    const obs = {
      resourceType: 'Observation',
      id: 'o',
      subject: { reference: `${base}/Patient/a` },
      performer: [
        { reference: 'Patient/b/_history/2' },
        { reference: 'Practitioner/p' },
        { reference: 'http://elsewhere.org/fhir/Patient/x' },
      ],
      focus: [{ reference: 'Patient/a' }],
    };
    assert.deepEqual(patientsIn(obs, base).sort(), ['a', 'b']);
    const linked = { resourceType: 'Patient', id: 'c', link: [{ other: { reference: 'Patient/d' } }] };
    assert.deepEqual(patientsIn(linked, base), ['c', 'd']);
  });
});
