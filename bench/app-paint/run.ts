// bench/app-paint: the SMART app's first meaningful paint after the token (issue 20, Speed: < 1.5 s p50 on localhost
// in Chromium, with the demo data plus a patient with minute-level heart rate). An EHR launch from /ehr/ in headless
// Chromium (playwright-core, /usr/bin/chromium, as tests/smart-app-browser.test.ts drives it) against
// `fibrotrack serve` in AUTH_MODE=smart: sign-in and consent on the first launch, remembered after. Measured in the
// app page's own timeline: from the end of the token response (the code exchange fhirclient makes in index.html, a
// Resource Timing entry) to the moment the pain chart (`svg.pain-chart`) is in the document (a performance mark set
// by a MutationObserver the benchmark adds to every page; the app's sources are not changed). Each launch is a new
// page in one browser profile, so the app's files come from the HTTP cache after the first, as for a clinician
// opening patient after patient.
// Data: `fibrotrack seed --demo` into the database, plus `--big` (a patient already there, e.g. bench/stats' `big`
// with a year of minute heart rate) given a year of daily pain scores here.
// Usage: npm run bench:app-paint -- [--runs 10] [--database fibrotrack_bench_stats_525600] [--big big] [--big-runs n]
//   [--timeout-ms 120000] [--prepared: the seed, sign-in and pain scores are there from an earlier run]
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Observation } from 'fhir/r4.js';
import mysql from 'mysql2/promise';
import type { Page } from 'playwright-core';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { launchBrowser } from '../../tests/support/browser.js';
import { freePort, startServer } from '../ingest/start-server.js';
import { args, option } from '../support/options.js';

const runs = option('runs', 10);
/** Launches of the big patient (each may take minutes while it is slow). */
const bigRuns = option('big-runs', runs);
/** How long a launch may take to paint before it counts as failed. */
const timeoutMs = option('timeout-ms', 120_000);
const text = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const database = text('database', 'fibrotrack_bench_app_paint');
const big = text('big', '');
if (!/^[a-z0-9_]+$/.test(database)) throw new Error(`--database: letters, digits and _ only; got ${database}`);
const root = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const url = `${root}/${database}`;
const BIN = fileURLToPath(new URL('../../bin/fibrotrack.js', import.meta.url));
const USERNAME = 'bench.paint';
/** Made up for the benchmark's own database. */
const PASSWORD = 'bench-paint-password';
const DAY = 86_400_000;
const MARK = 'bench:pain-chart';

const cli = (argv: string[], env: Record<string, string> = {}) =>
  execFileSync(BIN, argv, { env: { ...process.env, DATABASE_URL: url, AUTH_MODE: 'smart', ...env }, encoding: 'utf8' });

/** A year of daily pain scores for the big patient (fixed ids: a second run rewrites the same ones). */
async function painForBig(): Promise<void> {
  const app = await buildApp(loadConfig({ DATABASE_URL: url, AUTH_MODE: 'open' }));
  try {
    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    await app.ctx.repo.transaction(async (tx) => {
      for (let d = 0; d < 365; d++) {
        const o: Observation = {
          resourceType: 'Observation',
          id: `${big}-pain-${d}`,
          status: 'final',
          category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
          code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] },
          subject: { reference: `Patient/${big}` },
          effectiveDateTime: new Date(today - d * DAY + 8 * 3_600_000).toISOString(),
          valueQuantity: { value: 3 + ((d * 7) % 6), unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
        };
        await tx.write(o, await tx.readForUpdate('Observation', o.id!), 'PUT');
      }
    });
  } finally {
    await app.close();
  }
}

/** The seed (idempotent) and a practitioner sign-in of the benchmark's own. */
async function prepare(): Promise<void> {
  console.error(cli(['seed', '--demo']).trim().split('\n').slice(-3).join('\n'));
  const conn = await mysql.createConnection(url);
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    "SELECT res_id FROM resource WHERE res_type = 'Practitioner' AND deleted = 0 ORDER BY res_id LIMIT 1",
  );
  await conn.end();
  try {
    cli(
      ['user', 'add', '--username', USERNAME, '--password-env', 'BENCH_PAINT_PASSWORD', '--fhir-user', `Practitioner/${rows[0].res_id}`],
      {
        BENCH_PAINT_PASSWORD: PASSWORD,
      },
    );
  } catch (err) {
    // A second run: the user is there with the same password.
    if (!/exists/i.test(String((err as { stderr?: string }).stderr ?? err))) throw err;
  }
  if (big) await painForBig();
}

