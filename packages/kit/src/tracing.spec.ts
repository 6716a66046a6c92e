import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractTraceContext, injectTraceContext, sqlShape, tracingEnabled } from './tracing.js';

describe('tracingEnabled', () => {
  it('is off without an OTLP endpoint, on with either endpoint variable', () => {
    assert.equal(tracingEnabled({}), false);
    assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }), false);
    assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), true);
    assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }), true);
  });

  it('is off when the standard switches say so, whatever the endpoint', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    assert.equal(tracingEnabled({ ...endpoint, OTEL_SDK_DISABLED: 'true' }), false);
    assert.equal(tracingEnabled({ ...endpoint, OTEL_SDK_DISABLED: ' TRUE ' }), false);
    assert.equal(tracingEnabled({ ...endpoint, OTEL_SDK_DISABLED: 'false' }), true);
    assert.equal(tracingEnabled({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }), false);
    assert.equal(tracingEnabled({ ...endpoint, OTEL_TRACES_EXPORTER: 'otlp' }), true);
  });
});

describe('sqlShape', () => {
  it('takes string literals out, escaped quotes and E-strings included', () => {
    assert.equal(
      sqlShape(`insert into "users" ("email", "name") values ('ann@example.com', 'O''Brien')`),
      'insert into "users" ("email", "name") values (?)',
    );
    assert.equal(
      sqlShape(`select 1 from t where note = E'a\\nb' and x = $tag$any 'thing'$tag$`),
      'select ? from t where note = ? and x = ?',
    );
  });

  it('takes numbers and booleans out but keeps identifiers, placeholders, casts and IS NULL', () => {
    assert.equal(
      sqlShape(`select "o0".* from "orders" as "o0" where "o0"."total_cents" >= 2468 and t2.a = -1.5e3 and b = $1 limit 10`),
      'select "o0".* from "orders" as "o0" where "o0"."total_cents" >= ? and t2.a = ? and b = $1 limit ?',
    );
    assert.equal(
      sqlShape(`update "orders" set "refunded" = true, "reason" = NULL where "published_at" is null and "x" is not null`),
      'update "orders" set "refunded" = ?, "reason" = ? where "published_at" is null and "x" is not null',
    );
    assert.equal(sqlShape(`select '{"a":1}'::jsonb, now() + (5 * interval '1 millisecond')`), 'select ?::jsonb, now() + (? * interval ?)');
  });

  it('collapses a list of values, so IN lists of any length have one shape', () => {
    assert.equal(sqlShape(`select * from t where id in ('a', 'b', 'c')`), sqlShape(`select * from t where id in ('a')`));
    assert.equal(sqlShape(`select * from t where id in (1,2 , 3)`), 'select * from t where id in (?)');
  });

  it('leaves nothing of a sealed token or an address in the statement', () => {
    const statement = `insert into "outbox" ("envelope") values ('{"paymentTokenSealed":"v1.XlN0.osZS","street":"1 Main St"}')`;
    assert.doesNotMatch(sqlShape(statement), /v1\.|Main|paymentToken/);
  });
});

describe('trace context carriers', () => {
  it('with tracing off, injecting gives nothing and extracting anything gives no span', () => {
    assert.deepEqual(injectTraceContext(), {});
    const parent = extractTraceContext({ traceparent: Buffer.from('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01') });
    assert.deepEqual(injectTraceContext(parent), {});
    assert.deepEqual(injectTraceContext(extractTraceContext(null)), {});
  });
});
