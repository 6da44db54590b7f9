// FHIR search's escapes: in a parameter value `\,` `\$` `\|` and `\\` stand for the characters themselves (a comma
// would separate values, `$` composite parts, `|` system and code). https://hl7.org/fhir/R4/search.html#escaping
const SPECIAL = /[\\,$|]/g;

/** A person's text as one value of a string parameter (`name`), whatever characters it holds. */
export function escapeSearchValue(text: string): string {
  return text.replace(SPECIAL, (c) => `\\${c}`);
}

/**
 * A parameter's value split at its unescaped commas. `all`: every escape is undone (string parameters, where `$` and
 * `|` mean nothing); else only `\,`, the other escapes left for the type's own parsing of `|` and `$`.
 */
export function splitSearchValues(value: string, all: boolean): string[] {
  const values: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length && '\\,$|'.includes(value[i + 1])) {
      const next = value[++i];
      current += all || next === ',' ? next : `\\${next}`;
    } else if (c === ',') {
      values.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  values.push(current);
  return values;
}
