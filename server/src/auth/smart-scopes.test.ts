// Unit tests for SMART scope parsing and registration checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clinicalScopes, formatScope, isResourceScope, parseClinicalScope, permits } from './smart-scopes.js';

test('v2 scopes parse with permissions in cruds order and an optional query', () => {
  const s = parseClinicalScope('patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs');
  assert.equal(s?.level, 'patient');
  assert.equal(s?.type, 'Observation');
  assert.deepEqual([...s.permissions], ['r', 's']);
  assert.equal(s?.query, 'category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs');
  assert.equal(s?.version, 2);
  assert.equal(parseClinicalScope('user/*.cruds')?.permissions.size, 5);
});

test('v1 scopes map read to rs, write to cud and * to cruds', () => {
  assert.deepEqual([...parseClinicalScope('patient/*.read')!.permissions], ['r', 's']);
  assert.deepEqual([...parseClinicalScope('user/Patient.write')!.permissions], ['c', 'u', 'd']);
  assert.equal(parseClinicalScope('system/*.*')!.permissions.size, 5);
  assert.equal(parseClinicalScope('system/*.*')!.version, 1);
});

test('malformed scopes are not clinical scopes', () => {
  for (const s of [
    'patient/Observation.sr',
    'patient/Observation.',
    'doctor/*.rs',
    'patient/observation.rs',
    'patient/*.read?x=1',
    'patient/*.rx',
  ]) {
    assert.equal(parseClinicalScope(s), undefined, s);
  }
  assert.equal(isResourceScope('launch/patient'), true);
  assert.equal(isResourceScope('openid'), false);
});

test('a registration permits narrower clinical scopes in either syntax, and other scopes only verbatim', () => {
  const reg = ['patient/*.cruds', 'user/Observation.rs', 'launch', 'openid'];
  assert.equal(permits(reg, 'patient/Observation.rs?code=http://loinc.org|72514-3'), true);
  assert.equal(permits(reg, 'patient/Patient.read'), true);
  assert.equal(permits(reg, 'user/Observation.read'), true);
  assert.equal(permits(reg, 'user/Observation.c'), false);
  assert.equal(permits(reg, 'user/Patient.rs'), false);
  assert.equal(permits(reg, 'system/*.rs'), false);
  assert.equal(permits(reg, 'launch'), true);
  assert.equal(permits(reg, 'launch/patient'), false);
  assert.equal(permits(['patient/Observation.rs?category=a'], 'patient/Observation.rs?category=b'), false);
});

const VITALS = 'http://terminology.hl7.org/CodeSystem/observation-category|vital-signs';

test('query constraints parse to percent-decoded param/value pairs; malformed ones make the scope invalid', () => {
  assert.deepEqual(parseClinicalScope(`patient/Observation.rs?category=${VITALS}`)?.constraints, [['category', VITALS]]);
  assert.deepEqual(parseClinicalScope('patient/Observation.rs?category=a%7Cb&status=final')?.constraints, [
    ['category', 'a|b'],
    ['status', 'final'],
  ]);
  assert.deepEqual(parseClinicalScope('patient/Observation.rs')?.constraints, []);
  for (const bad of [
    'patient/Observation.rs?category',
    'patient/Observation.rs?=x',
    'patient/Observation.rs?a=%E0%A4%A',
    'patient/Observation.rr',
  ]) {
    assert.equal(parseClinicalScope(bad), undefined, bad);
  }
});

test('clinicalScopes keeps resource scopes only', () => {
  const scopes = clinicalScopes(['openid', 'fhirUser', 'launch/patient', 'offline_access', 'patient/Observation.rs', 'user/Patient.read']);
  assert.deepEqual(
    scopes.map((s) => s.raw),
    ['patient/Observation.rs', 'user/Patient.read'],
  );
});

test('formatScope answers in the syntax asked, v2 when v1 has no spelling for the letters', () => {
  const v1 = parseClinicalScope('patient/Observation.read')!;
  assert.equal(formatScope(v1), 'patient/Observation.read');
  assert.equal(formatScope(v1, 2), 'patient/Observation.rs');
  assert.equal(formatScope(parseClinicalScope('patient/Observation.rs')!, 1), 'patient/Observation.read');
  assert.equal(formatScope(parseClinicalScope('user/*.cud')!, 1), 'user/*.write');
  assert.equal(formatScope({ ...v1, permissions: new Set(['r']) }), 'patient/Observation.r');
  const constrained = `patient/Observation.rs?category=${VITALS}`;
  assert.equal(formatScope(parseClinicalScope(constrained)!, 1), constrained);
  const odd = parseClinicalScope('patient/Observation.rs?code=a%26b')!;
  assert.deepEqual(parseClinicalScope(formatScope(odd))?.constraints, [['code', 'a&b']]);
});
