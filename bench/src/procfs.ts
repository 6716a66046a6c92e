// CPU time and memory of processes, read from /proc (Linux only): utime + stime of /proc/<pid>/stat, in clock ticks.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  pid: number;
  ppid: number;
  comm: string;
  ticks: number;
}

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may itself hold spaces or parentheses: the fields start after the last ')'.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return { pid, ppid: Number(fields[1]), comm, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null; // gone between listing and reading
  }
}

function allStats(): Stat[] {
  const stats: Stat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** What to account for: a named process tree (a pid and its descendants), or every process with a given comm. */
export type Probe = { pid: number } | { comm: string };

/** CPU ticks per probe name, per process id (so a process that starts between two samples counts from zero). */
export type CpuSample = Record<string, Map<number, number>>;

export function sampleCpu(probes: Record<string, Probe | undefined>): CpuSample {
  const stats = allStats();
  const children = new Map<number, Stat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const sample: CpuSample = {};
  for (const [name, probe] of Object.entries(probes)) {
    const ticks = new Map<number, number>();
    if (probe && 'pid' in probe) {
      const queue = byPid.has(probe.pid) ? [byPid.get(probe.pid)!] : [];
      while (queue.length > 0) {
        const stat = queue.pop()!;
        ticks.set(stat.pid, stat.ticks);
        queue.push(...(children.get(stat.pid) ?? []));
      }
    } else if (probe) {
      for (const stat of stats) if (stat.comm === probe.comm) ticks.set(stat.pid, stat.ticks);
    }
    sample[name] = ticks;
  }
  return sample;
}

/** CPU milliseconds each probe used between two samples (processes that exited in between are not counted). */
export function cpuMillis(before: CpuSample, after: CpuSample): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [name, ticks] of Object.entries(after)) {
    let delta = 0;
    for (const [pid, now] of ticks) delta += now - (before[name]?.get(pid) ?? 0);
    result[name] = (delta * 1000) / CLOCK_TICKS_PER_SECOND;
  }
  return result;
}

/** Resident set size in bytes (VmRSS), or NaN. */
export function rssBytes(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return Number(line?.split(/\s+/)[1]) * 1024;
  } catch {
    return NaN;
  }
}
