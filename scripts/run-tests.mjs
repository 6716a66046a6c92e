// Runs the compiled tests (unit *.spec.js, integration/e2e *.test.js) of the given workspaces or files, or of all,
// in one node:test run, so there is one summary. Two files at a time: the machines have two cores.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// Every workspace of the root package.json ("dir/*" patterns expanded), so a new package's tests are never skipped.
const workspaces = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).workspaces.flatMap((pattern) =>
  pattern.endsWith('/*')
    ? readdirSync(path.join(root, pattern.slice(0, -2)), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => `${pattern.slice(0, -2)}/${entry.name}`)
    : [pattern],
);
const targets = process.argv.length > 2 ? process.argv.slice(2).map((dir) => path.resolve(dir)) : workspaces.map((w) => path.join(root, w));

const files = targets.filter((target) => target.endsWith('.js'));
for (const dir of targets.filter((target) => !target.endsWith('.js'))) {
  const dist = path.join(dir, 'dist');
  if (!existsSync(dist)) continue;
  for (const entry of readdirSync(dist, { recursive: true })) {
    if (/\.(spec|test)\.js$/.test(entry)) files.push(path.join(dist, entry));
  }
}
if (files.length === 0) {
  console.error('No compiled tests found; run `npm run build` first.');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test' },
  },
);
process.exit(result.status ?? 1);
