// Fails when a committed generated client (the SDK, the storefront's typed documents) differs from what codegen makes
// of the committed API schema and the clients' documents.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const storefront = 'storefront/src/web/gql';
const generated = () => [
  'packages/sdk/src/generated.ts',
  ...readdirSync(path.join(root, storefront)).map((file) => `${storefront}/${file}`),
];
const read = (file) => (existsSync(path.join(root, file)) ? readFileSync(path.join(root, file), 'utf8') : null);
const before = new Map(generated().map((file) => [file, read(file)]));
const run = spawnSync('npx', ['graphql-codegen', '--config', 'codegen.yml', '--silent'], { cwd: root, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
const stale = [...new Set([...before.keys(), ...generated()])].filter((file) => read(file) !== before.get(file));
if (stale.length) {
  console.error(
    `${stale.join(', ')} ${stale.length === 1 ? 'was' : 'were'} out of date with schema/api.graphql and the clients' documents.\nFix it with: npm run codegen`,
  );
  process.exit(1);
}
console.log('codegen: the SDK and the storefront documents match schema/api.graphql, schema/operations and the storefront sources');
