// Compiles the FSH in profiles/input/fsh with SUSHI, offline: a throwaway FHIR package cache holds hl7.fhir.r4.core
// 4.0.1 made from hl7.fhir.r4.examples; SUSHI's automatic dependencies (tools, terminology, extensions packages) point
// at a registry on a closed local port, and its check for a newer SUSHI (`npm view`, then an HTTPS request) runs npm
// offline and goes through a proxy on that port, so that all of them fail at once instead of reaching the network.
// https://fshschool.org/docs/sushi/configuration/
import { spawnSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FhirResource } from 'fhir/r4.js';
import { r4ConformanceFiles, r4PackageDir } from '../../server/src/definitions/r4-package.js';

const CLOSED_REGISTRY = 'http://127.0.0.1:9';

/** A FHIR package cache (~/.fhir/packages layout) under `home` with hl7.fhir.r4.core#4.0.1. */
export function makeR4CoreCache(home: string): void {
  const src = r4PackageDir();
  const dest = join(home, '.fhir', 'packages', 'hl7.fhir.r4.core#4.0.1', 'package');
  mkdirSync(dest, { recursive: true });
  for (const f of r4ConformanceFiles(src)) {
    // SUSHI's loader skips symlinks; hard links cost nothing when /tmp shares the file system.
    try {
      linkSync(join(src, f), join(dest, f));
    } catch {
      copyFileSync(join(src, f), join(dest, f));
    }
  }
  const manifest = { name: 'hl7.fhir.r4.core', version: '4.0.1', fhirVersions: ['4.0.1'], type: 'Core', canonical: 'http://hl7.org/fhir' };
  writeFileSync(join(dest, 'package.json'), JSON.stringify(manifest, null, 2));
}

export interface SushiResult {
  resources: FhirResource[];
  log: string;
}

/** Runs `sushi build <projectDir> --snapshot` with HOME at a cache made by prepareCache (default: R4 core only). */
export function runSushi(projectDir: string, prepareCache: (home: string) => void = makeR4CoreCache): SushiResult {
  const home = mkdtempSync(join(tmpdir(), 'fibrotrack-sushi-'));
  try {
    prepareCache(home);
    const out = join(home, 'out');
    const sushi = join(dirname(createRequire(import.meta.url).resolve('fsh-sushi/package.json')), 'dist', 'app.js');
    const run = spawnSync(process.execPath, [sushi, 'build', projectDir, '--snapshot', '--out', out], {
      env: {
        ...process.env,
        HOME: home,
        USERPROFILE: home,
        FPL_REGISTRY: CLOSED_REGISTRY,
        HTTPS_PROXY: CLOSED_REGISTRY,
        npm_config_offline: 'true',
        npm_config_update_notifier: 'false',
      },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const log = `${run.stdout ?? ''}${run.stderr ?? ''}`;
    const errors = log.split('\n').filter((l) => l.startsWith('error'));
    if (run.status !== 0 || errors.length > 0) {
      throw new Error(`SUSHI failed (exit ${run.status}):\n${errors.join('\n') || log}`);
    }
    const dir = join(out, 'fsh-generated', 'resources');
    const resources = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as FhirResource);
    return { resources, log };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
