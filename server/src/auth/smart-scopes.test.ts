// Unit tests for SMART scope parsing and formatting (v1 and v2, with query constraints).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ScopeSyntaxError,
  formatScope,
  hasPermission,
  isResourceScope,
  narrowScope,
  parseResourceScope,
  parseScopes,
  scopeCovers,
} from './smart-scopes.js';

const VITALS = 'http://terminology.hl7.org/CodeSystem/observation-category|vital-signs';

describe('parseResourceScope', () => {
  it('reads v2 letters in canonical order', () => {
    const s = parseResourceScope('patient/Observation.rs');
    assert.deepEqual(
      { context: s.context, type: s.type, permissions: s.permissions, constraints: s.constraints, syntax: s.syntax },
      { context: 'patient', type: 'Observation', permissions: 'rs', constraints: [], syntax: 'v2' },
    );
    assert.equal(parseResourceScope('system/*.cruds').permissions, 'cruds');
    assert.equal(parseResourceScope('user/Patient.cud').permissions, 'cud');
  });

  it('maps v1 read, write and * to v2 letters', () => {
    assert.equal(parseResourceScope('patient/Observation.read').permissions, 'rs');
    assert.equal(parseResourceScope('patient/Observation.write').permissions, 'cud');
    assert.equal(parseResourceScope('user/*.*').permissions, 'cruds');
    assert.equal(parseResourceScope('user/*.*').syntax, 'v1');
  });

  it('parses query constraints, percent-decoded, several joined by &', () => {
    assert.deepEqual(parseResourceScope(`patient/Observation.rs?category=${VITALS}`).constraints, [['category', VITALS]]);
    assert.deepEqual(parseResourceScope('patient/Observation.rs?category=a%7Cb&status=final').constraints, [
      ['category', 'a|b'],
      ['status', 'final'],
    ]);
  });

  for (const bad of [
    'patient/Observation.sr', // out of order
    'patient/Observation.rr', // repeated
    'patient/Observation.x',
    'patient/Observation.',
    'patient/observation.rs', // not a type
    'patient/Observation',
    'patient/Observation.read?category=x', // v1 has no constraints
    'patient/Observation.rs?',
    'patient/Observation.rs?category',
    'patient/Observation.rs?=x',
    'patient/Observation.rs?category=%E0%A4%A',
  ]) {
    it(`refuses ${bad}`, () => assert.throws(() => parseResourceScope(bad), ScopeSyntaxError));
  }
});

describe('parseScopes', () => {
  it('keeps resource scopes and skips identity, launch and refresh scopes', () => {
    const scopes = parseScopes('openid fhirUser launch/patient offline_access patient/Observation.rs user/Patient.read');
    assert.deepEqual(scopes.map((s) => s.raw), ['patient/Observation.rs', 'user/Patient.read']);
    assert.equal(isResourceScope('launch/patient'), false);
  });
});

describe('formatScope', () => {
  it('answers in the syntax the client asked in', () => {
    assert.equal(formatScope(parseResourceScope('patient/Observation.read')), 'patient/Observation.read');
    assert.equal(formatScope(parseResourceScope('patient/Observation.read'), 'v2'), 'patient/Observation.rs');
    assert.equal(formatScope(parseResourceScope('patient/Observation.rs'), 'v1'), 'patient/Observation.read');
    assert.equal(formatScope(parseResourceScope('patient/Observation.cruds')), 'patient/Observation.cruds');
    // No v1 form exists for `r` alone: v2 is written.
    assert.equal(formatScope({ ...parseResourceScope('patient/Observation.read'), permissions: 'r' }), 'patient/Observation.r');
  });

  it('writes constraints back so that they parse to the same values', () => {
    const raw = `patient/Observation.rs?category=${VITALS}`;
    assert.equal(formatScope(parseResourceScope(raw)), raw);
    const odd = parseResourceScope('patient/Observation.rs?code=a%26b');
    assert.deepEqual(parseResourceScope(formatScope(odd)).constraints, [['code', 'a&b']]);
  });
});

describe('hasPermission, scopeCovers, narrowScope', () => {
  it('tells letters apart', () => {
    const s = parseResourceScope('patient/Observation.rs');
    assert.equal(hasPermission(s, 'r'), true);
    assert.equal(hasPermission(s, 'c'), false);
  });

  it('covers a narrower or more constrained scope of the same context only', () => {
    const all = parseResourceScope('patient/*.read');
    assert.equal(scopeCovers(all, parseResourceScope('patient/Observation.r')), true);
    assert.equal(scopeCovers(all, parseResourceScope(`patient/Observation.rs?category=${VITALS}`)), true);
    assert.equal(scopeCovers(all, parseResourceScope('patient/Observation.c')), false);
    assert.equal(scopeCovers(all, parseResourceScope('user/Observation.r')), false);
    const vitals = parseResourceScope(`patient/Observation.rs?category=${VITALS}`);
    assert.equal(scopeCovers(vitals, parseResourceScope('patient/Observation.rs')), false);
  });

  it('narrows to the common letters, keeping the asked syntax', () => {
    const asked = parseResourceScope('patient/Observation.*');
    assert.equal(narrowScope(asked, parseResourceScope('patient/*.rs'))?.raw, 'patient/Observation.read');
    assert.equal(narrowScope(asked, parseResourceScope('patient/*.r'))?.raw, 'patient/Observation.r');
    assert.equal(narrowScope(asked, parseResourceScope('patient/Patient.rs')), undefined);
    assert.equal(narrowScope(parseResourceScope('patient/Observation.c'), parseResourceScope('patient/*.rs')), undefined);
  });
});
