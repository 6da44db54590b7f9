// The access policy of the FHIR API: what a SMART access token allows, decided in this one module.
// https://hl7.org/fhir/smart-app-launch/STU2.2/scopes-and-launch-context.html
//
// First, what a user/ scope means: a user may access what they are permitted to. A Patient user (fhirUser
// Patient/x) is permitted their own record only, so their user/ scopes act as patient/ scopes on Patient/x
// (and are dropped if the token's patient context is someone else).
//
// Before an interaction runs (checkInteraction), in this order:
//   1. AuditEvent is written by the server only: no create, update, patch or delete, whatever the scope.
//   2. AuditEvent is read and searched only under system/AuditEvent.r / .s (`*` scopes do not reach it).
//      SearchParameter writes and $reindex change what every search answers: only system/ scopes covering
//      SearchParameter allow them (create c, update and patch u, delete d, $reindex u, a job's status r).
//   3. patient/ scopes need a patient in context.
//   4. Some scope covers the type and the interaction's letter: r = read, vread, instance history;
//      s = search, type and system history; c = create; u = update, patch; d = delete (PUT: u or c).
//   5. With patient/ scopes only, `Patient/{id}/...` (instance operations, compartment searches) is the
//      context patient's only: another patient's answers 404 for an operation that reads (as an unknown id),
//      403 for one that writes into that record and for a compartment search.
// On the data the interaction touches (AuthorizedRepository asks):
//   6. Reads under patient/ scopes: the resource is in the context patient's compartment (official Patient
//      CompartmentDefinition), so a resource in two patients' compartments (Observation subject a, performer b)
//      is readable by both. A type outside that definition counts as the patient's when it references them
//      (Device.patient); one that references no patient is shared data, readable but not writable. A resource
//      the token may not read is answered as unknown (404), exactly as a true unknown id (see visible()).
//   7. Query constraints (`?category=...`) hold: as search filters on search, as a match on everything else.
//   8. Writes (create, update, patch, delete) under patient/ scopes: the resource refers to the context
//      patient, and every Patient it refers to through its compartment parameters (any reference parameter
//      for a type outside the definition; contained resources' included) is that patient; a Patient resource
//      is the patient's own. References that name a Patient not pinned to one here (another server's, an
//      unresolved `Patient?identifier=`) are refused. Both the stored resource before and the new content
//      after must pass. Writes that fail answer 403: the client itself named the record. A Subscription is
//      writable (it delivers only what the token's own grant reads; the subscriptions feature enforces that).
//   8b. A Binary with a securityContext (https://hl7.org/fhir/R4/binary.html#security) is accessed as that resource
//      is: a scope on Binary for the letter, and the securityContext resource as stored (resolved by the caller in
//      one batch, security-contexts.ts) readable for a read or search, writable (create or update, with rule 8's
//      write rule, so never another patient's or shared data under patient/ scopes) for a create, update or delete.
//      A securityContext that is not stored here reaches no one. A Binary without one is in no patient's record
//      and beyond patient/ scopes. So no Binary is ever unrestricted: every path checks each one. A securityContext
//      that is itself a Binary with a securityContext is judged the same way, link by link: at most
//      MAX_CONTEXT_DEPTH links, and a chain that comes back to a Binary already on it reaches no one.
//   9. Chains and _has reach only resources the token may search (confine-chains.ts applies it);
//      _include/_revinclude results only resources it may read or search.
import type { Binary, Resource } from 'fhir/r4.js';
import type { Definitions } from '../../definitions/r4-definitions.js';
import type { InteractionTarget } from '../../fhir/fhir-request.js';
import type { CompartmentScope } from '../../search/search-request.js';
import type { AccessContext } from '../access-context.js';
import { localReference, patientIdOf } from '../../core/ids.js';
import { clinicalScopes, type ClinicalScope, type Permission } from '../smart-scopes.js';
import { notFound } from '../../core/outcomes.js';
import { forbidden } from './outcomes.js';
import type { ResourceFacts } from './resource-facts.js';

const AUDIT = 'AuditEvent';
const SEARCH_PARAMETER = 'SearchParameter';
const READS: readonly Permission[] = ['r', 's'];

/** Rule 1 as the CapabilityStatement states it: interactions on `type` that no token may perform. */
export function refusedToEveryToken(type: string, interaction: string): boolean {
  return type === AUDIT && (LETTERS[interaction] ?? []).some((l) => !READS.includes(l));
}

