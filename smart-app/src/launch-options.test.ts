// Launch parameters: the registered client, PKCE, the scopes of each launch, the standalone FHIR base.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertListLaunchOptions, ehrLaunchOptions, standaloneLaunchOptions } from './launch-options.js';

test('EHR launch: launch scope, read scopes confined to the patient, identity, PKCE required', () => {
  const o = ehrLaunchOptions();
  assert.equal(o.clientId, 'fibrotrack-provider-app');
  assert.equal(o.pkceMode, 'required');
  assert.equal(o.redirectUri, 'index.html');
  const scopes = o.scope.split(' ');
  for (const s of [
    'launch',
    'openid',
    'fhirUser',
    'patient/Patient.rs',
    'patient/Observation.rs',
    'patient/MedicationStatement.rs',
    'patient/MedicationRequest.rs',
    'patient/Condition.rs',
  ])
    assert.ok(scopes.includes(s), s);
  assert.ok(!scopes.includes('launch/patient'));
  // Writes: only acknowledging a pain alert (a Flag) and the app's own live-alert Subscription; nothing updates or deletes.
  assert.deepEqual(
    scopes.filter((s) => /\.[rs]*[cud]/.test(s)),
    ['patient/Flag.cs', 'patient/Subscription.crs'],
  );
  // user/ scopes reach every patient: only the signed-in user's own Practitioner record is read that way.
  assert.deepEqual(
    scopes.filter((s) => s.startsWith('user/')),
    ['user/Practitioner.rs'],
  );
});

test('after the clinician asked to record, the launch also asks for creating Observations', () => {
  assert.ok(ehrLaunchOptions(true).scope.split(' ').includes('patient/Observation.c'));
  assert.ok(standaloneLaunchOptions('http://a/app/standalone.html', true).scope.split(' ').includes('patient/Observation.c'));
  assert.ok(!standaloneLaunchOptions('http://a/app/standalone.html').scope.includes('Observation.c'));
});

test("standalone: launch/patient; iss from the query or this server's /fhir", () => {
  const own = standaloneLaunchOptions('http://127.0.0.1:9000/app/standalone.html');
  assert.equal(own.iss, 'http://127.0.0.1:9000/fhir');
  assert.ok(own.scope.split(' ').includes('launch/patient'));
  assert.ok(!own.scope.split(' ').includes('launch'));
  assert.equal(own.patientId, undefined);
  assert.equal(standaloneLaunchOptions('https://h.example/base/app/standalone.html').iss, 'https://h.example/base/fhir');
  assert.equal(
    standaloneLaunchOptions('http://a/app/standalone.html?iss=https%3A%2F%2Ffhir.example%2Fr4%2F').iss,
    'https://fhir.example/r4',
  );
  assert.equal(standaloneLaunchOptions('http://a/app/standalone.html?iss=javascript:alert(1)').iss, 'http://a/fhir');
  assert.equal(standaloneLaunchOptions('http://a/app/standalone.html?patient=p1').patientId, 'p1');
});

test('the alert list asks for user/ scopes of its own, no patient context, only when opened', () => {
  const o = alertListLaunchOptions('http://a/app/alerts.html?iss=http://b/fhir');
  assert.equal(o.iss, 'http://b/fhir');
  assert.equal(o.redirectUri, 'index.html');
  const scopes = o.scope.split(' ');
  assert.ok(!scopes.some((s) => s.startsWith('launch') || s.startsWith('patient/')));
  assert.ok(scopes.includes('user/Observation.rs') && scopes.includes('user/Flag.cs'));
  // The patient launches never ask for user/ scopes beyond the user's own record.
  assert.ok(!ehrLaunchOptions().scope.includes('user/Observation') && !ehrLaunchOptions().scope.includes('user/Flag'));
});
