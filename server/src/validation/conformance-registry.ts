// The definitions validation works from, by canonical URL: the base R4 types and resources, the R4 profiles and
// extensions (vital signs...), R4 value sets and code systems, and whatever conformance resources are added
// (the FibroTrack profiles). The large R4 bundles are read on first need. https://hl7.org/fhir/R4/references.html#canonical
import type { CodeSystem, Resource, StructureDefinition, ValueSet } from 'fhir/r4.js';
import { baseTerminology } from '../definitions/base-terminology.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { leanStructureDefinition } from '../definitions/lean-definitions.js';
import { readR4Bundle } from '../definitions/r4-package.js';
import { compileStructure, type CompiledStructure } from './element-plan.js';
import { createCodeSets, type CodeSet } from './value-sets.js';

const R4_BASE = 'http://hl7.org/fhir/StructureDefinition/';
const PROFILE_BUNDLES = ['Bundle-profiles-others.json', 'Bundle-extensions.json'];

export interface ConformanceRegistry {
  readonly defs: Definitions;
  /** A compiled base type/resource (by type name or R4 URL) or profile/extension (by canonical, `|version` ignored). */
  structure(typeOrUrl: string): CompiledStructure | undefined;
  structureDefinition(url: string): StructureDefinition | undefined;
  codeSet: (valueSetUrl: string) => CodeSet | null;
  isPrimitive(type: string): boolean;
  /** Adds StructureDefinitions (with snapshots), ValueSets and CodeSystems; others are ignored. */
  add(resources: Resource[]): void;
  /** The resources added through `add`, in order. */
  readonly added: readonly Resource[];
}

const canonical = (url: string) => url.split('|')[0];

export function createConformanceRegistry(defs: Definitions): ConformanceRegistry {
  const sds = new Map<string, StructureDefinition>();
  const valueSets = new Map<string, ValueSet>();
  const codeSystems = new Map<string, CodeSystem>();
  const compiled = new Map<string, CompiledStructure | null>();
  const added: Resource[] = [];
  let profilesRead = false;

  const index = (r: Resource) => {
    if (r.resourceType === 'StructureDefinition') sds.set((r as StructureDefinition).url, r as StructureDefinition);
    else if (r.resourceType === 'ValueSet' && (r as ValueSet).url) valueSets.set((r as ValueSet).url!, r as ValueSet);
    else if (r.resourceType === 'CodeSystem' && (r as CodeSystem).url) codeSystems.set((r as CodeSystem).url!, r as CodeSystem);
  };

  const structureDefinition = (url: string): StructureDefinition | undefined => {
    const key = canonical(url);
    const found = sds.get(key);
    if (found) return found;
    if (key.startsWith(R4_BASE)) {
      const base = defs.structureDefinition(key.slice(R4_BASE.length));
      if (base?.url === key) return base;
      if (!profilesRead) {
        profilesRead = true;
        for (const file of PROFILE_BUNDLES) {
          for (const r of readR4Bundle(file)) {
            if (!sds.has((r as StructureDefinition).url)) index(r.resourceType === 'StructureDefinition' ? leanStructureDefinition(r) : r);
          }
        }
        return sds.get(key);
      }
    }
    return undefined;
  };

  const structure = (typeOrUrl: string): CompiledStructure | undefined => {
    const hit = compiled.get(typeOrUrl);
    if (hit !== undefined) return hit ?? undefined;
    const key = canonical(typeOrUrl);
    let plan = compiled.get(key);
    if (plan === undefined) {
      const sd = key.includes('/') ? structureDefinition(key) : defs.structureDefinition(key);
      plan = sd ? (compileStructure(sd) ?? null) : null;
      compiled.set(key, plan);
    }
    return plan ?? undefined;
  };

  const codeSets = createCodeSets({
    // Ours (added) win over the R4 copies.
    valueSet: (url) => valueSets.get(url) ?? baseTerminology().valueSets.get(url),
    codeSystem: (url) => codeSystems.get(url) ?? baseTerminology().codeSystems.get(url),
  });

  // Primitive type names start with a lower-case letter (boolean, dateTime, xhtml); complex ones with a capital.
  const primitive = new Map<string, boolean>();
  const isPrimitive = (type: string): boolean => {
    let known = primitive.get(type);
    if (known === undefined) primitive.set(type, (known = type.length > 0 && type.charAt(0) !== type.charAt(0).toUpperCase()));
    return known;
  };

  return {
    defs,
    structure,
    structureDefinition,
    codeSet: codeSets,
    isPrimitive,
    add(resources) {
      for (const r of resources) {
        if (r.resourceType !== 'StructureDefinition' && r.resourceType !== 'ValueSet' && r.resourceType !== 'CodeSystem') continue;
        index(r);
        compiled.delete(canonical((r as StructureDefinition).url ?? ''));
        added.push(r);
      }
    },
    added,
  };
}
