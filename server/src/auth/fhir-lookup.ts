// Reads the few FHIR resources the login pages and the EHR simulator show (patients, practitioners,
// encounters), in-process through the FHIR router with no access token: these are server-side pages.
import type { Bundle, Encounter, HumanName, Patient, Practitioner, Resource } from 'fhir/r4.js';
import type { FhirContext } from '../fhir/fhir-context.js';
import { handleFhirRequest } from '../fhir/router.js';
import { escapeSearchValue } from '../search/value-escape.js';

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
    return (await this.search<Patient>('Patient', { _count: LIST_LIMIT, _sort: 'family' })).map(patientChoice);
  }

  /**
   * At most `limit` patients whose name matches `text` (FHIR `name`: any part starting with it), or whose birth
   * date (`1980`, `1980-04`, `1980-04-02`) or identifier value (an MRN) is `text`; the first `limit` by family
   * name when `text` is empty. The text is the person's, never search syntax: its `,` `$` `|` `\` are escaped. `more` says that there are others to narrow down to.
   */
  async findPatients(text: string, limit: number): Promise<{ patients: Choice[]; more: boolean }> {
    const count = String(limit + 1);
    const queries: Record<string, string>[] = text
      ? [
          { name: escapeSearchValue(text) },
          // The token parser reads `|` as system|value; an MRN has none of these, so text with them is no identifier.
          ...(/[\\|$]/.test(text) ? [] : [{ identifier: escapeSearchValue(text) }]),
          ...(/^\d{4}(-\d{2}(-\d{2})?)?$/.test(text) ? [{ birthdate: text }] : []),
        ]
      : [{}];
    const found = new Map<string, Patient>();
    for (const q of queries)
      for (const p of await this.search<Patient>('Patient', { ...q, _count: count, _sort: 'family' })) found.set(p.id!, p);
    const sorted = [...found.values()].sort((a, b) => sortName(a).localeCompare(sortName(b)));
    return { patients: sorted.slice(0, limit).map(patientChoice), more: sorted.length > limit };
  }

  async practitioners(): Promise<Choice[]> {
    return (await this.search<Practitioner>('Practitioner', { _count: LIST_LIMIT })).map((p) => ({
      id: p.id!,
      label: personName(p.name) || p.id!,
    }));
  }

  async encounters(patient?: string): Promise<EncounterChoice[]> {
    const query: Record<string, string> = { _count: LIST_LIMIT, _sort: '-date' };
    if (patient) query.subject = `Patient/${patient}`;
    return (await this.search<Encounter>('Encounter', query)).map((e) => ({
      id: e.id!,
      label:
        `${e.period?.start?.slice(0, 10) ?? 'undated'} ${e.class?.display ?? e.class?.code ?? ''} ${e.type?.[0]?.text ?? e.type?.[0]?.coding?.[0]?.display ?? ''}`.trim(),
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

/** Name, birth date, gender, MRN and a deceased mark: enough to tell two patients of the same name apart. */
function patientChoice(p: Patient): Choice {
  const mrn = p.identifier?.find((i) => i.type?.coding?.some((c) => c.code === 'MR'))?.value;
  const facts = [p.birthDate ? `born ${p.birthDate}` : 'birth date unknown', p.gender, mrn ? `MRN ${mrn}` : undefined];
  const deceased = p.deceasedBoolean === true || p.deceasedDateTime !== undefined;
  return { id: p.id!, label: `${personName(p.name) || p.id} (${facts.filter(Boolean).join(', ')})${deceased ? ' - deceased' : ''}` };
}

function sortName(p: Patient): string {
  const n = p.name?.find((x) => x.use === 'official') ?? p.name?.[0];
  return `${n?.family ?? ''} ${n?.given?.join(' ') ?? ''} ${p.id}`.toLowerCase();
}

export function personName(names: HumanName[] | undefined): string {
  const n = names?.find((x) => x.use === 'official') ?? names?.[0];
  if (!n) return '';
  return n.text ?? [...(n.given ?? []), n.family].filter(Boolean).join(' ');
}
