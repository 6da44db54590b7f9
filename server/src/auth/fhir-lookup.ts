// Reads the few FHIR resources the login pages and the EHR simulator show (patients, practitioners,
// encounters), in-process through the FHIR router with no access token: these are server-side pages.
import type { Bundle, Encounter, HumanName, Patient, Practitioner, Resource } from 'fhir/r4.js';
import type { FhirContext } from '../fhir/fhir-context.js';
import { handleFhirRequest } from '../fhir/router.js';

export interface Choice {
  id: string;
  label: string;
}

export interface EncounterChoice extends Choice {
  patient?: string;
}

const LIST_LIMIT = '200';

export class FhirLookup {
  private readonly ctx: FhirContext;

  constructor(ctx: FhirContext) {
    // The trusted, server-side view: no per-request authorization.
    this.ctx = { ...ctx, authorize: undefined };
  }

  async patients(): Promise<Choice[]> {
    return (await this.search<Patient>('Patient', { _count: LIST_LIMIT, _sort: 'family' })).map((p) => ({ id: p.id!, label: `${personName(p.name) || p.id} (${p.birthDate ?? 'birth date unknown'})` }));
  }

  async practitioners(): Promise<Choice[]> {
    return (await this.search<Practitioner>('Practitioner', { _count: LIST_LIMIT })).map((p) => ({ id: p.id!, label: personName(p.name) || p.id! }));
  }

  async encounters(patient?: string): Promise<EncounterChoice[]> {
    const query: Record<string, string> = { _count: LIST_LIMIT, _sort: '-date' };
    if (patient) query.subject = `Patient/${patient}`;
    return (await this.search<Encounter>('Encounter', query)).map((e) => ({
      id: e.id!,
      label: `${e.period?.start?.slice(0, 10) ?? 'undated'} ${e.class?.display ?? e.class?.code ?? ''} ${e.type?.[0]?.text ?? e.type?.[0]?.coding?.[0]?.display ?? ''}`.trim(),
      patient: e.subject?.reference?.replace(/^Patient\//, ''),
    }));
  }

  /** The resource, or undefined when it does not exist (or is deleted). */
  async read<T extends Resource>(type: string, id: string): Promise<T | undefined> {
    if (!/^[A-Za-z0-9\-.]{1,64}$/.test(id)) return undefined;
    try {
      const res = await handleFhirRequest({ method: 'GET', path: `${type}/${id}`, query: new URLSearchParams(), headers: {} }, this.ctx);
      return res.status === 200 ? (res.resource as T) : undefined;
    } catch {
      return undefined;
    }
  }

  async patientLabel(id: string): Promise<string | undefined> {
    const p = await this.read<Patient>('Patient', id);
    return p ? personName(p.name) || id : undefined;
  }

  private async search<T extends Resource>(type: string, query: Record<string, string>): Promise<T[]> {
    const res = await handleFhirRequest({ method: 'GET', path: type, query: new URLSearchParams(query), headers: {} }, this.ctx);
    return ((res.resource as Bundle | undefined)?.entry ?? []).map((e) => e.resource as T).filter((r) => r?.resourceType === type);
  }
}

export function personName(names: HumanName[] | undefined): string {
  const n = names?.find((x) => x.use === 'official') ?? names?.[0];
  if (!n) return '';
  return n.text ?? [...(n.given ?? []), n.family].filter(Boolean).join(' ');
}
