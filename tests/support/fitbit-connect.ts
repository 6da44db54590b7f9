// Links a patient's record to the fake Fitbit as a patient would: $connect-fitbit, Fitbit's consent page (the
// fake consents at once), the callback the browser is sent back to, and the confirmation on its page.
import assert from 'node:assert/strict';
import type { Parameters } from 'fhir/r4.js';
import type { TestServer } from './test-server.js';

export const FITBIT_ZONE = 'Europe/Berlin';

export interface ConnectOptions {
  /** Authorization header for $connect-fitbit (AUTH_MODE=smart). */
  bearer?: string;
  /** AUTH_MODE=smart: who confirms the link on the callback's page. */
  user?: { username: string; password: string };
}

/** $connect-fitbit's authorizeUrl. */
export async function startConnect(s: TestServer, patientId: string, opts: ConnectOptions = {}): Promise<URL> {
  const req = s.http.post(`/fhir/Patient/${patientId}/$connect-fitbit?timeZone=${FITBIT_ZONE}`);
  if (opts.bearer) req.set('Authorization', `Bearer ${opts.bearer}`);
  const res = await req;
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return new URL((res.body as Parameters).parameter!.find((p) => p.name === 'authorizeUrl')!.valueUri!);
}

/** Fitbit's consent: the path and query of the callback Fitbit sends the browser to. */
export async function consent(authorizeUrl: URL): Promise<string> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  assert.equal(res.status, 302);
  const back = new URL(res.headers.get('location')!);
  return `${back.pathname}${back.search}`;
}

/** The confirmation id on the callback's page. */
export function confirmationOf(html: string): string {
  const m = /name="confirmation" value="([^"]+)"/.exec(html);
  assert.ok(m, html);
  return m[1];
}

/** The form the callback's page posts. */
export function confirm(s: TestServer, confirmation: string, user?: { username: string; password: string }) {
  return s.http
    .post('/wearables/fitbit/confirm')
    .type('form')
    .send({ confirmation, ...(user ?? {}) });
}

/** The whole flow; the record is linked when it returns. */
export async function connectFitbit(
  s: TestServer,
  patientId: string,
  opts: ConnectOptions = {},
): Promise<{ callback: string; authorizeUrl: URL }> {
  const authorizeUrl = await startConnect(s, patientId, opts);
  const callback = await consent(authorizeUrl);
  const page = await s.http.get(callback);
  assert.equal(page.status, 200, page.text);
  const done = await confirm(s, confirmationOf(page.text), opts.user);
  assert.equal(done.status, 200, done.text);
  assert.match(done.text, /Fitbit connected/);
  return { callback, authorizeUrl };
}

/** A Fitbit link or unlink AuditEvent as the tests read it. */
export interface FitbitAudit {
  subtype: { code: string }[];
  outcomeDesc?: string;
  entity?: { what?: { reference?: string } }[];
  agent: { who?: { reference?: string } }[];
}

/** The AuditEvents whose content matches `like` (SQL LIKE), oldest first; they are written in batches, within a second. */
export async function fitbitAudits(s: TestServer, like: string): Promise<FitbitAudit[]> {
  await new Promise((r) => setTimeout(r, 600));
  const rows = await s.sql<{ content: string }[]>(
    "SELECT h.content FROM resource_history h WHERE h.res_type = 'AuditEvent' AND h.content LIKE ? ORDER BY h.seq",
    [like],
  );
  return rows.map((r) => JSON.parse(r.content) as FitbitAudit);
}