/** Letters an interaction needs (any one of them); none for capabilities and the bundle itself (entries are checked). */
const LETTERS: Record<string, Permission[]> = {
  read: ['r'],
  vread: ['r'],
  'history-instance': ['r'],
  'search-type': ['s'],
  'history-type': ['s'],
  'history-system': ['s'],
  create: ['c'],
  update: ['u', 'c'],
  patch: ['u'],
  delete: ['d'],
  capabilities: [],
  transaction: [],
  batch: [],
};

/**
 * Operations by name, with the letters they need and, for operations invoked on a Patient whose data is
 * Observations, the type those letters are checked on. An operation not listed needs some permission on its
 * type; its data access is checked as it happens.
 */
const OPERATIONS: Record<string, { letters: Permission[]; dataType?: string }> = {
  lastn: { letters: ['s'] },
  // Statistics over the Observations a search would give (AuthorizedRepository.stats confines them).
  stats: { letters: ['s'] },
  // Validating touches no data itself (an instance's stored content is read, and checked, as a read).
  validate: { letters: ['c', 'r', 'u'] },
  everything: { letters: ['r', 's'] },
  // The patient's summary: read on the Patient; each section's data is searched as the token allows (else withheld).
  summary: { letters: ['r'] },
  // The Composition is read; each resource it brings is read as the token allows (else left out).
  document: { letters: ['r'] },
  'import-wearable': { letters: ['c'], dataType: 'Observation' },
  'connect-fitbit': { letters: ['c'], dataType: 'Observation' },
  'disconnect-fitbit': { letters: ['c'], dataType: 'Observation' },
  'sync-fitbit': { letters: ['c'], dataType: 'Observation' },
  reindex: { letters: ['u'], dataType: SEARCH_PARAMETER },
  'reindex-status': { letters: ['r'], dataType: SEARCH_PARAMETER },
  // Bulk Data: a token exports only what it may read; each type, and each resource, is checked by the export
  // (export-access.ts). Its status, cancellation and files are its starting client's only (export-service.ts).
  export: { letters: ['r'] },
  'export-status': { letters: ['r'] },
  // Terminology operations read definitions only (public by GET, resource-server.ts): by POST, a read or search scope.
  expand: { letters: ['r', 's'] },
  'validate-code': { letters: ['r', 's'] },
  lookup: { letters: ['r', 's'] },
  subsumes: { letters: ['r', 's'] },
  // Subscriptions: read on the Subscription (only its own client sees it); each message sent is checked again.
  'get-ws-binding-token': { letters: ['r'] },
  status: { letters: ['r'] },
  // Each resource an event brings is read with the token as well (left out when it may not).
  events: { letters: ['r'] },
};

/** What a search must be ANDed with: a compartment and query constraints. */
/** How a resource is judged: `constraints: false` skips query constraints (search results, whose SQL applied them). */
export interface DataCheck {
  constraints?: boolean;
  /** The resources Binaries' securityContexts name, as stored, by `Type/id` (security-contexts.ts reads them). */
  targets?: ContextTargets;
}

export type ContextTargets = ReadonlyMap<string, Resource>;

/** Links of securityContext followed from a Binary (Binary -> Binary -> ... -> its record) before refusing. */
export const MAX_CONTEXT_DEPTH = 5;

/** The local resource a Binary's securityContext names, or undefined when it has none (or names another server's). */
export function securityContextOf(resource: Resource): { type: string; id: string } | undefined {
  if (resource.resourceType !== 'Binary') return undefined;
  return localReference((resource as Binary).securityContext?.reference);
}

export interface SearchFilter {
  compartment?: CompartmentScope;
  constraints: [string, string][];
  /**
   * False when SQL cannot say everything: patient/ scopes on a type outside the compartment definition are
   * checked on each result (by the patients it references), so SQL totals would count other patients' too.
   */
  exact: boolean;
}

export class AccessPolicy {
  readonly scopes: ClinicalScope[];
  readonly access: AccessContext;

  constructor(
    access: AccessContext,
    private readonly facts: ResourceFacts,
    private readonly defs: Definitions,
  ) {
    const confined = confineToPatientUser(access, clinicalScopes(access.scopes));
    this.access = confined.access;
    this.scopes = confined.scopes;
  }

  // ---- before the interaction ----

