// Parses `--name value`, repeatable `--name value` and bare `--flag` options of the auth CLI commands.
export interface ParsedArgs {
  values: Record<string, string>;
  lists: Record<string, string[]>;
  flags: Set<string>;
  positional: string[];
}

export function parseArgs(args: string[], spec: { values?: string[]; lists?: string[]; flags?: string[] }): ParsedArgs | string {
  const out: ParsedArgs = { values: {}, lists: {}, flags: new Set(), positional: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      out.positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (spec.flags?.includes(name)) {
      out.flags.add(name);
      continue;
    }
    const value = args[i + 1];
    if (!spec.values?.includes(name) && !spec.lists?.includes(name)) return `unknown option ${arg}`;
    if (value === undefined || value.startsWith('--')) return `${arg} needs a value`;
    i++;
    if (spec.lists?.includes(name)) (out.lists[name] ??= []).push(value);
    else out.values[name] = value;
  }
  return out;
}
