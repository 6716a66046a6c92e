// The tables on stdout (Markdown, so a run can be pasted into the README): means over rounds per system, and B/A.
import type { BenchOptions } from './options.js';
import type { Frame } from './profile.js';
import type { Scenario } from './scenarios.js';

export interface ScenarioRun {
  target: string;
  round: number;
  scenario: Scenario;
  /** What CPU is divided by: request, checkout, delivered change. */
  unit: string;
  units: number;
  metrics: Record<string, number>;
  /** CPU milliseconds per process (or group: postgres, redis, rabbitmq, loadgen) over the measured part. */
  cpuMs: Record<string, number>;
  errorSamples?: string[];
}

export interface Report {
  targets: string[];
  runs: ScenarioRun[];
  machine: { cpus: number; loadavg: number[] };
  profiles?: Record<string, { totalMs: number; top: Frame[] }>;
}

const PROCESSES = [
  'gateway',
  'user',
  'product',
  'cart',
  'order',
  'recommendation',
  'payment',
  'notification',
  'postgres',
  'redis',
  'rabbitmq',
];

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Per-unit CPU of each process, plus `all` (every process but the load generator) and `loadgen`. */
export function cpuPerUnit(run: ScenarioRun): Record<string, number> {
  const per: Record<string, number> = {};
  const units = Math.max(run.units, 1);
  for (const name of PROCESSES) per[name] = (run.cpuMs[name] ?? 0) / units;
  per.all = PROCESSES.reduce((sum, name) => sum + per[name]!, 0);
  per.loadgen = (run.cpuMs.loadgen ?? 0) / units;
  return per;
}

interface Column {
  title: string;
  value: (run: ScenarioRun) => number;
  digits: number;
}

const cpuColumns = (unit: string): Column[] => [
  ...[...PROCESSES, 'all', 'loadgen'].map((name) => ({
    title: name === 'gateway' ? `CPU ms/${unit}: gateway` : name,
    value: (run: ScenarioRun) => cpuPerUnit(run)[name]!,
    digits: 2,
  })),
];

/** The columns several tables share. */
const P50: Column = { title: 'p50 ms', value: (r) => r.metrics.p50!, digits: 0 };
const P99: Column = { title: 'p99 ms', value: (r) => r.metrics.p99!, digits: 0 };
const ERRORS: Column = { title: 'errors', value: (r) => r.metrics.errors!, digits: 0 };
const DELIVERED: Column = { title: 'delivered %', value: (r) => r.metrics.deliveredPercent!, digits: 1 };
const KIB_PER_SUBSCRIBER: Column = { title: 'gateway KiB/subscriber', value: (r) => r.metrics.rssPerSubscriberKiB!, digits: 1 };

function table(title: string, runs: ScenarioRun[], targets: string[], rowKey: (run: ScenarioRun) => string, columns: Column[]) {
  if (runs.length === 0) return;
  const keys = [...new Set(runs.map(rowKey))];
  const header = ['', 'system', 'rounds', ...columns.map((c) => c.title)];
  const rows: string[][] = [];
  for (const key of keys) {
    const means = new Map<string, number[]>();
    for (const target of targets) {
      const mine = runs.filter((r) => rowKey(r) === key && r.target === target);
      if (mine.length === 0) continue;
      const values = columns.map((c) => mean(mine.map(c.value)));
      means.set(target, values);
      rows.push([key, target, String(mine.length), ...values.map((v, i) => fmt(v, columns[i]!.digits))]);
    }
    const [a, b] = targets;
    if (a && b && means.has(a) && means.has(b)) {
      const ratios = means.get(b)!.map((v, i) => v / means.get(a)![i]!);
      rows.push([key, `**${b}/${a}**`, '', ...ratios.map((r) => (Number.isFinite(r) ? r.toFixed(2) : '–'))]);
    }
  }
  console.log(`\n${title}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

function fmt(value: number, digits: number): string {
  if (!Number.isFinite(value)) return '–';
  return value.toFixed(digits);
}

export function printReport(report: Report, options: BenchOptions): void {
  const { runs, targets } = report;
  const http = runs.filter((r) => r.unit === 'request');
  table(
    `HTTP scenarios: ${options.connections} connections, ${options.duration} s each after ${options.warmup} s warm-up; means over rounds` +
      ` (${report.machine.cpus} cores, load average ${report.machine.loadavg.map((l) => l.toFixed(1)).join(' ')} at the end)`,
    http,
    targets,
    (r) => r.scenario,
    [{ title: 'req/s', value: (r) => r.metrics.rps!, digits: 0 }, P50, P99, ERRORS, ...cpuColumns('req')],
  );
  table(
    `Checkout → CONFIRMED: ${options.customers} customers, ${options.connections} at a time`,
    runs.filter((r) => r.unit === 'checkout'),
    targets,
    () => 'checkout',
    [
      { title: 'checkouts/s', value: (r) => r.metrics.checkoutsPerSecond!, digits: 1 },
      P50,
      P99,
      { title: 'all CONFIRMED s', value: (r) => r.metrics.allConfirmedSeconds!, digits: 1 },
      { title: 'orders/s end to end', value: (r) => r.metrics.ordersPerSecond!, digits: 1 },
      ERRORS,
      ...cpuColumns('checkout'),
    ],
  );
  table(
    `Subscriptions: ${options.subscribers} WebSocket subscribers on ${options.watchers} orders, PENDING → PAID → CONFIRMED`,
    runs.filter((r) => r.unit === 'delivered change'),
    targets,
    () => 'subscriptions',
    [
      DELIVERED,
      P50,
      P99,
      { title: 'connect s', value: (r) => r.metrics.connectSeconds!, digits: 1 },
      KIB_PER_SUBSCRIBER,
      ERRORS,
      ...cpuColumns('change'),
    ],
  );
  table(
    `Subscriptions, steady: ${options.subscribers} WebSocket subscribers on ${options.watchers} orders; ` +
      `${options.changeRate} orders a second cancelled by their owners for ${options.duration} s (PENDING → CANCELLED) after ${options.warmup} s of the same as warm-up, the rest idle`,
    runs.filter((r) => r.unit === 'steady change'),
    targets,
    () => 'subscriptions-steady',
    [
      DELIVERED,
      { title: 'changes/s', value: (r) => r.metrics.changesPerSecond!, digits: 1 },
      { title: 'deliveries/s', value: (r) => r.metrics.deliveriesPerSecond!, digits: 0 },
      P50,
      P99,
      KIB_PER_SUBSCRIBER,
      ERRORS,
      ...cpuColumns('delivery'),
    ],
  );
  if (report.profiles) {
    console.log('\nTop self-time frames per process (inside the measured windows, idle left out)');
    for (const [name, { totalMs, top }] of Object.entries(report.profiles)) {
      console.log(`\n${name} (${(totalMs / 1000).toFixed(1)} s busy)`);
      for (const f of top) console.log(`  ${f.percent.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.frame}`);
    }
  }
}
