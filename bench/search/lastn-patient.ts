// $lastn for one patient with a large record, read-only on an existing benchmark database (by default the stats
// benchmark's, whose patient `big` has a year of minute heart rate): per query, the compartment $lastn
// (lastn-in-compartment.ts) against the general statement (lastn-sql.ts) on one connection, with the median time of
// three runs, the rows read (the session's Handler_read_* counters) and the statements run. Writes nothing.
// Usage: npx tsx bench/search/lastn-patient.ts [--db fibrotrack_bench_stats_525600] [--patient big]
// https://hl7.org/fhir/R4/operation-observation-lastn.html
import mysql from 'mysql2/promise';
import { parseArgs } from 'node:util';
import { r4Definitions } from '../../server/src/fhir-services.js';
import { parseSearch } from '../../server/src/search/parse-search.js';
import { lastnInCompartment } from '../../server/src/store/mysql/search/lastn-in-compartment.js';
import { lastnSql } from '../../server/src/store/mysql/search/lastn-sql.js';
import { searchFacts } from '../../server/src/store/mysql/search/search-facts.js';
import { hintOf, searchWhere } from '../../server/src/store/mysql/search/where.js';
import type { Sql } from '../../server/src/store/sql.js';

const { values: args } = parseArgs({
  options: { db: { type: 'string', default: 'fibrotrack_bench_stats_525600' }, patient: { type: 'string', default: 'big' } },
});
const conn = await mysql.createConnection(`mysql://root@127.0.0.1:3306/${args.db}`);
const ctx = { baseUrl: 'http://localhost/fhir', now: Date.now(), ...searchFacts(r4Definitions()) };
let statements = 0;
const run = async (q: Sql) => {
  statements++;
  return (await conn.query(q.text, q.values as unknown[]))[0] as never[];
};
const rowsRead = async () =>
  ((await conn.query("SHOW SESSION STATUS LIKE 'Handler_read%'"))[0] as { Value: string }[]).reduce((s, r) => s + Number(r.Value), 0);

const p = args.patient;
const queries = [
  `patient=${p}&category=vital-signs&max=1`,
  `patient=${p}&category=survey,vital-signs&max=3`,
  `patient=${p}&category=survey&max=1`,
];
console.log('| query | plan | median ms | rows read | statements | results |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const query of queries) {
  const params = new URLSearchParams(query);
  const max = Number(params.get('max'));
  params.delete('max');
  const request = parseSearch('Observation', params, r4Definitions());
  const hint = hintOf(request, ctx)!;
  const plans: [string, () => Promise<unknown[]>][] = [
    ['compartment $lastn', () => lastnInCompartment(request, ctx, hint, max, run)],
    ['general statement', () => run(lastnSql(searchWhere(request, ctx, hint), max))],
  ];
  for (const [name, fn] of plans) {
    const times: number[] = [];
    let reads = 0;
    let found = 0;
    statements = 0;
    for (let i = 0; i < 3; i++) {
      const before = await rowsRead();
      const t = performance.now();
      found = (await fn()).length;
      times.push(performance.now() - t);
      reads = (await rowsRead()) - before;
    }
    times.sort((a, b) => a - b);
    console.log(`| \`${query}\` | ${name} | ${times[1].toFixed(1)} | ${reads} | ${statements / 3} | ${found} |`);
  }
}
await conn.end();
