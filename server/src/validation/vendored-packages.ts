// The conformance resources of the FHIR packages kept in profiles/vendor (the IPS IG, see its README): read once
// from the published tarball, StructureDefinitions, ValueSets and CodeSystems only.
// https://hl7.org/fhir/packages.html
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { Resource } from 'fhir/r4.js';

const VENDOR_DIR = fileURLToPath(new URL('../../../profiles/vendor', import.meta.url));
export const VENDORED_PACKAGES = ['hl7.fhir.uv.ips-2.0.0.tgz'];
const WANTED = /^package\/(StructureDefinition|ValueSet|CodeSystem)-[^/]+\.json$/;

let cached: Resource[] | undefined;

/** The vendored packages' StructureDefinitions, ValueSets and CodeSystems (empty when the folder is missing). */
export function vendoredConformance(): Resource[] {
  if (cached) return cached;
  const out: Resource[] = [];
  for (const name of VENDORED_PACKAGES) {
    const file = `${VENDOR_DIR}/${name}`;
    if (!existsSync(file)) continue;
    for (const [path, content] of tarFiles(gunzipSync(readFileSync(file)))) {
      if (WANTED.test(path)) out.push(JSON.parse(content.toString('utf8')) as Resource);
    }
  }
  return (cached = out);
}

/** The regular files of a ustar archive, by path. https://www.gnu.org/software/tar/manual/html_node/Standard.html */
function* tarFiles(tar: Buffer): Generator<[string, Buffer]> {
  let at = 0;
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) return;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const path = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const kind = field(156, 1);
    if (kind === '0' || kind === '') yield [path, tar.subarray(at + 512, at + 512 + size)];
    at += 512 + Math.ceil(size / 512) * 512;
  }
}
