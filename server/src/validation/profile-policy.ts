// Which profiles a write must meet: the FibroTrack profiles it claims in meta.profile, and, with REQUIRE_PROFILES,
// the FibroTrack profile its content calls for (Observations by their code, MedicationStatements by their type).
// https://hl7.org/fhir/R4/profiling.html#profile-uses
import type { OperationOutcomeIssue, StructureDefinition } from 'fhir/r4.js';
import type { ConformanceRegistry } from './conformance-registry.js';
import { jsonText } from '../core/json-text.js';
import { coversBase } from './covers-base.js';
import { claimedProfiles, type ResourceValidator, type ValidateOptions } from './resource-validator.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Canonical base of every FibroTrack conformance resource. */
export const FIBROTRACK_CANONICAL = 'https://fhir.fibrotrack.org';

/** Resource types whose every instance must meet the FibroTrack profile of the type (when profiles are required). */
const TYPE_WIDE = new Set(['MedicationStatement']);

export interface ProfilePolicy {
  /** FibroTrack profiles of a resource type, for CapabilityStatement.rest.resource.supportedProfile. */
  supportedProfiles(type: string): string[];
  /**
   * Profile sets a write must meet, each a list of alternatives of which one must pass: every claimed FibroTrack
   * profile alone, plus (when required) the profiles its code calls for, unless it claims one of them.
   */
  forWrite(resource: Obj): string[][];
  /** Whether the resource claims one of these profiles in meta.profile. */
  isClaimed(resource: Obj, profiles: string[]): boolean;
}

/** What the FHIR layer uses for profiles: the policy plus validation with options ($validate, profiled writes). */
export interface ProfileSupport extends ProfilePolicy {
  validate(resource: unknown, type: string, options: ValidateOptions): OperationOutcomeIssue[];
  /** Whether a profile (canonical URL) is one we can validate against. */
  isKnown(url: string): boolean;
  /** Whether meeting the profile implies meeting the base definition (covers-base.ts); worked out once per profile. */
  coversBase(url: string): boolean;
  /** Canonical URLs of the implementation guides loaded (CapabilityStatement.implementationGuide). */
  implementationGuides: string[];
}

export function createProfileSupport(
  validator: ResourceValidator,
  requireProfiles: boolean,
  implementationGuides: string[] = [],
): ProfileSupport {
  const policy = createProfilePolicy(validator.registry, requireProfiles);
  const registry = validator.registry;
  const covering = new Map<string, boolean>();
  return {
    ...policy,
    implementationGuides,
    validate: (resource, type, options) => validator.validate(resource, type, options),
    isKnown: (url) => registry.structure(url) !== undefined,
    coversBase(url) {
      let covers = covering.get(url);
      if (covers === undefined) {
        const sd = registry.structureDefinition(url);
        covers = sd !== undefined && coversBase(sd, registry.defs, (u) => registry.structureDefinition(u)?.type);
        covering.set(url, covers);
      }
      return covers;
    },
  };
}

export function createProfilePolicy(registry: ConformanceRegistry, requireProfiles: boolean): ProfilePolicy {
  const ours = () =>
    registry.added.filter(
      (r): r is StructureDefinition =>
        r.resourceType === 'StructureDefinition' &&
        (r as StructureDefinition).url.startsWith(`${FIBROTRACK_CANONICAL}/`) &&
        (r as StructureDefinition).kind === 'resource',
    );
  let byCode: Map<string, string[]> | undefined;
  let byType: Map<string, string[]> | undefined;
  let known: Set<string> | undefined;

  const index = () => {
    if (byCode && byType) return;
    byCode = new Map();
    byType = new Map();
    known = new Set(ours().map((sd) => sd.url));
    for (const sd of ours()) {
      const list = byType.get(sd.type) ?? [];
      list.push(sd.url);
      byType.set(sd.type, list);
      for (const code of profileCodes(registry, sd.url)) {
        const same = byCode.get(code) ?? [];
        same.push(sd.url);
        byCode.set(code, same);
      }
    }
  };

  return {
    isClaimed: (resource, profiles) => claimedProfiles(resource).some((p) => profiles.includes(p.split('|')[0])),
    supportedProfiles(type) {
      index();
      return byType!.get(type) ?? [];
    },
    forWrite(resource) {
      const claims = claimedProfiles(resource);
      if (claims.length === 0 && !requireProfiles) return [];
      index();
      // A claimed profile in our namespace that we do not define is held to as well: its check fails as unknown.
      const claimed = claims
        .map((p) => p.split('|')[0])
        .filter((p) => known!.has(p) || p.startsWith(`${FIBROTRACK_CANONICAL}/StructureDefinition/`));
      const sets = claimed.map((p) => [p]);
      if (!requireProfiles) return sets;
      const type = String(resource.resourceType);
      const wanted = TYPE_WIDE.has(type)
        ? (byType!.get(type) ?? [])
        : [...new Set(codesOf(resource.code).flatMap((c) => byCode!.get(c) ?? []))].filter((p) => registry.structure(p)?.type === type);
      if (wanted.length > 0 && !wanted.some((p) => claimed.includes(p))) sets.push(wanted);
      return sets;
    },
  };
}

function codesOf(cc: unknown): string[] {
  if (!isObj(cc) || !Array.isArray(cc.coding)) return [];
  return cc.coding.filter(isObj).map((c) => `${jsonText(c.system)}|${jsonText(c.code)}`);
}

/** The codes a profile fixes for `code`: from a pattern or fixed value, or from fixed values in slices of code.coding. */
function profileCodes(registry: ConformanceRegistry, url: string): string[] {
  const structure = registry.structure(url);
  const code = structure?.root.children.find((c) => c.name === 'code');
  if (!code) return [];
  const out = codesOf(code.pattern ?? code.fixed);
  const coding = code.children.find((c) => c.name === 'coding');
  for (const slice of coding?.slices ?? []) {
    const value = (name: string) => {
      const e = slice.children.find((c) => c.name === name);
      return e?.fixed ?? e?.pattern;
    };
    const fixedCode = value('code');
    if (typeof fixedCode === 'string') out.push(`${jsonText(value('system'))}|${fixedCode}`);
    else out.push(...codesOf({ coding: [slice.pattern ?? slice.fixed] }));
  }
  return out;
}
