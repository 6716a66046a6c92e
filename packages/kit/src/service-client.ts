import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import { AppError } from './errors.js';
import { INTERNAL_CREDENTIAL_HEADER, type ServiceCredentials } from './internal-auth.js';
import { CIRCUIT_STATE, serviceClientMetrics, type ObservableClient, type Registry } from './metrics.js';
import { CORRELATION_HEADER } from './server.js';

export interface ServiceClientOptions {
  /** The service called, for messages and logs; its credential is made for this name. */
  name: string;
  /** This service's own credentials: every call carries one made for the callee. */
  credentials: ServiceCredentials;
  url: string;
  log: Logger;
  timeoutMs: number;
  /** Extra attempts for idempotent calls after a transport failure. */
  retries?: number;
  /** Open after this share of failures (over at least `volumeThreshold` calls), try again after `resetTimeoutMs`. */
  errorThresholdPercentage?: number;
  volumeThreshold?: number;
  resetTimeoutMs?: number;
  /** The caller's registry: the breaker's state and rejections are reported there, labelled with `name`. */
  metrics?: Registry;
}

export interface GraphQLReply<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

interface Call {
  body: string;
  headers: Record<string, string>;
}

class TransportError extends Error {}

/**
 * Calls another service's GraphQL endpoint with a deadline, bounded retries for idempotent calls, and a circuit
 * breaker: only transport failures (network, 5xx, timeout) count against it, never an answer with errors. While
 * it is open, calls fail at once with SERVICE_UNAVAILABLE instead of piling up behind a dead dependency.
 */
export class ServiceClient implements ObservableClient {
  private readonly breaker: CircuitBreaker<[Call], GraphQLReply<unknown>>;

  constructor(private readonly options: ServiceClientOptions) {
    this.breaker = new CircuitBreaker((call: Call) => this.send(call), {
      timeout: false, // the fetch has its own deadline
      errorThresholdPercentage: options.errorThresholdPercentage ?? 50,
      volumeThreshold: options.volumeThreshold ?? 5,
      resetTimeout: options.resetTimeoutMs ?? 5000,
    });
    this.breaker.on('open', () => options.log.warn({ service: options.name }, 'circuit opened: failing fast'));
    this.breaker.on('halfOpen', () => options.log.info({ service: options.name }, 'circuit half-open: trying again'));
    this.breaker.on('close', () => options.log.info({ service: options.name }, 'circuit closed'));
    if (options.metrics) serviceClientMetrics(options.metrics, this);
  }

  get target(): string {
    return this.options.name;
  }

  get circuitState(): number {
    if (this.breaker.opened) return CIRCUIT_STATE.open;
    return this.breaker.halfOpen ? CIRCUIT_STATE.halfOpen : CIRCUIT_STATE.closed;
  }

  /** Each call refused at once by the open breaker. */
  onRejected(listener: () => void): void {
    this.breaker.on('reject', listener);
  }

  get isOpen(): boolean {
    return this.breaker.opened;
  }

  async request<T>(query: string, variables: object, context: { correlationId: string; idempotent: boolean }): Promise<GraphQLReply<T>> {
    const call: Call = {
      body: JSON.stringify({ query, variables }),
      headers: {
        'content-type': 'application/json',
        [CORRELATION_HEADER]: context.correlationId,
        [INTERNAL_CREDENTIAL_HEADER]: await this.options.credentials.for(this.options.name),
      },
    };
    const attempts = 1 + (context.idempotent ? (this.options.retries ?? 1) : 0);
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        return (await this.breaker.fire(call)) as GraphQLReply<T>;
      } catch (error) {
        lastError = error;
        if (this.breaker.opened) break;
        if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
    this.options.log.warn({ err: lastError, service: this.options.name, correlationId: context.correlationId }, 'service call failed');
    throw new AppError('SERVICE_UNAVAILABLE', `The ${this.options.name} service is not available right now; try again shortly`, {
      service: this.options.name,
    });
  }

  shutdown(): void {
    this.breaker.shutdown();
  }

  private async send(call: Call): Promise<GraphQLReply<unknown>> {
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: call.headers,
        body: call.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new TransportError(`${this.options.name} unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.status >= 500) throw new TransportError(`${this.options.name} answered ${response.status}`);
    try {
      return (await response.json()) as GraphQLReply<unknown>;
    } catch {
      throw new TransportError(`${this.options.name} sent a response that is not JSON (status ${response.status})`);
    }
  }
}
