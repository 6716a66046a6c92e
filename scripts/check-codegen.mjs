// Fails when the committed SDK differs from what codegen makes of the committed API schema and operations.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const generated = path.join(root, 'packages/sdk/src/generated.ts');
const before = readFileSync(generated, 'utf8');
const run = spawnSync('npx', ['graphql-codegen', '--config', 'codegen.yml', '--silent'], { cwd: root, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
if (readFileSync(generated, 'utf8') !== before) {
  console.error(
    'packages/sdk/src/generated.ts was out of date with schema/api.graphql and schema/operations.\nFix it with: npm run codegen',
  );
  process.exit(1);
}
console.log('sdk: generated client matches schema/api.graphql and schema/operations');
