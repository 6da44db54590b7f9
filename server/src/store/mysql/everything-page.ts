// One page of Patient/$everything: the Patient first, then its compartment's members, then what they refer to,
// each phase in primary-key order. The cursor is (phase, last primary key given): a resource written while a
// client pages gets a higher key and comes later in its phase, an updated one keeps its key, so none is skipped
// and none given twice. https://hl7.org/fhir/R4/patient-operation-everything.html
import type { Resource } from 'fhir/r4.js';
import type { RowDataPacket } from 'mysql2/promise';
import type { DerivedParams } from '../../definitions/derived-params.js';
import { parseExact } from '../../core/exact-numbers.js';
import { invalidParameter, notFound } from '../../core/outcomes.js';
import type { EverythingQuery, Page } from '../repository.js';
import type { Sql } from '../sql.js';
import { memberKeys, patientRow, referencedKeys, referringPairs, storedMemberParams } from './everything-sql.js';
import { contentOf } from './rows.js';

type Run = (q: Sql) => Promise<RowDataPacket[]>;

const MEMBERS = 1;
const REFERENCED = 2;

export async function everythingPage(q: EverythingQuery, run: Run, derived: DerivedParams): Promise<Page<Resource>> {
  const [patient] = await run(patientRow(q));
  if (!patient) throw notFound('Patient', q.patient);
  let [phase, after] = q.cursor === undefined ? [MEMBERS, 0] : decode(q.cursor);
  const pks: number[] = q.cursor === undefined && Number(patient.shown) === 1 ? [Number(patient.pk)] : [];
  const empty = q.members.length === 0 || q.types?.length === 0;
  let more = false;
  const stored = storedMemberParams(q, derived);
  const pairs = empty
    ? []
    : (await run(referringPairs(q)))
        .map((r): [string, string] => [String(r.res_type), String(r.param)])
        .filter(([type, param]) => stored.get(type)?.has(param));
  while (!empty && phase <= REFERENCED && q.count > 0) {
    const want = q.count - pks.length;
    // One more than fits tells whether this phase goes on; a full page still peeks at the next phase.
    const limit = Math.max(want, 0) + 1;
    const rows = await run(phase === MEMBERS ? memberKeys(q, derived, after, limit, pairs) : referencedKeys(q, derived, after, limit));
    const found = rows.map((r) => Number(r.pk));
    pks.push(...found.slice(0, want));
    if (found.length > want) {
      more = want > 0 || found.length > 0;
      if (want > 0) after = found[want - 1];
      break;
    }
    [phase, after] = [phase + 1, 0];
  }
  const rows = pks.length === 0 ? [] : await run(contentOf(pks));
  // contentOf answers in key order; the page keeps the phases' order (the Patient first).
  const byPk = new Map(rows.map((r) => [Number(r.pk), r.content as string | null]));
  const items = pks.flatMap((pk) => {
    const c = byPk.get(pk);
    return c ? [parseExact<Resource>(c)] : [];
  });
  const page: Page<Resource> = { items };
  if (more) page.nextCursor = encode(phase, after);
  // The first page holding everything gives the exact total for free.
  else if (q.cursor === undefined) page.total = items.length;
  return page;
}

const encode = (phase: number, after: number) => Buffer.from(`${phase}.${after}`).toString('base64url');

function decode(cursor: string): [number, number] {
  const m = /^([12])\.(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw invalidParameter(`Invalid paging cursor '${cursor}'`, '_cursor');
  return [Number(m[1]), Number(m[2])];
}
