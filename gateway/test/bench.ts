// `npm run bench`: the system in-process, each scenario driven by N concurrent clients for a fixed time,
// reported as ratios against a baseline measured in the same run (a query the gateway answers alone).
import { performance } from 'node:perf_hooks';
import { startSystem } from './system.js';

interface Result {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
}

async function drive(name: string, call: () => Promise<unknown>, seconds: number, concurrency: number): Promise<Result> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await call();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { name, requests: latencies.length, rps: latencies.length / elapsed, p50: pick(0.5), p99: pick(0.99) };
}

async function main() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 10);
  const system = await startSystem();
  try {
    const admin = await system.signInAdmin();
    const buyer = await system.signUp('Bench Buyer');
    const existing = (await system.client().Products({ first: 100 })).products.edges.map((e) => e.node).filter((p) => p.stock > 0);
    const created = [];
    for (let i = existing.length; i < 100; i += 1) {
      created.push(
        (await admin.CreateProduct({ input: { sku: `BENCH-${i}`, name: `Bench item ${i}`, priceCents: 100 + i, stock: 1000 } }))
          .createProduct,
      );
    }
    for (const product of [...existing, ...created].slice(0, 100)) await buyer.client.AddToCart({ productId: product.id, quantity: 1 });
    const anonymous = system.client();

    const check = async (call: () => Promise<unknown>) => {
      await call(); // warm-up and a correctness check before timing
    };
    const scenarios: Array<[string, () => Promise<unknown>]> = [
      ['baseline: { __typename } at the gateway', () => anonymous.raw('{ __typename }')],
      ['products page (20, one subgraph)', () => anonymous.Products({ first: 20 })],
      ['me (token verified in user subgraph)', () => buyer.client.Me()],
      ['100-line cart with live prices (3 subgraphs)', () => buyer.client.MyCart()],
    ];
    const results: Result[] = [];
    for (const [name, call] of scenarios) {
      await check(call);
      results.push(await drive(name, call, seconds, concurrency));
    }
    const base = results[0]!;
    console.log(`\n${concurrency} concurrent clients, ${seconds}s per scenario, 2-core machine; ratios against the baseline of this run\n`);
    console.log(
      [
        'scenario'.padEnd(48),
        'req/s'.padStart(8),
        'p50 ms'.padStart(8),
        'p99 ms'.padStart(8),
        'rps ratio'.padStart(10),
        'p50 ratio'.padStart(10),
      ].join(' '),
    );
    for (const r of results) {
      console.log(
        [
          r.name.padEnd(48),
          r.rps.toFixed(0).padStart(8),
          r.p50.toFixed(1).padStart(8),
          r.p99.toFixed(1).padStart(8),
          (r.rps / base.rps).toFixed(3).padStart(10),
          (r.p50 / base.p50).toFixed(1).padStart(10),
        ].join(' '),
      );
    }
  } finally {
    await system.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
