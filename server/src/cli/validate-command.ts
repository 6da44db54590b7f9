// fibrotrack validate <file|folder>... [--profile url] [--verbose]: the server's validator for integrators, offline
// (no database): base R4 definitions, the FibroTrack profiles and any profile claimed in meta.profile.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { r4Definitions } from '../fhir-services.js';
import type { Config } from '../config.js';
import { readConformanceFiles } from '../conformance/conformance-files.js';
import { parseFhirJson } from '../core/json.js';
import { createConformanceRegistry } from '../validation/conformance-registry.js';
import { createResourceValidator } from '../validation/resource-validator.js';

const USAGE = 'Usage: fibrotrack validate <file|folder>... [--profile <canonical url>] [--verbose]';

export interface ValidateArgs {
  paths: string[];
  profile?: string;
  verbose: boolean;
}

export function parseValidateArgs(args: string[]): ValidateArgs | string {
  const out: ValidateArgs = { paths: [], verbose: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--profile') {
      const url = args[++i];
      if (!url) return '--profile needs a canonical URL';
      out.profile = url;
    } else if (a.startsWith('--profile=')) out.profile = a.slice('--profile='.length);
    else if (a === '--verbose' || a === '-v') out.verbose = true;
    else if (a.startsWith('-')) return `unknown option '${a}'`;
    else out.paths.push(a);
  }
  return out.paths.length > 0 ? out : 'name at least one file or folder';
}

function jsonFiles(paths: string[]): string[] {
  return paths.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => join(p, f))
      : [p],
  );
}

const SEVERITY_RANK: Record<string, number> = { fatal: 0, error: 1, warning: 2, information: 3 };

export function formatIssue(i: OperationOutcomeIssue): string {
  return `  ${i.severity.padEnd(11)} ${(i.expression?.[0] ?? '').padEnd(40)} [${i.code}] ${i.diagnostics ?? ''}`;
}

export function validateCommand(config: Config, args: string[]): number {
  const parsed = parseValidateArgs(args);
  if (typeof parsed === 'string') {
    console.error(`${parsed}\n${USAGE}`);
    return 2;
  }
  const registry = createConformanceRegistry(r4Definitions());
  registry.add(readConformanceFiles(config.profilesDir).resources);
  if (parsed.profile && !registry.structure(parsed.profile)) {
    console.error(`Profile ${parsed.profile} is not known (neither a base R4 profile nor one in ${config.profilesDir})`);
    return 2;
  }
  const validator = createResourceValidator(registry.defs, registry);
  let failed = 0;
  let files: string[];
  try {
    files = jsonFiles(parsed.paths);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  for (const file of files) {
    let issues: OperationOutcomeIssue[];
    try {
      const resource = parseFhirJson(readFileSync(file));
      issues = validator.validate(resource, undefined, { profiles: parsed.profile ? [parsed.profile] : [], claimed: true });
    } catch (err) {
      failed++;
      console.log(`${file}: cannot be read: ${(err as Error).message}`);
      continue;
    }
    const count = (s: string) => issues.filter((i) => i.severity === s).length;
    const errors = count('error') + count('fatal');
    if (errors > 0) failed++;
    const shown = issues
      .filter((i) => parsed.verbose || i.severity !== 'information')
      .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
    console.log(`${file}: ${errors > 0 ? 'INVALID' : 'valid'} (${errors} errors, ${count('warning')} warnings)`);
    for (const i of shown) console.log(formatIssue(i));
  }
  console.log(`${files.length} files, ${failed} with errors`);
  return failed === 0 ? 0 : 1;
}
