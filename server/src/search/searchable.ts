// Whether a search parameter definition can be searched here: what the parser accepts is what /metadata declares.
import type { SearchParamDef } from '../definitions/r4-definitions.js';
import { PARAM_TYPE_SQL } from './param-types.js';

/** Why `def` cannot be searched, or undefined when it can. */
export function unsearchable(def: SearchParamDef): string | undefined {
  if (!PARAM_TYPE_SQL[def.type]) return `Search parameter '${def.code}' of type ${def.type} is not supported yet`;
  if (def.type === 'composite' && (def.components.length !== 2 || def.components.some((c) => !c.type || !PARAM_TYPE_SQL[c.type]))) {
    return `Composite search parameter '${def.code}' is not supported`;
  }
  return undefined;
}
