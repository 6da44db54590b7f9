// Turns SUSHI's resources into the guide's output: definitions with snapshots and expansions, examples, the
// ImplementationGuide and the FHIR package (package/*.json, package/example/*.json, package.json, .index.json).
import type { CodeSystem, FhirResource, StructureDefinition, ValueSet } from 'fhir/r4.js';
import { definitionSource } from '../../server/src/terminology/expand-value-set.js';
import { expansionOf } from '../../server/src/terminology/expansion.js';
import { IG } from './ig-metadata.js';
import { implementationGuide } from './implementation-guide.js';
import { CONFORMANCE_TYPES, indexJson, packageJson } from './package-manifest.js';
import { R4StructureDefinitions } from '../../server/src/definitions/r4-package.js';
import { generateSnapshot } from './snapshot.js';
import { tarGz, type TarEntry } from './tar-gz.js';

export interface GeneratedFile {
  /** Relative to profiles/generated: `<Type>-<id>.json` or `examples/<Type>-<id>.json`. */
  path: string;
  content: string;
}

export interface Assembled {
  definitions: FhirResource[];
  examples: FhirResource[];
  files: GeneratedFile[];
  packageTgz: Buffer;
}

export async function assemble(sushiResources: FhirResource[], r4 = new R4StructureDefinitions()): Promise<Assembled> {
  const sorted = [...sushiResources].sort((a, b) => compare(fileName(a), fileName(b)));
  const raw = sorted.filter((r) => CONFORMANCE_TYPES.has(r.resourceType));
  const examples = sorted.filter((r) => !CONFORMANCE_TYPES.has(r.resourceType));

  const codeSystems = new Map(raw.filter((r): r is CodeSystem => r.resourceType === 'CodeSystem').map((cs) => [cs.url!, cs]));
  const valueSets = new Map(raw.filter((r): r is ValueSet => r.resourceType === 'ValueSet').map((vs) => [vs.url!, vs]));
  const sources = definitionSource(
    (u) => valueSets.get(u),
    (u) => codeSystems.get(u),
  );
  const timestamp = `${IG.date}T00:00:00Z`;

  const withSnapshot = snapshots(
    raw.filter((r): r is StructureDefinition => r.resourceType === 'StructureDefinition'),
    r4,
  );
  const definitions = raw.map((r) => {
    if (r.resourceType === 'ValueSet') return expansionOf(published(r), sources, { timestamp });
    if (r.resourceType === 'StructureDefinition') return published(withSnapshot.get(r.url)!);
    return published(r);
  });
  definitions.push(implementationGuide(definitions, examples));
  definitions.sort((a, b) => compare(fileName(a), fileName(b)));

  const files: GeneratedFile[] = [
    ...definitions.map((r) => ({ path: fileName(r), content: json(r) })),
    ...examples.map((r) => ({ path: `examples/${fileName(r)}`, content: json(r) })),
  ];
  return { definitions, examples, files, packageTgz: await fhirPackage(definitions, examples) };
}

/** The guide's date and publisher on each definition, right after its status (FSH-only SUSHI output has neither). */
function published<T extends FhirResource>(r: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'date' || k === 'publisher') continue;
    out[k] = v;
    if (k === 'status') Object.assign(out, { date: IG.date, publisher: IG.publisher });
  }
  return out as T;
}

/** Our own snapshots (SUSHI's are replaced), profiles on profiles of the guide after their base. */
function snapshots(profiles: StructureDefinition[], r4: R4StructureDefinitions): Map<string, StructureDefinition> {
  const ours = new Map(profiles.map((sd) => [sd.url, sd]));
  const done = new Map<string, StructureDefinition>();
  const resolve = (url: string): StructureDefinition | undefined => {
    const u = url.split('|')[0];
    const own = ours.get(u);
    if (!own) return r4.get(u);
    let sd = done.get(u);
    if (!sd) {
      const { snapshot: _sushis, ...differentialOnly } = own;
      sd = withSnapshotBeforeDifferential(generateSnapshot(differentialOnly, resolve));
      done.set(u, sd);
    }
    return sd;
  };
  for (const sd of profiles) resolve(sd.url);
  return done;
}

/** The usual property order: snapshot, then differential. */
function withSnapshotBeforeDifferential(sd: StructureDefinition): StructureDefinition {
  const { differential, ...rest } = sd;
  return { ...rest, differential };
}

function fhirPackage(definitions: FhirResource[], examples: FhirResource[]): Promise<Buffer> {
  const entry = (name: string, content: string): TarEntry => ({ name, content: Buffer.from(content, 'utf8') });
  const defs = definitions.map((r) => ({ filename: fileName(r), resource: r }));
  const exs = examples.map((r) => ({ filename: fileName(r), resource: r }));
  return tarGz([
    entry('package/package.json', json(packageJson())),
    entry('package/.index.json', json(indexJson(defs))),
    ...defs.map((d) => entry(`package/${d.filename}`, json(d.resource))),
    entry('package/example/.index.json', json(indexJson(exs))),
    ...exs.map((e) => entry(`package/example/${e.filename}`, json(e.resource))),
  ]);
}

export function fileName(r: FhirResource): string {
  return `${r.resourceType}-${r.id}.json`;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
