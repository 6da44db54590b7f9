// A tiny SQL builder: text with `?` placeholders plus values, composed without ever concatenating a value.

export interface Sql {
  readonly text: string;
  readonly values: readonly unknown[];
}

const isSql = (v: unknown): v is Sql =>
  typeof v === 'object' && v !== null && 'text' in v && 'values' in v && Array.isArray((v as Sql).values);

/** Tagged template: interpolated Sql fragments are inlined, anything else becomes a `?` placeholder. */
export function sql(strings: TemplateStringsArray, ...parts: unknown[]): Sql {
  let text = strings[0];
  const values: unknown[] = [];
  parts.forEach((part, i) => {
    if (isSql(part)) {
      text += part.text;
      values.push(...part.values);
    } else {
      text += '?';
      values.push(checkedValue(part));
    }
    text += strings[i + 1];
  });
  return { text, values };
}

/**
 * mysql2 writes a placeholder's number into the statement as its JavaScript text, so NaN or Infinity would become
 * a column name (`Unknown column 'NaN'`), and an invalid Date a nonsense literal. Callers refuse such input with a
 * 400 first (fhir-values/number-range.ts); this is the backstop that keeps it out of SQL whatever the path.
 */
function checkedValue(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new TypeError(`Refusing the non-finite number ${v} as an SQL value`);
  if (v instanceof Date && Number.isNaN(v.getTime())) throw new TypeError('Refusing an invalid Date as an SQL value');
  return v;
}

export function joinSql(parts: readonly Sql[], separator: string): Sql {
  return {
    text: parts.map((p) => p.text).join(separator),
    values: parts.flatMap((p) => p.values),
  };
}

/** Identifiers only; never user input. */
export function identifier(name: string): Sql {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Refusing SQL identifier '${name}'`);
  return { text: name, values: [] };
}

export const and = (parts: readonly Sql[]): Sql =>
  parts.length === 0 ? sql`1=1` : parts.length === 1 ? parts[0] : sql`(${joinSql(parts, ' AND ')})`;

export const or = (parts: readonly Sql[]): Sql =>
  parts.length === 0 ? sql`1=0` : parts.length === 1 ? parts[0] : sql`(${joinSql(parts, ' OR ')})`;
