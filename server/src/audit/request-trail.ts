// What one FHIR API request did, gathered while it runs (interactions, resources read or written, the
// patients they belong to, the query) and turned into one AuditEvent when the response is sent.
import type { AuditEvent } from 'fhir/r4.js';
import { restAuditEvent, type Who } from './audit-event.js';

/** Bounds one AuditEvent: a 10,000-entry transaction is still one readable event. */
const MAX_RESOURCES = 1000;
const MAX_PATIENTS = 50;

export class RequestTrail {
  who: Who = {};
  readonly interactions: string[] = [];
  private readonly resources = new Set<string>();
  private readonly patients = new Set<string>();
  query?: { path: string; params: URLSearchParams };
  diagnostics?: string;
  /** Writes stored under Prefer: handling=lenient: reference -> the validation issues they were stored despite. */
  readonly lenient = new Map<string, string[]>();
  /** The request's X-Request-Id (http/request-id.ts), so a log line leads to its AuditEvent. */
  requestId?: string;
  /** Why the access policy hid a resource the client was answered does not exist (the audit keeps the truth). */
  refused?: string;

  interaction(code: string, query?: { path: string; params: URLSearchParams }): void {
    if (!this.interactions.includes(code)) this.interactions.push(code);
    if (query && !this.query) this.query = query;
  }

  touched(reference: string, patients: Iterable<string>): void {
    if (this.resources.size < MAX_RESOURCES) this.resources.add(reference);
    for (const p of patients) if (this.patients.size < MAX_PATIENTS) this.patients.add(`Patient/${p}`);
  }

  /** Search results: only the patients whose data they are (listing every match would bloat the event). */
  found(patients: Iterable<string>): void {
    for (const p of patients) if (this.patients.size < MAX_PATIENTS) this.patients.add(`Patient/${p}`);
  }

  toAuditEvent(status: number, fallbackInteraction: string): AuditEvent {
    return restAuditEvent({
      who: this.who,
      interactions: this.interactions.length > 0 ? this.interactions : [fallbackInteraction],
      status,
      resources: [...this.resources],
      patients: [...this.patients],
      query: this.query,
      diagnostics: this.refused ?? this.diagnostics,
      lenient: this.lenient,
      ...(this.requestId ? { requestId: this.requestId } : {}),
    });
  }
}
