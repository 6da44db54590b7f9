// Corrections to the published R4 fhir.schema.json so it accepts exactly what R4 allows, and can be compiled per type.
// https://hl7.org/fhir/R4/json.html#schema (defects fixed here are listed on fixR4Schema)
type Schema = Record<string, unknown>;

/** Custom ajv keyword that stands where the schema had `$ref: ResourceList` (see schema-validator.ts). */
export const RESOURCE_KEYWORD = 'fhirResource';

/** Custom ajv keyword on the date and time primitives: the value must be a real calendar value (core/calendar.ts). */
export const CALENDAR_KEYWORD = 'fhirCalendar';
const CALENDAR_TYPES = new Set(['date', 'dateTime', 'instant', 'time']);

const XSD_SPACE = ' \\t\\r\\n';
/** ECMAScript versions of the XML Schema patterns: the same meaning, \s narrowed to XSD white space. */
const PATTERN_FIXES: Record<string, string> = {
  '^\\S*$': `^[^${XSD_SPACE}]*$`,
  '^[^\\s]+(\\s[^\\s]+)*$': `^[^${XSD_SPACE}]+([${XSD_SPACE}][^${XSD_SPACE}]+)*$`,
  '^[ \\r\\n\\t\\S]+$': '^[\\s\\S]+$',
};

/** R4 integers are 32-bit (datatypes.html#integer); the schema types them as any number, so 1.5 passed. */
const INTEGER_TYPES: Record<string, Schema> = {
  integer: { type: 'integer', minimum: -2147483648, maximum: 2147483647 },
  positiveInt: { type: 'integer', minimum: 1, maximum: 2147483647 },
  unsignedInt: { type: 'integer', minimum: 0, maximum: 2147483647 },
};

/**
 * Fixes, in place:
 * - the FHIRVersion enums lack '4.0.1', the version of R4 itself (the schema was generated from 4.0.0);
 * - elements of type canonical have no `_name` companion for their id/extensions (json.html#primitive);
 * - the datatype regexes are XML Schema regexes, where \s is only space, tab, CR and LF, but ECMAScript
 *   reads \s as any Unicode space, so a no-break space in a string or code was refused;
 * - integer, positiveInt and unsignedInt accepted fractions and out-of-range numbers;
 * - some choice elements (Task.input.valueInteger...) inline a copy of their primitive instead of a $ref,
 *   which would escape the fixes above and leave errors nameless; they now $ref the primitive;
 * - xhtml had no type at all, so `"div": 5` passed;
 * - complex types, backbone elements and resources had no `type: object`, so `"code": "x"` passed;
 * - empty objects and arrays passed, though FHIR JSON forbids them (json.html: "SHALL not be empty");
 * - arrays of primitives may hold null where their `_name` twin holds extensions, and vice versa (json.html#primitive);
 * - patterns on boolean and number types only ever apply to strings, where they add a second error to the type error;
 * - the date and time patterns let through days a month does not have (2026-02-30, 2023-02-29): CALENDAR_KEYWORD
 *   checks them (the patterns already bound months, hours, minutes, seconds and offsets);
 * - every `$ref: ResourceList` (a oneOf over all 146 resource types) becomes RESOURCE_KEYWORD, which
 *   validates a nested resource by its own resourceType; otherwise compiling any DomainResource compiles
 *   every resource type (3 s) and a bad contained resource yields 146 errors.
 */
export function fixR4Schema(schema: Schema): Schema {
  const definitions = schema.definitions as Record<string, Schema>;
  refInlinePrimitives(definitions);
  for (const [name, def] of Object.entries(definitions)) {
    if (INTEGER_TYPES[name]) {
      Object.assign(def, INTEGER_TYPES[name]);
      delete def.pattern;
    }
    if (name === 'xhtml') def.type = 'string';
    if (CALENDAR_TYPES.has(name)) def[CALENDAR_KEYWORD] = name;
    if (def.properties && def.type === undefined) def.type = 'object';
    if (def.type === 'object') def.minProperties = 1;
    if (def.type !== 'string' && def.pattern !== undefined) delete def.pattern;
    fixPattern(def);
    const props = def.properties as Record<string, Schema> | undefined;
    if (!props) continue;
    for (const [prop, propSchema] of Object.entries(props)) {
      addVersion(propSchema);
      for (const target of [propSchema, propSchema.items as Schema | undefined]) {
        if (!target) continue;
        fixPattern(target);
        if (target.$ref === '#/definitions/ResourceList') {
          delete target.$ref;
          target[RESOURCE_KEYWORD] = true;
        }
      }
      if (isCanonical(propSchema) && props[`_${prop}`] === undefined) {
        props[`_${prop}`] =
          propSchema.type === 'array' ? { type: 'array', items: { $ref: '#/definitions/Element' } } : { $ref: '#/definitions/Element' };
      }
    }
    for (const [prop, propSchema] of Object.entries(props)) {
      if (propSchema.type !== 'array') continue;
      propSchema.minItems = 1;
      const twin = prop.startsWith('_') ? prop.slice(1) : `_${prop}`;
      if (props[twin]?.type === 'array') propSchema.items = { anyOf: [propSchema.items, { type: 'null' }] };
    }
  }
  return schema;
}

function refInlinePrimitives(definitions: Record<string, Schema>): void {
  const primitives = Object.keys(definitions)
    .filter((n) => /^[a-z]/.test(n))
    .sort((a, b) => b.length - a.length);
  for (const def of Object.values(definitions)) {
    for (const [prop, propSchema] of Object.entries((def.properties ?? {}) as Record<string, Schema>)) {
      const target = (propSchema.items as Schema | undefined) ?? propSchema;
      if (target.$ref || target.pattern === undefined) continue;
      const type = primitives.find((p) => prop.endsWith(p.charAt(0).toUpperCase() + p.slice(1)));
      if (!type) continue;
      for (const key of Object.keys(target)) if (key !== 'description') delete target[key];
      target.$ref = `#/definitions/${type}`;
    }
  }
}

function fixPattern(target: Schema): void {
  if (typeof target.pattern === 'string' && PATTERN_FIXES[target.pattern]) target.pattern = PATTERN_FIXES[target.pattern];
}

function isCanonical(prop: Schema): boolean {
  const ref = (prop.$ref ?? (prop.items as Schema | undefined)?.$ref) as string | undefined;
  return ref === '#/definitions/canonical';
}

function addVersion(prop: Schema): void {
  const target = (prop.items as Schema | undefined) ?? prop;
  const values = target.enum as string[] | undefined;
  if (values?.includes('4.0.0') && !values.includes('4.0.1')) values.push('4.0.1');
}
