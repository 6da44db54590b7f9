// Reading typed settings from environment variables: a malformed value is refused with the variable named.
type Env = Record<string, string | undefined>;

/** `true` or `false`; undefined when the variable is unset or empty. */
export function optionalBoolVar(env: Env, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw !== 'true' && raw !== 'false') throw new Error(`${name} must be true or false, got '${raw}'`);
  return raw === 'true';
}

/** A whole number of zero or more; `fallback` when the variable is unset or empty. */
export function intVar(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return Number(raw);
}
