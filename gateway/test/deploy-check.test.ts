import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';

// gateway/dist/test -> the repository root.
const root = path.resolve(__dirname, '../../..');
const checkDeploy = (...dirs: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'scripts/check-deploy.mjs'), ...dirs], { cwd: root, encoding: 'utf8' });
const problemsOf = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('  - '))
    .map((line) => line.slice(4));

describe('npm run check:deploy', () => {
  it('passes on deploy/', () => {
    const result = checkDeploy();
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^deploy: \d+ checks passed/);
  });

  it('fails on an overlay with a broken schema, a missing secret and a forbidden one, naming each and nothing else', () => {
    const result = checkDeploy('scripts/fixtures/deploy-broken');
    assert.equal(result.status, 1, result.stdout);
    const problems = problemsOf(result.stderr);
    for (const expected of [
      /Deployment\/cart: spec\/template\/spec must have required property containers/,
      /Deployment\/product: spec\/replicas must be integer/,
      /Deployment\/order: PAYMENT_TOKEN_KEY is not provided, and it is required in production/,
      /Deployment\/gateway: must not hold SERVICE_TOKEN_SECRET/,
      /Deployment\/gateway: must not hold USER_SIGNING_KEY/,
    ]) {
      assert.ok(
        problems.some((problem) => expected.test(problem)),
        `expected ${expected} among:\n${problems.join('\n')}`,
      );
    }
    // The rest of the overlay is sound: every complaint is about one of the four patched objects.
    for (const problem of problems)
      assert.match(problem, /^scripts\/fixtures\/deploy-broken: (Deployment\/(cart|product|order|gateway):|0 Deployments of cart)/);
  });
});
