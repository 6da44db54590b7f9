// A set of codes per code system, as value set expansion and subsumption produce it. A system can be
// held whole ("every code of LOINC") without listing its codes, so a value set that includes a code
// system we do not hold still answers `:in`.
export interface SystemCodes {
  /** Every code of the system, minus `excluded`. */
  all: boolean;
  /** The codes in the set when `all` is false. */
  codes: Set<string>;
  /** Codes taken out of an `all` set. */
  excluded: Set<string>;
}

export type CodeSet = Map<string, SystemCodes>;

export const emptyCodeSet = (): CodeSet => new Map();

export function codesOf(system: string, codes: Iterable<string>): CodeSet {
  return new Map([[system, { all: false, codes: new Set(codes), excluded: new Set() }]]);
}

export function wholeSystem(system: string): CodeSet {
  return new Map([[system, { all: true, codes: new Set(), excluded: new Set() }]]);
}

export function hasCode(set: CodeSet, system: string, code: string): boolean {
  const s = set.get(system);
  if (!s) return false;
  return s.all ? !s.excluded.has(code) : s.codes.has(code);
}

export function union(a: CodeSet, b: CodeSet): CodeSet {
  const out: CodeSet = new Map();
  for (const system of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(system);
    const y = b.get(system);
    if (!x || !y) {
      out.set(system, copy((x ?? y)!));
    } else if (x.all || y.all) {
      // Excluded from the result only what neither side contains.
      const excluded = new Set([...(x.all ? x.excluded : []), ...(y.all ? y.excluded : [])]);
      for (const code of excluded) if (hasCode(a, system, code) || hasCode(b, system, code)) excluded.delete(code);
      out.set(system, { all: true, codes: new Set(), excluded });
    } else {
      out.set(system, { all: false, codes: new Set([...x.codes, ...y.codes]), excluded: new Set() });
    }
  }
  return out;
}

export function intersect(a: CodeSet, b: CodeSet): CodeSet {
  const out: CodeSet = new Map();
  for (const [system, x] of a) {
    const y = b.get(system);
    if (!y) continue;
    if (x.all && y.all) {
      out.set(system, { all: true, codes: new Set(), excluded: new Set([...x.excluded, ...y.excluded]) });
    } else {
      const listed = x.all ? y.codes : x.codes;
      out.set(system, {
        all: false,
        codes: new Set([...listed].filter((c) => hasCode(a, system, c) && hasCode(b, system, c))),
        excluded: new Set(),
      });
    }
  }
  return out;
}

export function subtract(a: CodeSet, b: CodeSet): CodeSet {
  const out: CodeSet = new Map();
  for (const [system, x] of a) {
    const y = b.get(system);
    if (!y) {
      out.set(system, copy(x));
    } else if (y.all) {
      // Whole-system minus whole-system leaves only what y excluded, and only when x lists codes.
      const codes = x.all ? [...y.excluded].filter((c) => !x.excluded.has(c)) : [...x.codes].filter((c) => y.excluded.has(c));
      out.set(system, { all: false, codes: new Set(codes), excluded: new Set() });
    } else if (x.all) {
      out.set(system, { all: true, codes: new Set(), excluded: new Set([...x.excluded, ...y.codes]) });
    } else {
      out.set(system, { all: false, codes: new Set([...x.codes].filter((c) => !y.codes.has(c))), excluded: new Set() });
    }
  }
  return out;
}

/** How many codes are listed (whole systems count once): bounds the SQL a search builds. */
export function listedSize(set: CodeSet): number {
  let n = 0;
  for (const s of set.values()) n += s.all ? 1 + s.excluded.size : s.codes.size;
  return n;
}

function copy(s: SystemCodes): SystemCodes {
  return { all: s.all, codes: new Set(s.codes), excluded: new Set(s.excluded) };
}
