import { ALL_SCENARIOS, type Scenario } from './scenarios.js';

export interface BenchOptions {
  scenarios: Scenario[];
  /** Seconds measured per HTTP scenario and per steady subscription run (after the warm-up). */
  duration: number;
  warmup: number;
  connections: number;
  subscribers: number;
  customers: number;
  users: number;
  bigCartUsers: number;
  watchers: number;
  /** subscriptions-steady: orders changed (cancelled) per second, for `duration` seconds. */
  changeRate: number;
  /** Each system (A, then B) runs every scenario this many times, alternating: A B A B. */
  rounds: number;
  json?: string;
  baseline?: string;
  peer?: 'hive';
  profile: boolean;
}

const USAGE = `npm run bench -- [--scenarios ${ALL_SCENARIOS.join(',')}] [--duration 10] [--warmup 2] [--connections 20]
  [--subscribers 500] [--customers 100] [--users 200] [--big-cart-users 5] [--watchers 50] [--change-rate 2] [--rounds N]
  [--baseline <git-ref> | --peer hive] [--profile] [--json <file>]`;

/** The orders a steady subscription run cancels: during the warm-up, then in the measured window. */
export function steadyOrderCounts(options: Pick<BenchOptions, 'changeRate' | 'warmup' | 'duration'>): { warmup: number; measured: number } {
  return { warmup: Math.ceil(options.changeRate * options.warmup), measured: Math.ceil(options.changeRate * options.duration) };
}

export function parseOptions(argv: string[]): BenchOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (key === 'profile' || key === 'help') flags.add(key);
    else if (inline !== undefined) values.set(key, inline);
    else if (argv[i + 1] !== undefined) values.set(key, argv[++i]!);
    else throw new Error(`--${key} needs a value\n${USAGE}`);
  }
  if (flags.has('help')) {
    console.log(USAGE);
    process.exit(0);
  }
  const known = [
    'scenarios',
    'duration',
    'warmup',
    'connections',
    'subscribers',
    'customers',
    'users',
    'big-cart-users',
    'watchers',
    'change-rate',
  ];
  for (const key of values.keys()) {
    if (![...known, 'rounds', 'json', 'baseline', 'peer'].includes(key)) throw new Error(`unknown option --${key}\n${USAGE}`);
  }
  const number = (key: string, fallback: number, min = 1) => {
    const raw = values.get(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${key} must be a number >= ${min}, got ${raw}`);
    return n;
  };
  const scenarios = (values.get('scenarios') ?? ALL_SCENARIOS.join(',')).split(',').map((s) => s.trim()) as Scenario[];
  for (const s of scenarios) if (!ALL_SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}; known: ${ALL_SCENARIOS.join(', ')}`);
  const peer = values.get('peer');
  if (peer !== undefined && peer !== 'hive') throw new Error(`--peer: only "hive" is supported`);
  if (peer && values.has('baseline')) throw new Error('--peer and --baseline cannot be combined');
  const comparing = Boolean(peer ?? values.get('baseline'));
  const duration = number('duration', 10);
  const watchers = number('watchers', 50);
  const changeRate = number('change-rate', 2, 0.1);
  const warmup = number('warmup', 2, 0);
  // A steady run changes rate × (warm-up + duration) orders and keeps at least one order's subscribers idle to the end.
  const counts = steadyOrderCounts({ changeRate, warmup, duration });
  const steadyChanged = counts.warmup + counts.measured;
  if (scenarios.includes('subscriptions-steady') && steadyChanged >= watchers) {
    throw new Error(
      `subscriptions-steady changes --change-rate × (--warmup + --duration) orders: ${changeRate} × (${warmup} + ${duration}) needs --watchers > ${steadyChanged}`,
    );
  }
  return {
    scenarios,
    duration,
    warmup,
    connections: number('connections', 20),
    subscribers: number('subscribers', 500),
    customers: number('customers', 100),
    users: number('users', 200),
    bigCartUsers: number('big-cart-users', 5),
    watchers,
    changeRate,
    rounds: number('rounds', comparing ? 2 : 1),
    json: values.get('json'),
    baseline: values.get('baseline'),
    peer: peer as 'hive' | undefined,
    profile: flags.has('profile'),
  };
}