  checkInteraction(t: InteractionTarget): void {
    const operation = t.interaction === 'operation' ? OPERATIONS[t.operation ?? ''] : undefined;
    const letters = t.interaction === 'operation' ? (operation?.letters ?? ['c', 'r', 'u', 'd', 's']) : LETTERS[t.interaction];
    // A compartment search is a search of the compartment's member type.
    const type = operation?.dataType || t.compartmentType || t.type;
    if (type === AUDIT && letters.some((l) => !READS.includes(l))) {
      throw forbidden('AuditEvent is written by the server only: it cannot be created, updated, patched or deleted through the API');
    }
    const reindexing = t.operation === 'reindex' || t.operation === 'reindex-status';
    if (type === SEARCH_PARAMETER && (reindexing || letters.some((l) => !READS.includes(l)))) {
      const what = reindexing ? `$${t.operation}` : `${t.interaction} of a SearchParameter`;
      if (!this.scopes.some((s) => s.level === 'system' && covers(s, type) && letters.some((l) => s.permissions.has(l)))) {
        throw forbidden(
          `${what} changes how every search is answered: it needs a system/ scope such as system/SearchParameter.${letters.includes('r') ? 'r' : letters.join('')} (backend services); ${this.describe()} do not grant one`,
        );
      }
    }
    if (letters.length > 0 && type !== '') this.requireLetter(type, letters);
    if (letters.length > 0 && type === '' && !this.scopes.some((s) => letters.some((l) => s.permissions.has(l)))) {
      throw forbidden(`No granted scope allows ${t.interaction} (needs a scope with '${letters.join("' or '")}')`);
    }
    if (t.type === 'Patient' && t.id !== '' && (t.compartmentType !== '' || t.interaction === 'operation')) {
      this.requireOwnPatient(type, letters, t.id, t.interaction === 'operation' && letters.some((l) => READS.includes(l)));
    }
  }

  /** Some scope covers `type` with one of `letters`; patient/ scopes additionally need a patient in context. */
  requireLetter(type: string, letters: readonly Permission[]): void {
    const covering = this.scopes.filter((s) => covers(s, type) && letters.some((l) => s.permissions.has(l)));
    if (covering.length === 0)
      throw forbidden(
        `${this.describe()} do not allow ${letterNames(letters)} on ${type}: a scope such as ${this.example(type, letters)} is needed`,
      );
    if (covering.every((s) => s.level === 'patient') && !this.access.patient) {
      throw forbidden(`The token's patient/ scopes need a patient in context, and the token has none (ask for launch/patient)`);
    }
  }

  /**
   * With patient-level scopes only, instance operations and compartment searches on Patient/{id} are the context
   * patient's. Another patient's is refused before any lookup, so the answer is the same whether it exists or
   * not: 404 (as an unknown Patient) for an operation that reads, 403 for one that writes into that record and
   * for a compartment search (the client named the other patient).
   */
  private requireOwnPatient(type: string, letters: readonly Permission[], id: string, reads: boolean): void {
    const beyondPatient = this.scopes.some((s) => s.level !== 'patient' && covers(s, type) && letters.some((l) => s.permissions.has(l)));
    if (!beyondPatient && id !== this.access.patient) {
      if (reads) throw notFound('Patient', id);
      throw forbidden(
        `This token is confined to Patient/${this.access.patient ?? '(none)'} (by its patient/ scopes, or as the signed-in patient's own scopes); Patient/${id} is another patient's record`,
      );
    }
  }

  /** Whether some scope grants `letter` on `type` at all (patient/ ones with a patient in context). */
  grants(type: string, letter: Permission): boolean {
    return this.scopes.some(
      (s) => covers(s, type) && s.permissions.has(letter) && (s.level !== 'patient' || this.access.patient !== undefined),
    );
  }

  // ---- on the data ----

  /**
   * Whether some scope allows `letter` on this resource. `constraints: false` skips query constraints
   * (for search results, whose SQL already applied them).
   */
  allows(letter: Permission, resource: Resource, opts: DataCheck = {}): boolean {
    const context = securityContextOf(resource);
    if (context) return this.whyNotBinary([letter], resource, context, opts) === undefined;
    return this.scopeAllows(letter, resource, opts.constraints ?? true);
  }

