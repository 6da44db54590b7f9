// Turns SUSHI's resources into the guide's output: definitions with snapshots and expansions, examples, the
// ImplementationGuide and the FHIR package (package/*.json, package/example/*.json, package.json, .index.json).
import type { CodeSystem, FhirResource, ValueSet } from 'fhir/r4.js';
import { expandValueSet } from './expand-valueset.js';
import { IG } from './ig-metadata.js';
import { implementationGuide } from './implementation-guide.js';
import { indexJson, packageJson } from './package-manifest.js';
import { tarGz, type TarEntry } from './tar-gz.js';

const DEFINITION_TYPES = new Set(['StructureDefinition', 'ValueSet', 'CodeSystem', 'SearchParameter', 'OperationDefinition', 'ImplementationGuide']);

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

export function assemble(sushiResources: FhirResource[]): Assembled {
  const sorted = [...sushiResources].sort((a, b) => compare(fileName(a), fileName(b)));
  const raw = sorted.filter((r) => DEFINITION_TYPES.has(r.resourceType));
  const examples = sorted.filter((r) => !DEFINITION_TYPES.has(r.resourceType));

  const codeSystems = new Map(raw.filter((r): r is CodeSystem => r.resourceType === 'CodeSystem').map((cs) => [cs.url!, cs]));
  const valueSets = new Map(raw.filter((r): r is ValueSet => r.resourceType === 'ValueSet').map((vs) => [vs.url!, vs]));
  const sources = { codeSystem: (u: string) => codeSystems.get(u), valueSet: (u: string) => valueSets.get(u) };
  const timestamp = `${IG.date}T00:00:00Z`;

  const definitions = raw.map((r) => (r.resourceType === 'ValueSet' ? expandValueSet(r, sources, timestamp) : r));
  definitions.push(implementationGuide(definitions, examples));
  definitions.sort((a, b) => compare(fileName(a), fileName(b)));

  const files: GeneratedFile[] = [
    ...definitions.map((r) => ({ path: fileName(r), content: json(r) })),
    ...examples.map((r) => ({ path: `examples/${fileName(r)}`, content: json(r) })),
  ];
  return { definitions, examples, files, packageTgz: fhirPackage(definitions, examples) };
}

function fhirPackage(definitions: FhirResource[], examples: FhirResource[]): Buffer {
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
