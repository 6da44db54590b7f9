// The one form of a username that sign-in, the lockout and the user table agree on: Unicode NFKC, surrounding
// white space trimmed, lowercase. A raw name typed at sign-in is normalized once and used for both the lookup
// and the lockout key, so "Alice ", "ALICE" and "ａｌｉｃｅ" are the same name, with the same failure count.
// https://www.unicode.org/reports/tr15/ (NFKC); the column compares bytes (021-username-binary.sql).

export function normalizeUsername(raw: string): string {
  // NFKC first (it can turn an ideographic space into a space), lowercase may leave a non-NFKC form: normalize again.
  return raw.normalize('NFKC').trim().toLowerCase().normalize('NFKC');
}
