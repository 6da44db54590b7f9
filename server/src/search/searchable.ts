// Whether a search parameter definition can be searched here: what the parser accepts is what /metadata declares.
import type { SearchParamDef } from '../definitions/r4-definitions.js';
import { isSearchableType } from './param-types.js';

/** Why `def` cannot be searched, or undefined when it can. */
export function unsearchable(def: SearchParamDef): string | undefined {
  if (!isSearchableType(def.type)) return `Search parameter '${def.code}' of type ${def.type} is not supported yet`;
  if (def.type === 'composite' && (def.components.length !== 2 || def.components.some((c) => !isSearchableType(c.type)))) {
    return `Composite search parameter '${def.code}' is not supported`;
  }
  return undefined;
}
