// Drives a Bulk Data export as a client does: kick-off, status polling, manifest, file downloads.
import assert from 'node:assert/strict';
import type { Resource } from 'fhir/r4.js';
import type { TestServer } from './test-server.js';

export interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  error: unknown[];
}

/** The path below the FHIR base of a URL the server gave (Content-Location, manifest urls). */
export const fhirPath = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');

const auth = (token?: string): Record<string, string> => (token ? { Authorization: `Bearer ${token}` } : {});

export async function kickOff(server: TestServer, path: string, opts: { token?: string; body?: unknown } = {}): Promise<string> {
  const req =
    opts.body === undefined
      ? server.http.get(`/fhir/${path}`)
      : server.http
          .post(`/fhir/${path}`)
          .send(opts.body as object)
          .set('Content-Type', 'application/fhir+json');
  const res = await req.set({ Prefer: 'respond-async', Accept: 'application/fhir+json', ...auth(opts.token) });
  assert.equal(res.status, 202, `kick-off ${path}: ${res.status} ${res.text}`);
  assert.ok(res.headers['content-location'], 'Content-Location');
  return res.headers['content-location'];
}

/** Polls the status URL until the manifest (200) or a failure; asserts the in-progress answers on the way. */
export async function manifestOf(server: TestServer, statusUrl: string, token?: string): Promise<Manifest> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await server.http.get(fhirPath(statusUrl)).set({ Accept: 'application/json', ...auth(token) });
    if (res.status === 200) return JSON.parse(res.text) as Manifest;
    assert.equal(res.status, 202, `status: ${res.status} ${res.text}`);
    assert.ok(res.headers['x-progress'], 'X-Progress while running');
    assert.ok(Number(res.headers['retry-after']) > 0, 'Retry-After while running');
    assert.ok(Date.now() < deadline, 'the export did not finish within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function download(server: TestServer, url: string, token?: string): Promise<Resource[]> {
  const res = await server.http
    .get(fhirPath(url))
    .set({ Accept: 'application/fhir+ndjson', ...auth(token) })
    .buffer(true)
    .parse((r, cb) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (text += c));
      r.on('end', () => cb(null, text));
    });
  assert.equal(res.status, 200, `download ${url}: ${res.status} ${res.body}`);
  assert.match(res.headers['content-type'], /application\/fhir\+ndjson/);
  return String(res.body)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Resource);
}

/** Every resource of the manifest's files, by type; checks each file's count. */
export async function downloadAll(server: TestServer, manifest: Manifest, token?: string): Promise<Map<string, Resource[]>> {
  const out = new Map<string, Resource[]>();
  for (const f of manifest.output) {
    const resources = await download(server, f.url, token);
    assert.equal(resources.length, f.count, `count of ${f.url}`);
    for (const r of resources) assert.equal(r.resourceType, f.type);
    out.set(f.type, [...(out.get(f.type) ?? []), ...resources]);
  }
  return out;
}

export const idsOf = (resources: Resource[] | undefined) => (resources ?? []).map((r) => r.id!).sort();
