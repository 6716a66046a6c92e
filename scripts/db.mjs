// `npm run db:migrate` / `npm run db:seed`: the same command in every service that owns a database.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const command = process.argv[2];
let failed = false;
for (const dir of ['subgraphs/user', 'subgraphs/product', 'subgraphs/cart', 'subgraphs/order', 'workers/notification', 'workers/payment']) {
  const entry = path.join(root, dir, 'dist/src/db.js');
  if (!existsSync(entry)) continue;
  const result = spawnSync(process.execPath, [entry, command], { stdio: 'inherit' });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
