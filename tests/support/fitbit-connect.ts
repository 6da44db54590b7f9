// Links a patient's record to the fake Fitbit as a patient would: $connect-fitbit, Fitbit's consent page (the
// fake consents at once) and the callback the browser is sent back to.
import assert from 'node:assert/strict';
import type { Parameters } from 'fhir/r4.js';
import type { TestServer } from './test-server.js';

export const FITBIT_ZONE = 'Europe/Berlin';

export interface ConnectOptions {
  /** Authorization header for $connect-fitbit (AUTH_MODE=smart). */
  bearer?: string;
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

/** The whole flow; the record is linked when it returns. */
export async function connectFitbit(s: TestServer, patientId: string, opts: ConnectOptions = {}): Promise<{ callback: string; authorizeUrl: URL }> {
  const authorizeUrl = await startConnect(s, patientId, opts);
  const callback = await consent(authorizeUrl);
  const done = await s.http.get(callback);
  assert.equal(done.status, 200, done.text);
  return { callback, authorizeUrl };
}
