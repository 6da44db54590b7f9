// bench/validate: validations per second, one core, for a FibroTrack pain Observation and a Synthea Patient.
// Each mode beside the JSON-schema-only check in the same run (the ratio is the figure to compare).
// Usage: npm run bench:validate [-- --seconds 1 --rounds 5]
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { readConformanceFiles } from '../../server/src/conformance/conformance-files.js';
import { loadR4Definitions } from '../../server/src/definitions/r4-definitions.js';
import { createConformanceRegistry } from '../../server/src/validation/conformance-registry.js';
import { createResourceValidator, type ValidateOptions } from '../../server/src/validation/resource-validator.js';
import { createSchemaValidator } from '../../server/src/validation/schema-validator.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 1);
const ROUNDS = arg('rounds', 5);
const WARMUP = 3000;

const json = (url: URL) => JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
const pain = json(new URL('../../profiles/generated/examples/Observation-example-pain-severity.json', import.meta.url));
const patient = json(new URL('./synthea-patient.json', import.meta.url));

const defs = loadR4Definitions();
const registry = createConformanceRegistry(defs);
registry.add(readConformanceFiles(new URL('../../profiles/generated', import.meta.url).pathname).resources);
const validator = createResourceValidator(defs, registry);
const schema = createSchemaValidator();

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

/**
 * Median validations per CPU second (this process's own CPU time, one thread) over ROUNDS rounds of SECONDS each:
 * on a machine shared with other work, wall-clock time would measure the others too.
 */
function measure(fn: () => unknown[]): number {
  for (let i = 0; i < WARMUP; i++) fn();
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let n = 0;
    const start = process.cpuUsage();
    while (cpuSeconds(start) < SECONDS) {
      for (let i = 0; i < 100; i++) fn();
      n += 100;
    }
    rates.push(n / cpuSeconds(start));
  }
  return rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)];
}

const claimed = (r: Record<string, unknown>) => (r.meta as { profile?: string[] } | undefined)?.profile ?? [];
const modes: [string, (r: Record<string, unknown>) => unknown[]][] = [
  ['JSON schema only (baseline)', (r) => schema(r)],
  ['base: schema + base StructureDefinition, errors only', (r) => validator.validate(r, undefined, { errorsOnly: true })],
  // What a write does: the base check, then the FibroTrack profiles it claims, errors only (validate-write.ts).
  [
    'write: base + claimed profiles, errors only',
    (r) => [
      ...validator.validate(r, undefined, { errorsOnly: true }),
      ...validator.validate(r, undefined, { profiles: claimed(r), errorsOnly: true, base: false } satisfies ValidateOptions),
    ],
  ],
  ['$validate: base + claimed profiles, all severities', (r) => validator.validate(r, undefined, { claimed: true })],
];

const errorsIn = (r: Record<string, unknown>) => validator.validate(r, undefined, { claimed: true }).filter((i) => i.severity === 'error');
for (const [name, r] of [
  ['pain', pain],
  ['patient', patient],
] as const) {
  if (errorsIn(r).length > 0) throw new Error(`the ${name} resource is not valid: ${JSON.stringify(errorsIn(r))}`);
}

console.log(
  `${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node ${process.version}, validations per CPU second, median of ${ROUNDS} x ${SECONDS} CPU s\n`,
);
console.log('| resource | validation | validations per CPU second | ratio to schema only |');
console.log('| --- | --- | --- | --- |');
const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);
const patientLabel = `Synthea Patient (${count(patient.extension)} extensions, ${count(patient.identifier)} identifiers, narrative)`;
for (const [label, r] of [
  ['pain Observation (claims fibrotrack-pain-severity, 2 components)', pain],
  [patientLabel, patient],
] as const) {
  let baseline = 0;
  for (const [mode, fn] of modes) {
    const rate = measure(() => fn(r));
    baseline ||= rate;
    console.log(`| ${label} | ${mode} | ${Math.round(rate).toLocaleString('en-US')} | ${(rate / baseline).toFixed(2)} |`);
  }
}
