import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { MikroORM, type SqlEntityManager } from '@mikro-orm/postgresql';
import { createLogger } from '@shop/kit';
import { dropDatabases, testDatabaseUrl } from '@shop/kit/testing';
import {
  Broker,
  deleteTopology,
  listDeadLetters,
  messagingEntities,
  OutboxRelay,
  PermanentFailure,
  queueNames,
  recordEvent,
  startConsumer,
  type RunningConsumer,
} from '../src/index.js';
import { recordOutcomes } from '../src/testing/index.js';

const RABBITMQ = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
// `npm run dlq` runs this file: the compiled CLI, beside this compiled test.
const CLI = path.resolve(__dirname, '../src/dlq-cli.js');
const log = createLogger('dlq-cli-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const suffix = randomBytes(4).toString('hex');
const exchange = `test.events.dlq.${suffix}`;
const consumerName = `test-dlq-${suffix}`;

/** Runs the CLI as an operator would, against this test's exchange; resolves with its exit code and output. */
async function dlq(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: { ...process.env, RABBITMQ_URL: RABBITMQ, EVENTS_EXCHANGE: exchange },
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: Number(failed.code ?? -1), stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('the dlq command (compiled CLI as a child process, real RabbitMQ and Postgres)', () => {
  const databaseUrl = testDatabaseUrl('messaging');
  let orm: MikroORM;
  let broker: Broker;
  let relay: OutboxRelay;
  let consumer: RunningConsumer;
  let outcomes: ReturnType<typeof recordOutcomes>;
  /** E-mails the handler refuses for now (a PermanentFailure: dead-lettered at once), until the cause is fixed. */
  const refused = new Set<string>();
  const effectsOf = async (id: string) =>
    Number(
      (await orm.em.fork().getConnection().execute<Array<{ n: string }>>('select count(*) as n from effects where event_id = ?', [id]))[0]!
        .n,
    );

  before(async () => {
    orm = await MikroORM.init({ clientUrl: databaseUrl, entities: messagingEntities, allowGlobalContext: false, ensureDatabase: true });
    await orm.schema.createSchema();
    await orm.em.getConnection().execute('create table effects (event_id uuid not null, email text not null)');
    broker = new Broker({ url: RABBITMQ, exchange, log });
    consumer = await startConsumer({
      name: consumerName,
      events: ['user.registered'],
      orm,
      broker,
      log,
      handle: async (event, em: SqlEntityManager) => {
        if (event.type !== 'user.registered') return;
        await em.execute('insert into effects (event_id, email) values (?, ?)', [event.id, event.data.email]);
        if (refused.has(event.data.email)) throw new PermanentFailure(`no mailbox for ${event.data.email} yet`);
      },
    });
    outcomes = recordOutcomes(consumer);
    // Published through a service's outbox relay, so the dead letter carries what a production one does.
    relay = new OutboxRelay(orm, broker, log, { intervalMs: 50 });
    relay.start();
  });
  after(async () => {
    await relay?.stop();
    await consumer?.close();
    const queues = queueNames(consumerName);
    await deleteTopology(broker, [queues.main, queues.retry, queues.dead], exchange).catch(() => undefined);
    await broker?.close();
    await orm?.close();
    await dropDatabases([databaseUrl]);
  });

  it('lists a dead letter (leaving it in place), replays it once the cause is fixed, and it is then applied once', async () => {
    const email = `late.${suffix}@example.com`;
    refused.add(email);
    const data = { userId: randomUUID(), email, name: 'Late' };
    const id = await (orm.em.fork() as SqlEntityManager).transactional(
      async (tx) => recordEvent(tx, 'user.registered', data, `dlq-${suffix}`).id,
    );
    relay.nudge();
    await outcomes.settled(id, 1);
    assert.deepEqual(outcomes.final(id), ['dead']);
    assert.equal(await effectsOf(id), 0, 'the refused delivery rolled back its effect');

    const listed = await dlq('list', consumerName);
    assert.equal(listed.code, 0, listed.stderr);
    const lines = listed.stdout.trim().split('\n');
    assert.equal(lines[0], `${consumerName}.dlq: 1 dead letter(s)`);
    assert.equal(lines.length, 2, listed.stdout);
    assert.match(
      lines[1]!,
      new RegExp(
        `user\\.registered {2}id=${id} {2}correlation=dlq-${suffix} {2}attempts=1 {2}reason=poison \\(permanent\\): no mailbox for`,
      ),
    );
    assert.equal((await listDeadLetters(broker, consumerName)).count, 1, 'listing left the dead letter where it was');

    refused.delete(email);
    const replayed = await dlq('replay', consumerName);
    assert.equal(replayed.code, 0, replayed.stderr);
    assert.equal(replayed.stdout.trim(), `${consumerName}: replayed 1 dead letter(s)`);
    await outcomes.settled(id, 2);
    assert.deepEqual(outcomes.final(id), ['dead', 'applied']);
    assert.equal(await effectsOf(id), 1);

    assert.equal((await listDeadLetters(broker, consumerName)).count, 0, 'nothing is left to replay');
  });
});
