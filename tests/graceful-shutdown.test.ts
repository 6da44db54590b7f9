// SIGTERM stops `fibrotrack serve` gracefully: no new connections, but the request in flight and a request arriving
// on a keep-alive connection opened before the signal are answered, with `Connection: close`, then the process exits 0.
// Raw sockets, so that which connection carries which request is in the test's hands.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { freePort } from './support/free-port.js';
import { startServe } from './support/serve-child.js';
import mysql from 'mysql2/promise';

const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = `fibrotrack_test_${randomBytes(4).toString('hex')}`;

after(async () => {
  const conn = await mysql.createConnection(ROOT);
  await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await conn.end();
});

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One HTTP/1.1 connection: write bytes, read responses one at a time, see whether the server closed it. */
class RawConnection {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(text: string): void {
    this.socket.write(text);
  }

  async response(): Promise<RawResponse> {
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (this.closed) throw new Error(`connection closed without a (complete) response: ${JSON.stringify(this.buffer.toString())}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async closedByServer(): Promise<boolean> {
    while (!this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return true;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private parse(): RawResponse | undefined {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = this.buffer.subarray(0, end).toString().split('\r\n');
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? 0);
    if (this.buffer.length < end + 4 + length) return undefined;
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString();
    this.buffer = this.buffer.subarray(end + 4 + length);
    return { status: Number(statusLine.split(' ')[1]), headers, body };
  }
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`;

test('SIGTERM: in-flight and keep-alive requests are answered with Connection: close, new connections refused, exit 0', async () => {
  const port = await freePort();
  const child = await startServe(port, { ...process.env, DATABASE_URL: `${ROOT}/${database}`, AUTH_MODE: 'open', WORKERS: '1' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    // A keep-alive connection, used once and idle when the signal comes.
    const idle = await RawConnection.open(port);
    idle.write(get('/fhir/metadata'));
    assert.equal((await idle.response()).status, 200);

    // A create whose body is half sent when the signal comes: in flight.
    const body = JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Shutdown' }] });
    const inFlight = await RawConnection.open(port);
    inFlight.write(
      `POST /fhir/Patient HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/fhir+json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    inFlight.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 200));

    child.kill('SIGTERM');
    // Time for the signal to be handled: the listening socket is closed by then.
    await new Promise((r) => setTimeout(r, 500));
    await assert.rejects(RawConnection.open(port), /ECONNREFUSED/);

    idle.write(get('/fhir/metadata'));
    const late = await idle.response();
    assert.equal(late.status, 200);
    assert.equal(late.headers.connection, 'close');
    assert.ok(await idle.closedByServer());

    inFlight.write(body.slice(10));
    const created = await inFlight.response();
    assert.equal(created.status, 201, created.body);
    assert.equal(created.headers.connection, 'close');
    assert.equal(JSON.parse(created.body).name[0].family, 'Shutdown');

    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
