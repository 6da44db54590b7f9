// fibrotrack load: posts Bundles (or single resources) from JSON files through the FHIR layer.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildFhirServices } from '../fhir-services.js';
import type { Config } from '../config.js';
import { parseFhirJson } from '../core/json.js';
import { OutcomeError } from '../core/outcomes.js';
import { handleFhirRequest } from '../fhir/router.js';

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

export async function loadCommand(config: Config, paths: string[]): Promise<number> {
  if (paths.length === 0) {
    console.error('Usage: fibrotrack load <file|folder>...');
    return 2;
  }
  const { ctx, close } = await buildFhirServices(config);
  let failures = 0;
  try {
    for (const file of jsonFiles(paths)) {
      try {
        const body = parseFhirJson(readFileSync(file)) as { resourceType?: string };
        const isBundle = body?.resourceType === 'Bundle';
        const res = await handleFhirRequest(
          { method: 'POST', path: isBundle ? '' : String(body?.resourceType), query: new URLSearchParams(), headers: {}, body },
          ctx,
        );
        console.log(`${file}: ${res.status}`);
      } catch (err) {
        if (!(err instanceof OutcomeError)) throw err;
        failures++;
        console.error(`${file}: ${err.status} ${err.message}`);
      }
    }
  } finally {
    await close();
  }
  return failures === 0 ? 0 : 1;
}
