// The planner asks the terminology for the codes behind :in / :not-in / :above / :below and returns a new request
// carrying them; the parsed request is left as it was. Runs on the base R4 terminology (nothing stored through the API).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutcomeError } from '../core/outcomes.js';
import { loadR4Definitions } from '../definitions/r4-definitions.js';
import { hasCode } from '../fhir-values/code-set.js';
import { createTerminology } from '../terminology/terminology.js';
import { parseSearch } from './parse-search.js';
import { resolveCodes } from './resolve-codes.js';
import type { ParamCriterion } from './search-request.js';

const defs = loadR4Definitions();
const nothingStored = { search: () => Promise.resolve({ items: [] }), read: () => Promise.resolve(undefined) };
const terminology = createTerminology(nothingStored, defs, 'http://localhost:8080/fhir');
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

test(':below stands for the code and its descendants; the parsed request keeps no codes', async () => {
  const parsed = parseSearch('Encounter', new URLSearchParams({ 'class:below': `${ACT_CODE}|IMP` }), defs);
  const resolved = await resolveCodes(parsed, terminology);
  assert.notEqual(resolved, parsed);
  const [codes] = (resolved.criteria[0] as ParamCriterion).codeSets!;
  assert.ok(hasCode(codes, ACT_CODE, 'IMP') && hasCode(codes, ACT_CODE, 'ACUTE'));
  assert.ok(!hasCode(codes, ACT_CODE, 'AMB'));
  assert.equal((parsed.criteria[0] as ParamCriterion).codeSets, undefined);
});

test('codes are resolved inside _has, and the parsed criterion is not touched', async () => {
  const parsed = parseSearch('Patient', new URLSearchParams({ '_has:Encounter:patient:class:above': `${ACT_CODE}|ACUTE` }), defs);
  const resolved = await resolveCodes(parsed, terminology);
  const inner = (c: (typeof parsed.criteria)[0]) => (c.kind === 'has' ? (c.criterion as ParamCriterion) : undefined);
  assert.ok(hasCode(inner(resolved.criteria[0])!.codeSets![0], ACT_CODE, 'IMP'));
  assert.equal(inner(parsed.criteria[0])!.codeSets, undefined);
});

test('a request without terminology modifiers comes back as it is', async () => {
  const parsed = parseSearch('Encounter', new URLSearchParams({ class: `${ACT_CODE}|IMP` }), defs);
  assert.equal(await resolveCodes(parsed, terminology), parsed);
});

test('a code system the server does not hold is a 400 naming the parameter as written', async () => {
  const parsed = parseSearch('Observation', new URLSearchParams({ 'code:below': 'http://example.org/no-such-system|x' }), defs);
  await assert.rejects(
    resolveCodes(parsed, terminology),
    (err: unknown) =>
      err instanceof OutcomeError &&
      err.status === 400 &&
      /code:below=http:\/\/example.org\/no-such-system\|x: code system .* is not held/.test(err.message),
  );
});
