import axios, { AxiosError, AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  IPolicy,
  retry,
  wrap,
} from 'cockatiel';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

export interface ServiceClientOptions {
  /** The other service's name, for errors and metrics. */
  target: string;
  baseURL: string;
  timeoutMs: number;
  /** Extra attempts for requests that are safe to repeat (reads, or writes with an idempotency key). */
  retries: number;
  /** Consecutive failures that open the breaker, and how long it stays open before a trial call. */
  breakerThreshold: number;
  breakerHalfOpenAfterMs: number;
}

export interface ServiceCall extends AxiosRequestConfig {
  /** True when repeating the request cannot do anything twice. */
  idempotent: boolean;
  requestId?: string;
}

export interface CallObserver {
  onCall(target: string, outcome: 'success' | 'client_error' | 'failure' | 'rejected', seconds: number): void;
  onBreakerState(target: string, state: 'closed' | 'open' | 'half_open'): void;
}

/** The other service could not be reached, timed out, failed (5xx), or its breaker is open. */
export class ServiceUnreachableError extends Error {
  constructor(
    readonly target: string,
    readonly reason: 'breaker_open' | 'timeout' | 'network' | 'server_error',
  ) {
    super(`${target} service unreachable (${reason})`);
    this.name = 'ServiceUnreachableError';
  }
}

const isFailure = (error: unknown) => error instanceof AxiosError;

const BREAKER_STATES: Record<CircuitState, 'closed' | 'open' | 'half_open'> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'open',
};

/**
 * HTTP to another service: keep-alive, a timeout on every call, retries with backoff only for
 * idempotent calls, and a circuit breaker (cockatiel) so an outage fails fast instead of piling up.
 * 4xx answers are returned, not thrown: the other side said no, which the caller must handle.
 */
export class ServiceClient {
  private readonly http: AxiosInstance;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly withRetries: IPolicy;

  constructor(
    private readonly options: ServiceClientOptions,
    private readonly observer?: CallObserver,
  ) {
    this.http = axios.create({
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 256 }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 256 }),
      validateStatus: (status) => status < 500,
      maxRedirects: 0,
    });
    this.breaker = circuitBreaker(handleWhen(isFailure), {
      halfOpenAfter: options.breakerHalfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    });
    this.breaker.onStateChange((state) => observer?.onBreakerState(options.target, BREAKER_STATES[state]));
    this.withRetries = wrap(
      retry(handleWhen(isFailure), { maxAttempts: options.retries, backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 500 }) }),
      this.breaker,
    );
  }

  /** The longest an idempotent call can take before it gives up: every attempt timing out (backoff aside). */
  get longestCallMs(): number {
    return this.options.timeoutMs * (this.options.retries + 1);
  }

  get breakerState(): 'closed' | 'open' | 'half_open' {
    return BREAKER_STATES[this.breaker.state];
  }

  async request<T>(call: ServiceCall): Promise<AxiosResponse<T>> {
    const { idempotent, requestId, ...config } = call;
    const policy = idempotent ? this.withRetries : this.breaker;
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const response = await policy.execute(() =>
        this.http.request<T>({ ...config, headers: { ...config.headers, ...(requestId ? { 'x-request-id': requestId } : {}) } }),
      );
      this.observer?.onCall(this.options.target, response.status >= 400 ? 'client_error' : 'success', elapsed());
      return response;
    } catch (error) {
      this.observer?.onCall(this.options.target, error instanceof BrokenCircuitError ? 'rejected' : 'failure', elapsed());
      throw this.unreachable(error);
    }
  }

  private unreachable(error: unknown): Error {
    if (error instanceof BrokenCircuitError) return new ServiceUnreachableError(this.options.target, 'breaker_open');
    if (error instanceof AxiosError) {
      if (error.response) return new ServiceUnreachableError(this.options.target, 'server_error');
      return new ServiceUnreachableError(this.options.target, error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT' ? 'timeout' : 'network');
    }
    return error as Error;
  }
}
