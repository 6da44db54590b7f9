// Summarises V8 CPU profiles (node --cpu-prof, as bench/crud --profile writes them): self time by function and by
// package or source folder, and total time (self and callees) by function, heaviest first; `--after s` skips the
// first seconds (the server's start-up). Usage: npx tsx bench/crud/profile-top.ts <file.cpuprofile>... [--top 30] [--after 20]
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const top = option('top', 30);
const afterUs = option('after', 0) * 1e6;
const files = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));

/** A package name, a folder of ours, or the kind of V8 entry. */
function placeOf(url: string, name: string): string {
  if (!url) return `(${name || 'native'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return url;
  const ours = /\/(server\/src\/[^/]+|dist\/server\/src\/[^/]+|mappings|bench)\//.exec(url);
  return ours ? ours[1].replace(/^dist\//, '') : url;
}

const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const nameOf = (n: Node) =>
    `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules|server|dist)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  let at = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at < afterUs) return;
    const { functionName, url } = nodes.get(id)!.callFrame;
    const fn = nameOf(nodes.get(id)!);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) seen.add(nameOf(nodes.get(n)!));
    for (const f of seen) inclusive.set(f, (inclusive.get(f) ?? 0) + dt);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
    const place = placeOf(url, functionName);
    byPlace.set(place, (byPlace.get(place) ?? 0) + dt);
    total += dt;
  });
}
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
};
show('self time by package or folder', byPlace);
show('self time by function', byFunction);
show('total time by function (self and callees)', inclusive);
