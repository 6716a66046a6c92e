// `npm run bench`: the system as `npm start` runs it (one process per service, real Postgres, Redis and RabbitMQ), load
// from a process of its own (autocannon, WebSocket subscribers), and per scenario: throughput, latency, errors, and
// CPU milliseconds per request of every process, from /proc. With --baseline or --peer, two systems take turns
// (A B A B, one up at a time) and the table shows B/A: ours over the baseline or the peer.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createShopClient } from '@shop/sdk';
import { root } from '@shop/gateway/test/processes';
import { buildBaseline, type Baseline } from './baseline.js';
import { runLoad } from './load.js';
import { parseOptions, steadyOrderCounts, type BenchOptions } from './options.js';
import { cpuMillis, CLOCK_TICKS_PER_SECOND, rssBytes, sampleCpu, type CpuSample, type Probe } from './procfs.js';
import { topFrames, type Frame } from './profile.js';
import { printReport, type ScenarioRun } from './report.js';
import { HTTP_SCENARIOS, type HttpScenario, type Scenario } from './scenarios.js';
import { fillCarts, pool, seed, type Fixture } from './seed.js';
import { HiveGateway, ProcessSystem } from './systems.js';

const started = Date.now();
const log = (message: string) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}`);
const micros = () => Number(process.hrtime.bigint() / 1000n);

/** One side of a comparison: how to bring it up and down, and what to account for while it runs. */
interface Target {
  label: string;
  system: ProcessSystem;
  up(): Promise<void>;
  down(): Promise<void>;
  gatewayPid(): number | undefined;
  supports(scenario: Scenario): boolean;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(2).toString('hex')}`;
  const runDir = path.join(root, 'var', 'bench', runId);
  mkdirSync(runDir, { recursive: true });
  const jsonPath = path.resolve(options.json ?? path.join(runDir, 'bench.json'));
  log(`run ${runId}: ${JSON.stringify(options)}; logs in ${path.relative(root, runDir)}/`);

  const profileDir = (label: string) => path.join(runDir, 'profiles', label);
  const nodeArgs = (label: string) => (options.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir(label)] : []);
  /** Which service each profiled process was, by pid (profiles are named after the pid). */
  const pidNames = new Map<number, string>();
  const fixtures = new Map<ProcessSystem, Fixture>();
  const systems: ProcessSystem[] = [];
  let baseline: Baseline | undefined;
  let hive: HiveGateway | undefined;
  const newSystem = (label: string, tree: string) => {
    const system = new ProcessSystem({
      label,
      tree,
      runId: `${runId}-${label}`.replace(/\W/g, ''),
      logDir: path.join(runDir, label),
      nodeArgs: nodeArgs(label),
    });
    systems.push(system);
    return system;
  };
  const wanted = (scenario: string) => (options.scenarios as string[]).includes(scenario);
  const ensureSeeded = async (system: ProcessSystem) => {
    if (fixtures.has(system)) return;
    log(`seeding ${system.options.label} through its gateway`);
    fixtures.set(
      system,
      await seed(
        system.gatewayUrl,
        // Only what the chosen scenarios read: registering (Argon2) and filling carts is most of the set-up time.
        {
          users: ['cart5', 'products', 'me'].some((s) => wanted(s)) ? options.users : 0,
          bigCartUsers: wanted('cart100') ? options.bigCartUsers : 0,
          customers: wanted('checkout') ? options.customers : 0,
          watchers: wanted('subscriptions') || wanted('subscriptions-steady') ? options.watchers : 0,
        },
        randomBytes(3).toString('hex'),
        (m) => log(`  ${m}`),
      ),
    );
  };
  const ourTarget = (system: ProcessSystem, label = 'ours'): Target => ({
    label,
    system,
    async up() {
      await system.start();
      await ensureSeeded(system);
    },
    down: () => system.stop(),
    gatewayPid: () => system.pid('gateway'),
    supports: () => true,
  });

  let targets: Target[];
  if (options.baseline) {
    baseline = buildBaseline(root, options.baseline, path.join(runDir, 'baseline-tree'), log);
    targets = [ourTarget(newSystem('baseline', baseline.tree), 'baseline'), ourTarget(newSystem('ours', root))];
  } else if (options.peer === 'hive') {
    // One system; the gateways take turns in front of the same subgraph processes, on the same port.
    const system = newSystem('ours', root);
    hive = new HiveGateway(system, root, path.join(runDir, 'hive'), nodeArgs('hive'));
    let systemUp = false;
    const subgraphsUp = async () => {
      if (systemUp) return;
      await system.start();
      await ensureSeeded(system);
      systemUp = true;
    };
    targets = [
      {
        label: 'hive',
        system,
        async up() {
          await subgraphsUp();
          await system.stopService('gateway');
          await hive!.start();
        },
        down: () => hive!.stop(),
        gatewayPid: () => hive!.pid,
        // Hive cannot serve orderStatusChanged (our gateway serves it itself), which checkout waits on too.
        supports: (scenario) => (HTTP_SCENARIOS as readonly string[]).includes(scenario),
      },
      {
        label: 'ours',
        system,
        async up() {
          await subgraphsUp();
          if (system.pid('gateway') === undefined) await system.startService('gateway');
        },
        down: async () => undefined,
        gatewayPid: () => system.pid('gateway'),
        supports: () => true,
      },
    ];
  } else {
    targets = [ourTarget(newSystem('ours', root))];
  }

  const runs: ScenarioRun[] = [];
  const windows: Array<[number, number]> = [];
  const interrupted = { value: false };
  process.once('SIGINT', () => {
    interrupted.value = true;
    log('SIGINT: finishing after the current scenario');
  });

  const probesOf = (target: Target): Record<string, Probe | undefined> => {
    const probes = target.system.probes();
    const gatewayPid = target.gatewayPid();
    probes.gateway = gatewayPid === undefined ? undefined : { pid: gatewayPid };
    for (const [name, probe] of Object.entries(probes)) if (probe && 'pid' in probe) pidNames.set(probe.pid, `${target.label}/${name}`);
    return probes;
  };
  /** CPU of every process over the measured part of a job: sampled on `ready` and on the result. */
  const measure = (target: Target) => {
    let before: CpuSample = {};
    let after: CpuSample = {};
    let window: [number, number] = [0, 0];
    const probes = () => probesOf(target);
    return {
      onReady: async (pid: number, extra?: () => Promise<void>) => {
        before = sampleCpu({ ...probes(), loadgen: { pid } });
        window = [micros(), 0];
        await extra?.();
      },
      onDone: (pid: number) => {
        after = sampleCpu({ ...probes(), loadgen: { pid } });
        window[1] = micros();
        windows.push(window);
      },
      cpu: () => cpuMillis(before, after),
    };
  };

  try {
    for (let round = 1; round <= options.rounds && !interrupted.value; round += 1) {
      for (const target of targets) {
        if (interrupted.value) break;
        log(`round ${round}: ${target.label} up`);
        await target.up();
        const fixture = fixtures.get(target.system)!;
        const url = target.system.gatewayUrl;
        for (const scenario of options.scenarios) {
          if (interrupted.value) break;
          if (!target.supports(scenario)) continue;
          log(`round ${round}: ${target.label} ${scenario}`);
          const m = measure(target);
          const base = { target: target.label, round, scenario };
          if ((HTTP_SCENARIOS as readonly string[]).includes(scenario)) {
            const s = scenario as HttpScenario;
            const { result } = await runLoad(
              {
                kind: 'http',
                url,
                scenario: s,
                fixture: fixture.http[s],
                connections: options.connections,
                seconds: options.duration,
                warmupSeconds: options.warmup,
              },
              { onReady: (pid) => m.onReady(pid), onDone: m.onDone },
            );
            runs.push({
              ...base,
              unit: 'request',
              units: result.requests,
              metrics: {
                rps: result.rps,
                p50: result.p50,
                p99: result.p99,
                errors: result.non2xx + result.graphqlErrors + result.socketErrors,
                non2xx: result.non2xx,
                graphqlErrors: result.graphqlErrors,
              },
              cpuMs: m.cpu(),
              errorSamples: result.errorSamples,
            });
          } else if (scenario === 'checkout') {
            await fillCarts(url, fixture.customers);
            const { result } = await runLoad(
              {
                kind: 'checkout',
                url,
                customers: fixture.customers,
                connections: options.connections,
                round: `${target.label}-${round}`,
                confirmTimeoutSeconds: 120,
              },
              { onReady: (pid) => m.onReady(pid), onDone: m.onDone },
            );
            runs.push({
              ...base,
              unit: 'checkout',
              units: result.placed,
              metrics: {
                checkoutsPerSecond: result.checkoutsPerSecond,
                p50: result.p50,
                p99: result.p99,
                allConfirmedSeconds: result.allConfirmedSeconds,
                ordersPerSecond: result.ordersPerSecond,
                placed: result.placed,
                confirmed: result.confirmed,
                errors: Object.values(result.errors).reduce((a, b) => a + b, 0),
              },
              cpuMs: m.cpu(),
              errorSamples: Object.entries(result.errors).map(([code, n]) => `${n} × ${code}`),
            });
          } else {
            // Orders placed while the payment worker is down stay PENDING; subscribers connect. Then either the
            // payment worker starts and every order goes PENDING → PAID → CONFIRMED at once (two changes per
            // subscriber, the burst), or the load generator cancels orders at a steady rate while the subscribers
            // of the others stay idle (subscriptions-steady).
            const steady = scenario === 'subscriptions-steady';
            const { measured: steadyOrders, warmup: warmupOrders } = steadyOrderCounts(options);
            await target.system.stopService('payment');
            await fillCarts(url, fixture.watchers);
            // Placed a few at a time, as customers would (all at once, the order service sheds some of them).
            const orders = await pool(fixture.watchers.length, 20, async (i) => {
              const { token } = fixture.watchers[i]!;
              const client = createShopClient({ url, token });
              const { checkout } = await client.Checkout({
                input: { paymentToken: 'tok_visa', idempotencyKey: `watch-${target.label}-${scenario}-${round}-${i}` },
              });
              return { token, orderId: checkout.id };
            });
            // What seeding and placing set off (welcome mails, reservations, carts emptied) is done before the
            // measured part starts; the payment worker's queue holds the placed orders until it is started.
            if (!(await target.system.queuesEmpty(120_000, ['payment']))) log('  the queues did not empty within 120 s');
            const rssBefore = await settledRss(target.gatewayPid());
            let rssIdle = NaN;
            const { result } = await runLoad(
              {
                kind: 'subscriptions',
                url,
                orders,
                subscribers: options.subscribers,
                connectConcurrency: 50,
                changesPerOrder: 2,
                timeoutSeconds: 120,
                ...(steady ? { steady: { perSecond: options.changeRate, orders: steadyOrders, warmupOrders } } : {}),
              },
              {
                onReady: (pid) =>
                  m.onReady(pid, async () => {
                    rssIdle = await settledRss(target.gatewayPid());
                    if (!steady) await target.system.startService('payment');
                  }),
                onDone: m.onDone,
              },
            );
            if (steady) {
              // The payment worker takes what was queued meanwhile (charges, then refunds of the cancelled), so the
              // next scenario starts on a quiet system.
              await target.system.startService('payment');
              if (!(await target.system.queuesEmpty(120_000))) log('  the queues did not empty within 120 s');
            }
            runs.push({
              ...base,
              unit: steady ? 'steady change' : 'delivered change',
              units: result.deliveredChanges,
              metrics: {
                deliveredPercent: result.deliveredPercent,
                p50: result.p50,
                p99: result.p99,
                connectSeconds: result.connectSeconds,
                rssPerSubscriberKiB: (rssIdle - rssBefore) / result.subscribers / 1024,
                ...(result.changesPerSecond === undefined
                  ? {}
                  : {
                      changesPerSecond: result.changesPerSecond,
                      deliveriesPerSecond: (result.changesPerSecond * result.expectedChanges) / steadyOrders,
                    }),
                errors: Object.values(result.errors).reduce((a, b) => a + b, 0),
              },
              cpuMs: m.cpu(),
              errorSamples: Object.entries(result.errors).map(([code, n]) => `${n} × ${code}`),
            });
          }
          const last = runs.at(-1)!;
          log(
            `  ${Object.entries(last.metrics)
              .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(1)}`)
              .join(', ')}`,
          );
          for (const sample of last.errorSamples ?? []) log(`  error: ${sample}`);
        }
        log(`round ${round}: ${target.label} down`);
        await target.down();
      }
    }
  } finally {
    await hive?.stop();
    for (const system of systems) await system.destroy();
    baseline?.remove();
  }

  const profiles = options.profile ? readProfiles(path.join(runDir, 'profiles'), pidNames, windows) : undefined;
  const report = {
    runId,
    startedAt: new Date(started).toISOString(),
    options,
    baselineCommit: baseline?.commit,
    machine: { cpus: os.cpus().length, loadavg: os.loadavg(), node: process.version, clockTicksPerSecond: CLOCK_TICKS_PER_SECOND },
    targets: targets.map((t) => t.label),
    runs,
    profiles,
  };
  mkdirSync(path.dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  printReport(report, options as BenchOptions);
  log(`JSON: ${path.relative(process.cwd(), jsonPath)}`);
}

/** The median of the process's RSS over two quiet seconds (one reading can catch a collection half done). */
async function settledRss(pid: number | undefined): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    readings.push(rssBytes(pid));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return readings.sort((a, b) => a - b)[5]!;
}

/** Top self-time frames per process, over the measured windows only, merged across the rounds of each service. */
function readProfiles(dir: string, pidNames: Map<number, string>, windows: Array<[number, number]>) {
  const merged = new Map<string, Map<string, number>>();
  const totals = new Map<string, number>();
  if (!existsSync(dir)) return {};
  for (const label of readdirSync(dir)) {
    for (const file of readdirSync(path.join(dir, label))) {
      const pid = Number(/^CPU\.\d+\.\d+\.(\d+)\./.exec(file)?.[1]);
      const name = pidNames.get(pid) ?? `${label}/pid ${pid}`;
      const { frames, totalMs } = topFrames(path.join(dir, label, file), 50, windows);
      const into = merged.get(name) ?? new Map<string, number>();
      for (const f of frames) {
        const key = f.frame.replace(`${root}/`, '');
        into.set(key, (into.get(key) ?? 0) + f.selfMs);
      }
      merged.set(name, into);
      totals.set(name, (totals.get(name) ?? 0) + totalMs);
    }
  }
  const result: Record<string, { totalMs: number; top: Frame[] }> = {};
  for (const [name, frames] of [...merged].sort()) {
    const total = totals.get(name) ?? 0;
    result[name] = {
      totalMs: total,
      top: [...frames]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([frame, selfMs]) => ({ frame, selfMs, percent: total ? (100 * selfMs) / total : 0 })),
    };
  }
  return result;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