  private scopeAllows(letter: Permission, resource: Resource, constraints: boolean): boolean {
    return this.scopes.some(
      (s) =>
        covers(s, resource.resourceType) &&
        s.permissions.has(letter) &&
        (s.level !== 'patient' || this.patientAllows(letter, resource)) &&
        (!constraints || s.constraints.every(([name, value]) => this.facts.matches(resource, name, value) === true)),
    );
  }

  /**
   * Rule 8b: why `letters` on a Binary with a securityContext are refused, or undefined when one is allowed. The
   * securityContext resource is looked up in `opts.targets`; absent there, it is not stored here.
   */
  private whyNotBinary(
    wanted: readonly Permission[],
    binary: Resource,
    context: { type: string; id: string },
    opts: DataCheck,
    what = '',
    chain: readonly string[] = [],
  ): string | undefined {
    const ref = `Binary/${binary.id ?? '(new)'}${what ? ` (${what})` : ''}`;
    const named = `${context.type}/${context.id}`;
    const granted = wanted.filter((l) =>
      this.scopes.some(
        (s) =>
          covers(s, 'Binary') &&
          s.permissions.has(l) &&
          (s.level !== 'patient' || this.access.patient !== undefined) &&
          (opts.constraints === false || s.constraints.every(([name, value]) => this.facts.matches(binary, name, value) === true)),
      ),
    );
    if (granted.length === 0)
      return `${this.describe()} do not allow ${letterNames(wanted)} on ${ref}: no granted scope for Binary gives it (its securityContext is ${named})`;
    const target = opts.targets?.get(named);
    if (!target)
      return `${ref}: its securityContext ${named} is not stored here (or is deleted), and a Binary is reached only as its securityContext is`;
    const writes = granted.some((l) => !READS.includes(l));
    const next = securityContextOf(target);
    if (next) return this.whyNotChained(wanted, granted, ref, target, next, opts, [...chain, `Binary/${binary.id ?? '(new)'}`]);
    if (granted.some((l) => READS.includes(l)) && this.scopeAllows('r', target, true)) return undefined;
    if (writes && (['c', 'u'] as const).some((l) => this.scopeAllows(l, target, true))) return undefined;
    if (!writes)
      return `${this.describe()} do not allow ${letterNames(wanted)} on ${ref}: access to a Binary follows its securityContext ${named}, which this token may not read`;
    const patientOnly = this.scopes.filter((s) => covers(s, context.type)).every((s) => s.level === 'patient');
    const problem = patientOnly && this.access.patient ? this.writeProblem(target, this.access.patient) : undefined;
    return (
      `${this.describe()} do not allow ${letterNames(wanted)} on ${ref}: writing a Binary follows its securityContext ${named}, ` +
      `which this token may not write (create or update)${problem ? `: ${problem}` : ''}`
    );
  }

  /**
   * Rule 8b along a chain: `binary`'s securityContext is `target`, itself a Binary whose securityContext is `next`.
   * Reading `binary` needs `target` readable, writing it needs `target` writable, each judged by its own context in
   * turn; `chain` holds the Binaries passed before `target` (its length + 1 is the links followed to reach `next`);
   * a cycle, or more than MAX_CONTEXT_DEPTH links, is refused.
   */
  private whyNotChained(
    wanted: readonly Permission[],
    granted: readonly Permission[],
    ref: string,
    target: Resource,
    next: { type: string; id: string },
    opts: DataCheck,
    chain: readonly string[],
  ): string | undefined {
    const named = `Binary/${target.id}`;
    const path = [...chain, named, `${next.type}/${next.id}`].join(' -> ');
    if (chain.includes(named) || chain.includes(`${next.type}/${next.id}`))
      return `${ref}: its securityContext chain ${path} comes back to a Binary already on it, so it leads to no record and reaches no one`;
    if (chain.length + 1 > MAX_CONTEXT_DEPTH)
      return `${ref}: its securityContext chain ${path} is longer than ${MAX_CONTEXT_DEPTH} links, the most this server follows`;
    const reads = granted.some((l) => READS.includes(l));
    const writes = granted.some((l) => !READS.includes(l));
    const why =
      (reads ? this.whyNotBinary(['r'], target, next, { ...opts, constraints: true }, '', chain) : 'not asked') &&
      (writes ? this.whyNotBinary(['c', 'u'], target, next, { ...opts, constraints: true }, '', chain) : 'not asked');
    if (!why) return undefined;
    return (
      `${this.describe()} do not allow ${letterNames(wanted)} on ${ref}: access to a Binary follows its securityContext ${named}, ` +
      `which this token may not ${writes ? 'write' : 'read'} (${why})`
    );
  }