async function signInIfAsked(page: Page): Promise<void> {
  await page.locator('input[name=username]').fill(USERNAME);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('#login').click();
}

/** One EHR launch of `patient`: ms from the token response's end to the pain chart in the document. */
async function launch(page: Page, base: string, patient: string): Promise<number> {
  await page.goto(`${base}/ehr/`);
  if (/\/ehr\/login$/.test(page.url())) {
    await signInIfAsked(page);
    await page.waitForURL(/\/ehr\/$/);
  }
  await page.locator('select[name=patient]').selectOption(patient);
  await page.locator('select[name=client]').selectOption('fibrotrack-provider-app');
  await page.locator('#launch').click();
  // Sign-in and consent when the authorization server asks (the first launch), until the app's page.
  for (;;) {
    const app = page.waitForURL(/\/app\/index\.html/).then(() => 'app');
    const login = page
      .locator('input[name=username]')
      .waitFor()
      .then(() => 'login');
    const consent = page
      .locator('#approve')
      .waitFor()
      .then(() => 'consent');
    const step = await Promise.race([app, login, consent]);
    if (step === 'app') break;
    if (step === 'login') await signInIfAsked(page);
    else await page.locator('#approve').click();
    await page.waitForLoadState();
  }
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, MARK, { timeout: timeoutMs });
  return page.evaluate((mark) => {
    const token = performance.getEntriesByType('resource').find((e) => /\/auth\/token$/.test(new URL(e.name).pathname)) as
      PerformanceResourceTiming | undefined;
    if (!token) throw new Error('no token request in this page');
    return performance.getEntriesByName(mark)[0].startTime - token.responseEnd;
  }, MARK);
}

const pct = (xs: number[], p: number): number | undefined =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

if (!args.includes('--prepared')) await prepare();
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = await startServer({ DATABASE_URL: url, AUTH_MODE: 'smart', EHR_SIMULATOR: 'true', BASE_URL: base, PORT: String(port) });
const browser = await launchBrowser();
try {
  // The pain chart's arrival, marked in every page of the profile.
  await browser.context.addInitScript((mark: string) => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('svg.pain-chart')) {
        performance.mark(mark);
        observer.disconnect();
      }
    }).observe(document, { subtree: true, childList: true });
  }, MARK);
  const conn = await mysql.createConnection(url);
  const [sizes] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT r.res_id AS patient, (SELECT COUNT(*) FROM idx_reference i JOIN resource o ON o.pk = i.resource_pk AND o.deleted = 0
       WHERE i.res_type = 'Observation' AND i.param = 'subject' AND i.target_type = 'Patient' AND i.target_id = r.res_id) AS n
     FROM resource r WHERE r.res_type = 'Patient' AND r.res_id IN (?)`,
    [['demo-patient-01', ...(big ? [big] : [])]],
  );
  const [info] = await conn.query<mysql.RowDataPacket[]>('SELECT @@innodb_buffer_pool_size AS b, VERSION() AS v');
  await conn.end();
  console.log(
    `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0].model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, MariaDB ${info[0].v}, innodb_buffer_pool_size ${Number(info[0].b) / 2 ** 20} MiB, Chromium ${browser.context.browser()?.version() ?? '(persistent profile)'}; database ${database}`,
  );
  const rows: string[] = [];
  // The demo patient first: its figures stand even when the big one's launches time out.
  for (const s of [...sizes].sort((a, b) => Number(a.n) - Number(b.n))) {
    const patient = String(s.patient);
    const times: number[] = [];
    let failed = 0;
    for (let i = 0; i < (patient === big ? bigRuns : runs); i++) {
      const page = await browser.newPage();
      try {
        times.push(await launch(page, base, patient));
      } catch (err) {
        failed++;
        console.error(`${patient}: launch ${i + 1} failed: ${String(err).split('\n')[0]}`);
      }
      await page.close();
    }
    console.error(`${patient}: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
    const fmt = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(0));
    rows.push(
      `| Patient/${patient} | ${Number(s.n)} | ${times.length} (${failed} over ${timeoutMs / 1000} s) | ${fmt(times[0])} | ${fmt(pct(times, 0.5))} | ${fmt(pct(times, 0.99))} |`,
    );
  }
  console.log(
    [
      '| patient | its Observations | launches painted (failed) | first launch ms | p50 ms | p99 ms |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
  );
  if (browser.problems.length > 0) console.error(`problems seen in the browser:\n${browser.problems.join('\n')}`);
} finally {
  await browser.close();
  await server.stop();
}
process.exit(0);
