// Fails when a variable some service reads is missing from the README's configuration table.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const sources = [
  'packages/kit/src/env.ts',
  'packages/kit/src/dev-keys.ts',
  'gateway/src/environment.ts',
  'storefront/src/server/environment.ts',
];
for (const group of ['subgraphs', 'workers']) {
  for (const name of readdirSync(path.join(root, group))) sources.push(`${group}/${name}/src/environment.ts`);
}
const names = new Set();
for (const file of sources) {
  const text = readFileSync(path.join(root, file), 'utf8');
  for (const m of text.matchAll(/^\s+([A-Z][A-Z0-9_]{2,}):\s/gm)) names.add(m[1]);
  for (const m of text.matchAll(/process\.env\.([A-Z][A-Z0-9_]{2,})/g)) names.add(m[1]);
}
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
const missing = [...names].filter((name) => !table.includes(`\`${name}\``)).sort();
if (missing.length) {
  console.error(`README.md's configuration table is missing: ${missing.join(', ')}`);
  process.exit(1);
}
console.log(`readme: all ${names.size} variables are in the configuration table`);
