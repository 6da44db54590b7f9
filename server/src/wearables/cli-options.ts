// Command-line options for the wearable commands: `--name value`, `--flag` and positional arguments.
export interface ParsedOptions {
  positional: string[];
  values: Record<string, string>;
  flags: Set<string>;
}

/** undefined when an option is unknown or lacks its value. */
export function parseOptions(args: string[], valued: string[], flags: string[]): ParsedOptions | undefined {
  const out: ParsedOptions = { positional: [], values: {}, flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      out.positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
    if (flags.includes(name)) out.flags.add(name);
    else if (valued.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) return undefined;
      out.values[name] = value;
    } else return undefined;
  }
  return out;
}