  /** Throws 403 unless some scope allows one of `letters` on the resource; `what` says which state of it was checked. */
  check(letters: Permission | readonly Permission[], resource: Resource, what = '', opts: DataCheck = {}): void {
    const why = this.whyNot(letters, resource, what, opts);
    if (why !== undefined) throw forbidden(why);
  }

  /** Why no scope allows any of `letters` on the resource (what check() would refuse with), or undefined when one does. */
  whyNot(letters: Permission | readonly Permission[], resource: Resource, what = '', opts: DataCheck = {}): string | undefined {
    const wanted: readonly Permission[] = typeof letters === 'string' ? [letters] : letters;
    const context = securityContextOf(resource);
    if (context) return this.whyNotBinary(wanted, resource, context, opts, what);
    if (wanted.some((l) => this.allows(l, resource))) return undefined;
    const ref = `${resource.resourceType}/${resource.id ?? '(new)'}${what ? ` (${what})` : ''}`;
    const patientOnly = this.scopes.filter((s) => covers(s, resource.resourceType)).every((s) => s.level === 'patient');
    const coveredForLetter = this.scopes.some((s) => covers(s, resource.resourceType) && wanted.some((l) => s.permissions.has(l)));
    const writes = wanted.every((l) => !READS.includes(l));
    const problem =
      patientOnly && coveredForLetter && this.access.patient && writes ? this.writeProblem(resource, this.access.patient) : undefined;
    if (problem) return `${this.describe()} do not allow ${letterNames(wanted)} on ${ref}: ${problem}`;
    const where = patientOnly && this.access.patient ? ` outside Patient/${this.access.patient}'s record or` : '';
    return `${this.describe()} do not allow ${letterNames(wanted)} on ${ref}: it is${where} not matched by any granted scope for ${resource.resourceType}`;
  }

  /** Whether `letter` on `type` needs no per-resource check at all (an unconstrained user/ or system/ scope). */
  unrestricted(type: string, letter: Permission): boolean {
    // Rule 8b: a Binary is judged by its securityContext, one by one.
    if (type === 'Binary') return false;
    return this.scopes.some((s) => covers(s, type) && s.permissions.has(letter) && s.level !== 'patient' && s.constraints.length === 0);
  }

  /** What a search of `type` is ANDed with. Throws 403 when no scope allows it or the scopes' alternatives cannot be combined. */
  searchFilter(type: string): SearchFilter {
    this.requireLetter(type, ['s']);
    const applicable = this.scopes.filter((s) => covers(s, type) && s.permissions.has('s'));
    const inDefinition = this.facts.inCompartmentDefinition(type);
    const alternatives = applicable.map((s) => ({ scope: s, compartment: s.level === 'patient' && inDefinition }));
    const exact = type !== 'Binary' && (this.unrestricted(type, 's') || inDefinition || applicable.every((s) => s.level !== 'patient'));
    if (alternatives.some((a) => !a.compartment && a.scope.constraints.length === 0)) return { constraints: [], exact };
    const compartment =
      alternatives.every((a) => a.compartment) && this.access.patient
        ? { type: 'Patient', id: this.access.patient, params: patientParams(this.defs, type) }
        : undefined;
    if (!compartment && alternatives.some((a) => a.compartment)) throw this.uncombinable(type, applicable);
    if (alternatives.some((a) => a.scope.constraints.length === 0)) return { compartment, constraints: [], exact };
    const constraints = mergeConstraints(applicable);
    if (!constraints) throw this.uncombinable(type, applicable);
    return { compartment, constraints, exact };
  }

  private patientAllows(letter: Permission, resource: Resource): boolean {
    const patient = this.access.patient;
    if (!patient) return false;
    if (!READS.includes(letter)) return this.writeProblem(resource, patient) === undefined;
    // A Binary is the patient's only through its securityContext (rule 8b, whyNotBinary), never by its own content.
    if (resource.resourceType === 'Binary') return false;
    if (this.facts.inCompartmentDefinition(resource.resourceType)) return this.facts.inPatientCompartment(resource, patient);
    const patients = this.facts.referencedPatients(resource);
    return patients.size === 0 || patients.has(patient);
  }

