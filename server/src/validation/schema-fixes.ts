// Corrections to the published R4 fhir.schema.json, which was generated from 4.0.0 and has three defects
// that reject valid 4.0.1 resources (the official validator accepts them):
// - the FHIRVersion enums lack '4.0.1', the version of R4 itself;
// - elements of type canonical have no `_name` companion for their id/extensions (json.html#primitive);
// - the datatype regexes are XML Schema regexes, where \s is only space, tab, CR and LF, but ECMAScript
//   reads \s as any Unicode space, so a no-break space in a string or code was refused (datatypes.html).
type Schema = Record<string, unknown>;

const XSD_SPACE = ' \\t\\r\\n';
/** ECMAScript versions of the XML Schema patterns: the same meaning, \s narrowed to XSD white space. */
const PATTERN_FIXES: Record<string, string> = {
  '^\\S*$': `^[^${XSD_SPACE}]*$`,
  '^[^\\s]+(\\s[^\\s]+)*$': `^[^${XSD_SPACE}]+([${XSD_SPACE}][^${XSD_SPACE}]+)*$`,
  '^[ \\r\\n\\t\\S]+$': '^[\\s\\S]+$',
};

export function fixR4Schema(schema: Schema): Schema {
  const definitions = schema.definitions as Record<string, Schema>;
  for (const def of Object.values(definitions)) {
    if (typeof def.pattern === 'string' && PATTERN_FIXES[def.pattern]) def.pattern = PATTERN_FIXES[def.pattern];
    const props = def.properties as Record<string, Schema> | undefined;
    if (!props) continue;
    for (const [name, prop] of Object.entries(props)) {
      addVersion(prop);
      for (const target of [prop, prop.items as Schema | undefined]) {
        if (typeof target?.pattern === 'string' && PATTERN_FIXES[target.pattern]) target.pattern = PATTERN_FIXES[target.pattern];
      }
      if (isCanonical(prop) && props[`_${name}`] === undefined) {
        props[`_${name}`] = prop.type === 'array'
          ? { type: 'array', items: { $ref: '#/definitions/Element' } }
          : { $ref: '#/definitions/Element' };
      }
    }
  }
  return schema;
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
