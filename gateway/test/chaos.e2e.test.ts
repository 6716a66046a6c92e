import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';

interface ChaosReport {
  passed: boolean;
  checks: Array<{ check: string; value: string; ok: boolean }>;
}

/**
 * The small chaos run (`npm run chaos -- --small`) as part of `npm test`: 100 checkouts by 10 users through the
 * gateway of the whole system run as separate processes, with RabbitMQ cut twice, the payment worker's and the
 * product subgraph's databases cut, Redis cut and the payment worker SIGKILLed every 20 payments. It passes only
 * if every invariant of its table holds (see chaos.ts).
 */
describe('chaos, small: the whole system under infrastructure faults', () => {
  it('loses nothing: every order final and matching its payment, no dead letters, no double charge or mail, stock balanced', async () => {
    const script = path.join(__dirname, 'chaos.js');
    const output: string[] = [];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--enable-source-maps', script, '--small'], {
        env: { ...process.env, NODE_ENV: 'test' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.once('error', reject);
      child.once('exit', resolve);
    });
    const text = output.join('');
    const line = text.split('\n').find((l) => l.startsWith('{"chaos"'));
    assert.ok(line, `the chaos run printed no report (exit ${code}):\n${text.slice(-4000)}`);
    const report = JSON.parse(line) as ChaosReport;
    const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.check}: ${c.value}`);
    assert.deepEqual(failed, [], text.slice(-4000));
    assert.ok(report.checks.length >= 9, 'every invariant was checked');
    assert.equal(report.passed, true);
    assert.equal(code, 0);
  });
});