  /**
   * Rule 8's write rule under patient/ scopes: why `resource` (as stored, or as it would be written) may not be
   * created, updated or deleted by Patient/`patient`'s token, or undefined when it may.
   */
  private writeProblem(resource: Resource, patient: string): string | undefined {
    const own = `Patient/${patient}`;
    // A Subscription is in no one's record; what it delivers is confined to its creator's grant (subscriptions/grant.ts).
    if (resource.resourceType === 'Subscription') return undefined;
    if (resource.resourceType === 'Binary')
      return `a Binary is written under patient/ scopes only with a securityContext in ${own}'s record (${own} or a resource of it)`;
    if (resource.resourceType === 'Patient' && resource.id !== patient) {
      return `it is not ${own}, the one Patient resource this token may write`;
    }
    const refs = this.facts.patientReferences(resource);
    const foreign = refs.filter((r) => r.id !== patient);
    if (foreign.length > 0) {
      const named = foreign
        .slice(0, 5)
        .map((r) => `${r.text} (${r.param})`)
        .join(', ');
      return `it refers to ${named}, outside ${own}'s record: every patient a resource written under patient/ scopes refers to must be ${own}`;
    }
    if (resource.resourceType !== 'Patient' && !refs.some((r) => r.id === patient && !r.param.startsWith('contained['))) {
      return this.facts.inCompartmentDefinition(resource.resourceType) || this.facts.referencedPatients(resource).size > 0
        ? `it is outside ${own}'s record (it does not refer to ${own} as its patient)`
        : `it is shared data in no patient's record: readable, but not writable under patient/ scopes`;
    }
    return undefined;
  }

  private uncombinable(type: string, scopes: ClinicalScope[]) {
    return forbidden(
      `The scopes ${scopes.map((s) => s.raw).join(', ')} allow different subsets of ${type} that one search cannot combine; ` +
        'ask for scopes that constrain the same parameter, or search with a token holding one of them',
    );
  }

  private describe(): string {
    return this.scopes.length === 0
      ? 'The token has no resource scopes and its scopes'
      : `The token's scopes (${this.scopes.map((s) => s.raw).join(' ')})`;
  }

  private example(type: string, letters: readonly Permission[]): string {
    if (type === AUDIT) return `system/AuditEvent.${letters.join('')}`;
    const level = this.scopes[0]?.level ?? (this.access.patient ? 'patient' : 'user');
    return `${level}/${type}.${letters[0]}`;
  }
}

/** `*` reaches every type but AuditEvent, which only system/AuditEvent scopes reach. */
export function covers(s: ClinicalScope, type: string): boolean {
  if (type === AUDIT) return s.type === AUDIT && s.level === 'system';
  return s.type === '*' || s.type === type;
}

function patientParams(defs: Definitions, type: string): readonly string[] {
  const params = defs.compartmentParams('Patient', type);
  // The patient itself is in its own compartment (store/mysql/search/where.ts's `{def}`), besides the patients linked to it.
  return type === 'Patient' ? ['{def}', ...params] : params;
}

/** Scopes that each constrain the same one parameter combine into one constraint with the values ORed. */
function mergeConstraints(scopes: ClinicalScope[]): [string, string][] | undefined {
  const first = scopes[0].constraints;
  if (scopes.every((s) => sameConstraints(s.constraints, first))) return first;
  const name = first[0][0];
  if (!scopes.every((s) => s.constraints.length === 1 && s.constraints[0][0] === name)) return undefined;
  return [[name, [...new Set(scopes.map((s) => s.constraints[0][1]))].join(',')]];
}

const sameConstraints = (a: [string, string][], b: [string, string][]) =>
  a.length === b.length && a.every(([k, v], i) => b[i][0] === k && b[i][1] === v);

const NAMES: Record<Permission, string> = { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' };
const letterNames = (letters: readonly Permission[]) => letters.map((l) => `${NAMES[l]} (${l})`).join(' or ');

/** A Patient user's user/ scopes reach only their own compartment (see the header). */
function confineToPatientUser(access: AccessContext, scopes: ClinicalScope[]): { access: AccessContext; scopes: ClinicalScope[] } {
  const self = patientIdOf(access.fhirUser);
  if (!self) return { access, scopes };
  if (access.patient && access.patient !== self) return { access, scopes: scopes.filter((s) => s.level !== 'user') };
  return {
    access: { ...access, patient: self },
    scopes: scopes.map((s) => (s.level === 'user' ? { ...s, level: 'patient' } : s)),
  };
}
