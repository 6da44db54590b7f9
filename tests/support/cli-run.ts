// Runs the fibrotrack CLI in-process (runCli, as bin/fibrotrack.js does) and captures what it prints.
import { runCli } from '../../server/src/cli/run-cli.js';

export interface CliResult {
  code: number | undefined;
  out: string;
  err: string;
}

export async function runCliCaptured(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const code = await runCli(args, env);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}
