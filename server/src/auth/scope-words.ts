// Requested scopes in plain words for the consent page, grouped by what they allow (who you are, the open
// patient, seeing records, changing records, staying signed in). The raw scope stays beside each sentence.
// https://hl7.org/fhir/smart-app-launch/STU2.2/scopes-and-launch-context.html
import { parseClinicalScope, type ClinicalScope } from './smart-scopes.js';

export type ScopeGroup = 'identity' | 'context' | 'read' | 'write' | 'session' | 'other';

export const GROUP_TITLES: Record<ScopeGroup, string> = {
  identity: 'Who you are',
  context: 'What is open',
  read: 'See health records',
  write: 'Add or change health records',
  session: 'How long access lasts',
  other: 'Other permissions',
};

export interface ScopeWording {
  scope: string;
  group: ScopeGroup;
  text: string;
}

/** Whose records a clinical scope reaches, in the words of the person consenting. */
export interface Audience {
  /** The patient the grant is confined to (patient/ scopes), as shown to the user. */
  patientLabel?: string;
  /** The signed-in user is a patient: user/ scopes reach only their own record. */
  userIsPatient: boolean;
}

const FIXED: Record<string, Omit<ScopeWording, 'scope'>> = {
  openid: { group: 'identity', text: 'Know that it is you who signed in' },
  fhirUser: { group: 'identity', text: 'Know your user record (your name and role)' },
  profile: { group: 'identity', text: 'See your name' },
  launch: { group: 'context', text: 'Know which patient (and encounter) the EHR has open' },
  'launch/patient': { group: 'context', text: 'Know which patient record is open' },
  'launch/encounter': { group: 'context', text: 'Know which encounter is open' },
  online_access: { group: 'session', text: 'Keep access while you stay signed in' },
  offline_access: { group: 'session', text: 'Keep access after you close the app, until you revoke it' },
};

const VERBS: [perm: string, word: string][] = [
  ['c', 'add'],
  ['r', 'read'],
  ['u', 'change'],
  ['d', 'delete'],
  ['s', 'search'],
];

export function describeScope(scope: string, audience: Audience): ScopeWording {
  const fixed = FIXED[scope];
  if (fixed) return { scope, ...fixed };
  const clinical = parseClinicalScope(scope);
  if (!clinical) return { scope, group: 'other', text: 'A permission this server does not describe' };
  const writes = ['c', 'u', 'd'].some((p) => clinical.permissions.has(p as 'c'));
  const verbs = VERBS.filter(([p]) => clinical.permissions.has(p as 'c')).map(([, w]) => w);
  const only = clinical.constraints.length ? ` (only where ${clinical.constraints.map(([k, v]) => `${k} is ${v}`).join(' and ')})` : '';
  const text = `${capitalise(joinWords(verbs))} ${typeWords(clinical.type)} ${whose(clinical, audience)}${only}`;
  return { scope, group: writes ? 'write' : 'read', text };
}

function whose(scope: ClinicalScope, audience: Audience): string {
  if (scope.level === 'patient') return audience.patientLabel ? `of ${audience.patientLabel} only` : 'of the open patient only';
  if (scope.level === 'system') return 'of every patient on this server';
  return audience.userIsPatient ? 'in your own record' : 'of every patient you may see';
}

/** `MedicationStatement` -> `medication statements`; `*` -> every kind of record. */
function typeWords(type: string): string {
  if (type === '*') return 'every kind of record';
  if (type === 'Patient') return 'patient details (name, birth date, identifiers)';
  const words = type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.endsWith('s') ? `${words} records` : `${words}s`;
}

function joinWords(words: string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
