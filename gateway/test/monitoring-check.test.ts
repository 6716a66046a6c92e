import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';

// gateway/dist/test -> the repository root.
const root = path.resolve(__dirname, '../../..');
const fixture = 'scripts/fixtures/monitoring-broken';
const checkMonitoring = (...dirs: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'scripts/check-monitoring.mjs'), ...dirs], { cwd: root, encoding: 'utf8' });
const problemsOf = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('  - '))
    .map((line) => line.slice(4));

describe('npm run check:monitoring', () => {
  it('passes on monitoring/', () => {
    const result = checkMonitoring();
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^monitoring: \d+ checks passed \(\d+ metric families from the code, 8 scrape jobs\)/);
  });

  it('fails on a copy with a mistake of each kind, naming each one and nothing else', () => {
    const result = checkMonitoring(fixture);
    assert.equal(result.status, 1, result.stdout);
    const problems = problemsOf(result.stderr);
    const expected = [
      // Scrape targets against compose and the code.
      /prometheus\.yml: job cart: target cart:4002: cart listens on 4003$/,
      /prometheus\.yml: job payment: target payments:4102: payments is not a compose service$/,
      /prometheus\.yml: notification is not scraped \(it serves \/metrics on 4101\)$/,
      /prometheus\.yml: payment is not scraped \(it serves \/metrics on 4102\)$/,
      // Alert rules against the metrics, labels and label values the code defines.
      /alerts\.yml: DeadLetters: messaging_queue_depth\{kind="dlq"\}: kind is one of main, retry, dead$/,
      /alerts\.yml: OutboxStuck: messaging_outbox_age_seconds is not a metric the code defines$/,
      /alerts\.yml: QueueGrowing: rate\(messaging_queue_depth\): messaging_queue_depth is a gauge, not a counter$/,
      /alerts\.yml: CircuitBreakerOpen: an annotation uses \$labels\.queue, which the result does not carry$/,
      /alerts\.yml: GatewayLatencyHigh: histogram_quantile needs _bucket series aggregated by \(le, \.\.\.\)$/,
      /alerts\.yml: no alert on a dead-letter queue that is not empty/,
      /alerts\.yml: no alert on the outbox oldest age/,
      // Datasources against compose, panels against the datasources and the metrics.
      /datasources\.yml: Jaeger: url http:\/\/jaeger:14268: Jaeger's query API is jaeger:16686$/,
      /shop\.json: panel "Unprovisioned datasource": datasource uid prom is not provisioned/,
      /shop\.json: panel "Unknown metric" A: gateway_requests_total is not a metric the code defines$/,
      /shop\.json: panel "Legend label the result lacks" A: legend \{\{servce\}\}: the result has no label servce$/,
      /shop\.json: panel "Histogram without a suffix" A: graphql_operation_duration_seconds is a histogram/,
      // The collector's pipelines and receivers.
      /config\.yaml: pipeline traces: exporter otlp_grpc\/tempo is not defined under exporters$/,
      /config\.yaml: exporter otlp_grpc\/jaeger is defined but used nowhere$/,
      /config\.yaml: receiver otlp: protocols\.grpc\.endpoint localhost:4317 is not reachable from other containers/,
      /config\.yaml: docker-compose\.yml publishes otel-collector:4317, where no receiver listens$/,
      /config\.yaml: no traces exporter sends to jaeger$/,
    ];
    for (const pattern of expected) {
      assert.ok(
        problems.some((problem) => pattern.test(problem)),
        `expected ${pattern} among:\n${problems.join('\n')}`,
      );
    }
    // Nothing else: every complaint is one of the planted mistakes, in the fixture's files (not the compose file or code).
    for (const problem of problems) {
      assert.ok(problem.startsWith(`${fixture}/`), `not about the fixture: ${problem}`);
      assert.ok(
        expected.some((pattern) => pattern.test(problem)),
        `unexpected: ${problem}`,
      );
    }
  });
});
