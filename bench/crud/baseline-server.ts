// The baseline of bench/crud: a bare node:http server that answers GET /fhir/Patient/<id> with the stored JSON
// row of that Patient's current version, read by primary key (resource_history.seq) with mysql2: the least any
// server must do to answer a FHIR read from this database. Run as its own process by run.ts.
// Env: DATABASE_URL, PORT, POOL_SIZE.
import http from 'node:http';
import mysql, { type RowDataPacket } from 'mysql2/promise';

const pool = mysql.createPool({ uri: process.env.DATABASE_URL!, connectionLimit: Number(process.env.POOL_SIZE ?? 10) });
// Where each Patient's current JSON row is: its primary key.
const [rows] = await pool.query<RowDataPacket[]>(
  `SELECT r.res_id, h.seq FROM resource r JOIN resource_history h ON h.resource_pk = r.pk AND h.version_id = r.version_id
   WHERE r.res_type = 'Patient'`,
);
const seqOf = new Map(rows.map((r) => [String(r.res_id), Number(r.seq)]));

const server = http.createServer((req, res) => void answer(req, res));

async function answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const id = /^\/fhir\/Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(req.url ?? '')?.[1];
  const seq = id === undefined ? undefined : seqOf.get(id);
  if (seq === undefined) {
    res.writeHead(404).end();
    return;
  }
  try {
    const [found] = await pool.query<RowDataPacket[]>('SELECT content FROM resource_history WHERE seq = ?', [seq]);
    res.writeHead(200, { 'Content-Type': 'application/fhir+json' }).end(found[0].content);
  } catch {
    res.writeHead(500).end();
  }
}
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
