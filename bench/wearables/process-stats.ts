// CPU time and memory of a process, from /proc (Linux): what the server and MariaDB each spend on an import (CPU time
// is a figure the other processes of a shared machine disturb much less than wall time), and the server's resident
// memory at its peak during the import.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

export function cpuSeconds(pid: number): number {
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14th and 15th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

const statusMB = (pid: number, field: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** Resident memory now, in MiB. */
export const residentMB = (pid: number) => statusMB(pid, 'VmRSS');

/** The highest resident memory since the last resetPeakResident (or the start), in MiB. */
export const peakResidentMB = (pid: number) => statusMB(pid, 'VmHWM');

/** Starts the peak over from the current resident size (Linux: 5 written to clear_refs), so that startup does not count. */
export function resetPeakResident(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
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
