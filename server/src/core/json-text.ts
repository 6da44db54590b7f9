// A parsed JSON value as text where a string is expected (a code, a scope, an id Fitbit sends as a number):
// strings as they are, numbers and booleans as String() writes them, null and undefined as '', and anything else
// as its JSON, never as '[object Object]'.
export function jsonText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return '';
  return JSON.stringify(v) ?? '';
}
