// Resources inside resources (contained, Bundle entries, Parameters values) are validated as what
// they are, by their own type, instead of through the schema's oneOf over all 146 types.
// https://hl7.org/fhir/R4/references.html#contained
type Obj = Record<string, unknown>;

export interface NestedResource {
  /** Location prefix for issues, e.g. `Bundle.entry[3].resource`. */
  at: string;
  resource: Obj;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A shallow copy of `resource` without its nested resources, and the nested resources themselves. */
export function splitNested(resource: Obj, at: string): { outer: Obj; nested: NestedResource[] } {
  const nested: NestedResource[] = [];
  const outer: Obj = { ...resource };
  if (Array.isArray(resource.contained)) {
    resource.contained.forEach((r, i) => isObj(r) && nested.push({ at: `${at}.contained[${i}]`, resource: r }));
    delete outer.contained;
  }
  if (resource.resourceType === 'Bundle' && Array.isArray(resource.entry)) {
    outer.entry = resource.entry.map((e, i) => {
      if (!isObj(e)) return e;
      const copy: Obj = { ...e };
      if (isObj(e.resource)) {
        nested.push({ at: `${at}.entry[${i}].resource`, resource: e.resource });
        delete copy.resource;
      }
      if (isObj(e.response) && isObj(e.response.outcome)) {
        nested.push({ at: `${at}.entry[${i}].response.outcome`, resource: e.response.outcome });
        copy.response = { ...e.response };
        delete (copy.response as Obj).outcome;
      }
      return copy;
    });
  }
  if (resource.resourceType === 'Parameters' && Array.isArray(resource.parameter)) {
    outer.parameter = stripParameterResources(resource.parameter, `${at}.parameter`, nested);
  }
  return { outer, nested };
}

function stripParameterResources(params: unknown[], at: string, nested: NestedResource[]): unknown[] {
  return params.map((p, i) => {
    if (!isObj(p)) return p;
    const copy: Obj = { ...p };
    if (isObj(p.resource)) {
      nested.push({ at: `${at}[${i}].resource`, resource: p.resource });
      delete copy.resource;
    }
    if (Array.isArray(p.part)) copy.part = stripParameterResources(p.part, `${at}[${i}].part`, nested);
    return copy;
  });
}
