// The command line of a benchmark script: `--name value` numbers and bare flags, after `npm run bench:x --`.

export const args: readonly string[] = process.argv.slice(2);

/** The number after `--name`, or `fallback` when it is not given. */
export function option(name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}
