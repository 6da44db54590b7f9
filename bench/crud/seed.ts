// Seeds bench/crud's data through the FHIR API: patients, each with pain-score Observations, posted as
// transaction Bundles; answers the patients' ids.
import { randomUUID } from 'node:crypto';

export interface Seeded {
  patients: string[];
}

const observation = (patientUrn: string, i: number) => ({
  resourceType: 'Observation',
  status: 'final',
  code: {
    coding: [{ system: 'http://loinc.org', code: '72514-3', display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported' }],
  },
  subject: { reference: patientUrn },
  effectiveDateTime: new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString(),
  valueQuantity: { value: i % 11, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
});

export const patientResource = (family: string) => ({
  resourceType: 'Patient',
  active: true,
  name: [{ family, given: ['Bench'] }],
  gender: 'female',
  birthDate: '1980-04-01',
});

/** `count` patients with `perPatient` Observations each, 50 patients to a Bundle, `clients` Bundles at a time. */
export async function seed(base: string, headers: Record<string, string>, count: number, perPatient: number, clients = 4): Promise<Seeded> {
  const patients: string[] = [];
  const bundles = Math.ceil(count / 50);
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < bundles) {
        const b = next++;
        const entry = [];
        for (let p = b * 50; p < Math.min(count, (b + 1) * 50); p++) {
          const urn = `urn:uuid:${randomUUID()}`;
          entry.push({ fullUrl: urn, resource: patientResource(`Seed${p}`), request: { method: 'POST', url: 'Patient' } });
          for (let i = 0; i < perPatient; i++)
            entry.push({ resource: observation(urn, i), request: { method: 'POST', url: 'Observation' } });
        }
        const body = JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry });
        const post = () => fetch(base, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/fhir+json' }, body });
        let res = await post();
        // A transaction is all or nothing: one the shared database was too busy for (503) is posted again.
        for (let retry = 0; res.status === 503 && retry < 5; retry++) {
          await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
          res = await post();
        }
        if (res.status !== 200) throw new Error(`seed bundle failed: ${res.status} ${(await res.text()).slice(0, 300)}`);
        const answer = (await res.json()) as { entry: { response: { location: string } }[] };
        for (const e of answer.entry) {
          const m = /^Patient\/([^/]+)/.exec(e.response.location);
          if (m) patients.push(m[1]);
        }
      }
    }),
  );
  return { patients };
}

export { observation };
