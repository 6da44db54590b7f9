// CPU time (user + system) a process has used so far, from /proc (Linux): what the server and MariaDB each spend on
// an import, a figure the other processes of a shared machine disturb much less than wall time.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

export function cpuSeconds(pid: number): number {
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14th and 15th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** The local MariaDB (or MySQL) server's pid, when it runs on this machine. */
export function databasePid(): number | undefined {
  for (const name of ['mariadbd', 'mysqld']) {
    try {
      return Number(execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).trim().split('\n')[0]);
    } catch {
      // not running under this name
    }
  }
  return undefined;
}
