// Reference target types: the type a Reference points at (from its literal URL, a contained '#id', or
// Reference.type) must be one the element's targetProfiles allow. https://hl7.org/fhir/R4/references.html
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { issue } from '../core/outcomes.js';
import type { ConformanceRegistry } from './conformance-registry.js';
import type { ElementPlan } from './element-plan.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const R4_BASE = 'http://hl7.org/fhir/StructureDefinition/';

const targetsCache = new WeakMap<ElementPlan, string[] | null>();

/** The resource types an element's Reference may target; null when any will do. */
function targetTypes(plan: ElementPlan, registry: ConformanceRegistry): string[] | null {
  let cached = targetsCache.get(plan);
  if (cached === undefined) {
    const profiles = plan.types.filter((t) => t.code === 'Reference').flatMap((t) => t.targetProfiles);
    const types = profiles.map((p) =>
      p.startsWith(R4_BASE) && !p.slice(R4_BASE.length).includes('/')
        ? (registry.structure(p)?.type ?? p.slice(R4_BASE.length))
        : registry.structure(p)?.type,
    );
    cached =
      profiles.length === 0 || types.some((t) => t === undefined || t === 'Resource' || t === 'DomainResource')
        ? null
        : [...new Set(types as string[])];
    targetsCache.set(plan, cached);
  }
  return cached;
}

/** The resource type a reference string names, when it can be told without resolving it. */
function referencedType(reference: string, resource: Obj, registry: ConformanceRegistry): string | undefined {
  if (reference.startsWith('#')) {
    const hit: unknown = Array.isArray(resource.contained)
      ? resource.contained.find((c) => isObj(c) && c.id === reference.slice(1))
      : undefined;
    return isObj(hit) && typeof hit.resourceType === 'string' ? hit.resourceType : undefined;
  }
  if (reference.startsWith('urn:')) return undefined;
  const segments = reference.split('?')[0].split('/');
  const history = segments.lastIndexOf('_history');
  const typeAt = history > 0 ? history - 2 : segments.length - 2;
  const type = segments[typeAt];
  return type && registry.defs.isResourceType(type) ? type : undefined;
}

export function checkReference(
  plan: ElementPlan,
  value: Obj,
  at: string,
  resource: Obj,
  registry: ConformanceRegistry,
  out: OperationOutcomeIssue[],
): void {
  const allowed = targetTypes(plan, registry);
  if (!allowed) return;
  const found = typeof value.reference === 'string' ? referencedType(value.reference, resource, registry) : undefined;
  const declared = typeof value.type === 'string' ? value.type : undefined;
  for (const [type, where] of [
    [found, `${at}.reference`],
    [declared, `${at}.type`],
  ] as const) {
    if (type === undefined || allowed.includes(type)) continue;
    out.push(
      issue({
        code: 'structure',
        diagnostics: `${at}: a reference to a ${type} is not allowed here; ${plan.label} may refer to ${allowed.join(', ')}`,
        expression: where,
      }),
    );
    return;
  }
}
