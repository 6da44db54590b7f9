// The workloads of bench/crud, as request generators over the seeded patients: read by id, create, update,
// search by patient, and the mixed workload of issue 21 (40% reads, 40% searches, 20% creates).
import type { RequestSpec } from './load.js';
import { observation, patientResource } from './seed.js';

export type Workload = 'read' | 'create' | 'update' | 'search' | 'mixed';
export const WORKLOADS: Workload[] = ['read', 'create', 'update', 'search', 'mixed'];

export function workload(name: Workload, patients: readonly string[]): () => RequestSpec {
  const any = () => patients[Math.floor(Math.random() * patients.length)];
  const read = (): RequestSpec => ({ method: 'GET', path: `/fhir/Patient/${any()}` });
  const search = (): RequestSpec => ({ method: 'GET', path: `/fhir/Observation?patient=Patient/${any()}` });
  let n = 0;
  const create = (): RequestSpec => ({
    method: 'POST',
    path: '/fhir/Observation',
    body: JSON.stringify(observation(`Patient/${any()}`, n++ % 365)),
  });
  const update = (): RequestSpec => {
    const id = any();
    return { method: 'PUT', path: `/fhir/Patient/${id}`, body: JSON.stringify({ ...patientResource(`Updated${n++}`), id }) };
  };
  switch (name) {
    case 'read':
      return read;
    case 'create':
      return create;
    case 'update':
      return update;
    case 'search':
      return search;
    case 'mixed':
      return () => {
        const r = Math.random();
        return r < 0.4 ? read() : r < 0.8 ? search() : create();
      };
  }
}
