// What `imagewatch serve` exports at /metrics, in the Prometheus text format through
// prom-client, on a registry of its own (nothing global). Fed by the core's events and by the
// registry client's request and lookup hooks; read when Prometheus scrapes.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { CoreEvent } from '../../../shared/events.js';
import { lastCheckFailed } from '../../../shared/dto.js';

export type LookupResult = 'ok' | 'error' | 'rate_limited';

export class CoreMetrics {
  readonly registry = new Registry();
  private readonly checks = new Counter({ name: 'imagewatch_checks_total', help: 'Checks of every watched tag.', registers: [this.registry] });
  private readonly lookups = new Counter({
    name: 'imagewatch_lookups_total',
    help: 'Digest lookups of a tag, by registry and result.',
    labelNames: ['registry', 'result'] as const,
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    name: 'imagewatch_registry_requests_total',
    help: 'HTTP requests to registries and their token services, by kind and status.',
    labelNames: ['registry', 'kind', 'status'] as const,
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: 'imagewatch_registry_rate_limited_total',
    help: 'Answers 429 (Too Many Requests) from a registry.',
    labelNames: ['registry'] as const,
    registers: [this.registry],
  });
  private readonly refreshes = new Counter({
    name: 'imagewatch_refreshes_total',
    help: 'Refreshes of a runtime, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly replaced = new Counter({
    name: 'imagewatch_containers_replaced_total',
    help: 'Containers replaced on a new image.',
    registers: [this.registry],
  });
  private readonly rolledBack = new Counter({
    name: 'imagewatch_containers_rolled_back_total',
    help: 'Replacements that failed and put the old container back.',
    registers: [this.registry],
  });
  private readonly updateAvailable = new Gauge({
    name: 'imagewatch_update_available',
    help: '1 when a newer image than the one in use is published for the runtime, 0 when not, absent while unknown.',
    labelNames: ['runtime'] as const,
    registers: [this.registry],
  });
  private readonly lastCheck = new Gauge({
    name: 'imagewatch_last_successful_check_timestamp_seconds',
    help: 'When the runtime was last looked up successfully.',
    labelNames: ['runtime'] as const,
    registers: [this.registry],
  });
  private readonly lastRefresh = new Gauge({
    name: 'imagewatch_last_successful_refresh_timestamp_seconds',
    help: 'When the runtime was last refreshed successfully.',
    labelNames: ['runtime'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'imagewatch_' });
    // prom-client names these gauges `_total`, which Prometheus reserves for counters
    // (`promtool check metrics` rejects them); the process_* metrics cover the same ground.
    for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total']) {
      this.registry.removeSingleMetric(`imagewatch_nodejs_${name}`);
    }
  }

  /** Fed every core event. */
  observe(event: CoreEvent): void {
    switch (event.type) {
      case 'check-finished':
        this.checks.inc();
        return;
      case 'refresh-finished': {
        this.refreshes.inc({ outcome: event.detail.ok ? 'ok' : 'failed' });
        for (const c of event.detail.containers) {
          if (c.action === 'replaced') this.replaced.inc();
          if (c.action === 'failed' && c.restored) this.rolledBack.inc();
        }
        return;
      }
      case 'state-changed': {
        const { runtime, state } = event;
        if (state.updateAvailable === null) this.updateAvailable.remove({ runtime });
        else this.updateAvailable.set({ runtime }, state.updateAvailable ? 1 : 0);
        if (state.lastCheckAt && !lastCheckFailed(state)) this.lastCheck.set({ runtime }, Date.parse(state.lastCheckAt) / 1000);
        if (state.lastRefreshAt) this.lastRefresh.set({ runtime }, Date.parse(state.lastRefreshAt) / 1000);
        return;
      }
      default:
        return;
    }
  }

  lookup(registry: string, result: LookupResult): void {
    this.lookups.inc({ registry, result });
    if (result === 'rate_limited') this.rateLimited.inc({ registry });
  }

  request(registry: string, kind: string, status: number | 'error'): void {
    this.requests.inc({ registry, kind, status: String(status) });
  }

  /** Forgets a runtime's series when it is no longer watched. */
  forget(runtime: string): void {
    this.updateAvailable.remove({ runtime });
    this.lastCheck.remove({ runtime });
    this.lastRefresh.remove({ runtime });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
