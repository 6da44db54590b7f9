// Binary content for tests: a real PNG and a real PDF, and the document round trip every blob store must pass
// (raw upload, DocumentReference linking both by attachment.url, both read back byte-identical).
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import type { Binary, DocumentReference } from 'fhir/r4.js';
import type { Response } from 'supertest';
import type { TestServer } from './test-server.js';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf: Buffer) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type: string, data: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

/** A valid RGB PNG of `size` x `size` noisy pixels (hardly compressible: about 3 * size^2 bytes). */
export function png(size: number, seed = 1): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  let x = seed;
  const rows = Buffer.alloc(size * (1 + size * 3));
  for (let i = 0; i < rows.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    rows[i] = i % (1 + size * 3) === 0 ? 0 : x >>> 24;
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A one-page PDF whose text is `lines` lines of a pain diary. */
export function pdf(lines: number): Buffer {
  const text = Array.from({ length: lines }, (_, i) => `(Day ${i + 1}: pain 4/10, slept 6h) Tj T*`).join('\n');
  const stream = `BT /F1 10 Tf 12 TL 40 800 Td\n${text}\nET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream)} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Supertest parser that keeps the body as bytes, whatever its type. */
export const bytes = (res: Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

type Http = TestServer['http'];
type Auth = Record<string, string>;

/** GET of a Binary (by its URL under /fhir) as its raw bytes. */
export async function rawGet(http: Http, path: string, headers: Auth = {}, accept = '*/*'): Promise<Response & { body: Buffer }> {
  return await http
    .get(`/fhir/${path}`)
    .set({ ...headers, Accept: accept })
    .buffer(true)
    .parse(bytes);
}

/**
 * A patient's pain diagram (PNG) and diary (PDF) uploaded raw as Binaries, linked from one DocumentReference, read
 * back by following each attachment.url: byte-identical, with their content types, as JSON (base64) and raw.
 */
export async function documentRoundTrip(http: Http, patientId: string, headers: Auth = {}): Promise<{ pngId: string; pdfId: string }> {
  const files = [
    { type: 'image/png', body: png(120, 7), title: 'Pain diagram' },
    { type: 'application/pdf', body: pdf(400), title: 'Pain diary' },
  ];
  const ids: string[] = [];
  for (const f of files) {
    const res = await http
      .post('/fhir/Binary')
      .set({ ...headers, 'Content-Type': f.type, 'X-Security-Context': `Patient/${patientId}` })
      .send(f.body);
    assert.equal(res.status, 201, res.text);
    const created = res.body as Binary;
    assert.equal(created.contentType, f.type);
    assert.equal(created.securityContext?.reference, `Patient/${patientId}`);
    assert.ok(Buffer.from(created.data!, 'base64').equals(f.body), 'the representation carries the uploaded bytes');
    assert.match(res.headers.location, /\/fhir\/Binary\/[^/]+\/_history\/1$/);
    ids.push(created.id!);
  }
  const doc: DocumentReference = {
    resourceType: 'DocumentReference',
    status: 'current',
    subject: { reference: `Patient/${patientId}` },
    content: files.map((f, i) => ({ attachment: { contentType: f.type, url: `Binary/${ids[i]}`, title: f.title, size: f.body.length } })),
  };
  const created = await http
    .post('/fhir/DocumentReference')
    .set({ ...headers, 'Content-Type': 'application/fhir+json' })
    .send(doc);
  assert.equal(created.status, 201, created.text);
  const read = await http.get(`/fhir/DocumentReference/${created.body.id}`).set(headers);
  assert.equal(read.status, 200, read.text);
  for (const [i, content] of (read.body as DocumentReference).content.entries()) {
    const url = content.attachment.url!;
    const raw = await rawGet(http, url, headers, content.attachment.contentType);
    assert.equal(raw.status, 200);
    assert.equal(raw.headers['content-type'], files[i].type);
    assert.equal(raw.headers['x-content-type-options'], 'nosniff');
    assert.equal(Number(raw.headers['content-length']), files[i].body.length);
    assert.ok(raw.body.equals(files[i].body), `${url} comes back byte-identical`);
    const json = await http.get(`/fhir/${url}`).set({ ...headers, Accept: 'application/fhir+json' });
    assert.equal(json.status, 200, json.text);
    assert.ok(Buffer.from((json.body as Binary).data!, 'base64').equals(files[i].body));
    assert.equal(JSON.stringify(json.body).includes('binary-blob-content'), false, 'the blob reference never reaches a client');
  }
  return { pngId: ids[0], pdfId: ids[1] };
}
