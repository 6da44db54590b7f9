// Runs the test files of the given kinds (unit, int, e2e; see scripts/test-files.mjs) in one node:test run, so that
// one summary counts them all. Files run in parallel (each builds its own database and Redis key prefix):
// TEST_CONCURRENCY of them at a time, the machine's core count by default. Browser and database files start first,
// the quick unit files fill in at the end. Options go to node --test (`npm test -- --test-reporter=spec`).
// MariaDB and Redis missing: private ones for the run (scripts/test-services.mjs); Chromium missing: one message.
// Usage: node scripts/run-tests.mjs <unit|int|e2e>... [<node --test options>]
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { testFiles } from './test-files.mjs';
import { chromiumProblem, provideTestServices } from './test-services.mjs';

const args = process.argv.slice(2);
const kinds = args.filter((a) => !a.startsWith('-'));
const extra = args.filter((a) => a.startsWith('-'));
if (kinds.length === 0 || kinds.some((k) => !['unit', 'int', 'e2e'].includes(k))) {
  console.error('usage: node scripts/run-tests.mjs <unit|int|e2e>... [<node --test options>]');
  process.exit(2);
}
const order = ['e2e', 'int', 'unit'];
const files = order.filter((k) => kinds.includes(k)).flatMap((k) => testFiles(k));
const concurrency = Number(process.env.TEST_CONCURRENCY) || availableParallelism();

const noChromium = chromiumProblem(kinds);
if (noChromium) {
  console.error(noChromium);
  process.exit(1);
}
let stopServices;
try {
  stopServices = await provideTestServices(kinds);
} catch (err) {
  console.error(err.message);
  process.exit(1);
}

const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...extra, ...files], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  void stopServices().finally(() => process.exit(code ?? (signal ? 1 : 0)));
});
