// Every official R4 example (hl7.fhir.r4.examples@4.0.1) validates with zero errors against the base R4
// StructureDefinitions and the R4 profiles it claims (vital signs...), except the catalogued defective ones,
// each of which is refused. Runs the validator directly, without a server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadR4Definitions } from '../server/src/definitions/r4-definitions.js';
import { createResourceValidator } from '../server/src/validation/resource-validator.js';
import { DEFECTIVE_EXAMPLES, exampleFiles, readExample } from './support/official-examples.js';

const validator = createResourceValidator(loadR4Definitions());

test('all official R4 examples validate with zero errors, except the catalogued defective ones', () => {
  const files = exampleFiles();
  assert.ok(files.length > 5000, `${files.length} files`);
  const unexpected: string[] = [];
  for (const file of files) {
    const errors = validator
      .validate(readExample(file), undefined, { claimed: true })
      .filter((i) => i.severity === 'error' || i.severity === 'fatal');
    if (DEFECTIVE_EXAMPLES[file]) assert.ok(errors.length > 0, `${file} is refused: ${DEFECTIVE_EXAMPLES[file]}`);
    else if (errors.length > 0) unexpected.push(`${file}: ${errors.map((e) => e.diagnostics).join('; ')}`);
  }
  assert.deepEqual(unexpected, []);
});

test('examples claiming an R4 profile are checked against it', () => {
  const hr = readExample<Record<string, any>>('Observation-heart-rate.json');
  assert.deepEqual(hr.meta.profile, ['http://hl7.org/fhir/StructureDefinition/vitalsigns']);
  const noCategory = { ...hr, category: [{ text: 'vitals' }] };
  const errors = validator.validate(noCategory, undefined, { claimed: true }).filter((i) => i.severity === 'error');
  assert.deepEqual(
    errors.map((i) => [i.code, i.expression?.[0]]),
    [['required', 'Observation.category']],
  );
  assert.deepEqual(
    validator.validate(noCategory).filter((i) => i.severity === 'error'),
    [],
    'the base definition alone allows it',
  );
});
