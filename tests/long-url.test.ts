// What node's HTTP parser refuses before express sees it (issue 15, item 11): a 70 KB URL answered a connection
// reset or a bare 431; now 414, 431 or 400 with an OperationOutcome, through the server `fibrotrack serve` runs.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { listen, type Listening } from './support/listen.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
let server: Listening;
before(async () => {
  s = await startTestServer();
  server = await listen(s.built.app);
});
after(async () => {
  await server?.close();
  await s?.close();
});

test('a URL longer than 16 KiB is 414 with an OperationOutcome pointing to POST _search (70 KB and 1 MB)', async () => {
  for (const length of [17_000, 70_000, 1_000_000]) {
    const res = await server.fetch(`/fhir/Patient?name=${'a'.repeat(length)}`);
    assert.equal(res.status, 414, `${length} characters`);
    assert.match(res.headers.get('content-type') ?? '', /^application\/fhir\+json/);
    const body = await res.json();
    assert.equal(body.resourceType, 'OperationOutcome');
    assert.equal(body.issue[0].code, 'too-costly');
    assert.match(body.issue[0].diagnostics, /URL exceeds the 16384 bytes .* POST <type>\/_search/);
  }
  // The same search fits in a form body.
  const form = await server.fetch('/fhir/Patient/_search', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `name=${'a'.repeat(70_000)}`,
  });
  assert.equal(form.status, 200);
});

test('a URL under the limit is served', async () => {
  const res = await server.fetch(`/fhir/Patient?name=${'a'.repeat(12_000)}`);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).resourceType, 'Bundle');
});

test('headers longer than 16 KiB are 431 with an OperationOutcome', async () => {
  const res = await server.fetch('/fhir/metadata', { headers: { 'X-Padding': 'p'.repeat(20_000) } });
  assert.equal(res.status, 431);
  const body = await res.json();
  assert.equal(body.resourceType, 'OperationOutcome');
  assert.match(body.issue[0].diagnostics, /headers exceed 16384 bytes/);
});

test('a request that is not HTTP is 400 with an OperationOutcome, and the server goes on serving', async () => {
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(new URL(server.base).port), '127.0.0.1');
    let text = '';
    socket.on('data', (d) => {
      text += d.toString('utf8');
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    socket.end('GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
  });
  assert.match(raw, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(raw, /Connection: close/);
  const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
  assert.equal(body.resourceType, 'OperationOutcome');
  assert.match(body.issue[0].diagnostics, /not valid HTTP\/1\.1 \(HPE_/);
  assert.equal((await server.fetch('/fhir/metadata')).status, 200);
});
