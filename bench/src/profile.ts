// Top self-time frames of a V8 .cpuprofile (what `node --cpu-prof` writes), optionally only inside given windows.
import { readFileSync } from 'node:fs';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>;
  startTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface Frame {
  frame: string;
  selfMs: number;
  percent: number;
}

/** Windows are [start, end] in microseconds of the monotonic clock (process.hrtime), the clock V8 stamps samples with. */
export function topFrames(file: string, count = 10, windows: Array<[number, number]> = []): { frames: Frame[]; totalMs: number } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let time = profile.startTime;
  let inWindows = 0;
  const inside = (t: number) => windows.length === 0 || windows.some(([a, b]) => t >= a && t <= b);
  for (let i = 0; i < samples.length; i += 1) {
    time += deltas[i] ?? 0;
    // The time a sample stands for is the gap to the next one.
    const weight = deltas[i + 1] ?? 0;
    if (!inside(time)) continue;
    inWindows += 1;
    self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + weight);
  }
  if (samples.length === 0 || (windows.length > 0 && inWindows === 0)) {
    // No sample timeline (or none inside the windows): fall back to hit counts over the whole profile.
    self.clear();
    const interval = samples.length > 1 ? (time - profile.startTime) / samples.length : 1000;
    for (const n of profile.nodes) if (n.hitCount) self.set(n.id, n.hitCount * interval);
  }
  const byFrame = new Map<string, number>();
  for (const [id, micros] of self) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    const where = url ? `${url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '~/')}:${lineNumber + 1}` : '';
    // Idle time is not work: left out, so percentages are of the busy time.
    if (functionName === '(idle)') continue;
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    byFrame.set(key, (byFrame.get(key) ?? 0) + micros);
  }
  const total = [...byFrame.values()].reduce((a, b) => a + b, 0);
  const frames = [...byFrame]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([frame, micros]) => ({ frame, selfMs: micros / 1000, percent: total ? (100 * micros) / total : 0 }));
  return { frames, totalMs: total / 1000 };
}
