// What `imagewatch serve` exports at /metrics, in the Prometheus text format through
// prom-client, on a registry of its own (nothing global). Fed by the core's events and by the
// registry client's request and lookup hooks; read when Prometheus scrapes. With several
// engines, what is about one engine carries an `engine` label; with one, the series are as
// they were before engines had names, so a one-engine user's dashboards and alerts keep working.
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
    help: 'Refreshes of a runtime, by outcome (and engine, with several).',
    labelNames: ['outcome', 'engine'] as const,
    registers: [this.registry],
  });
  private readonly replaced = new Counter({
    name: 'imagewatch_containers_replaced_total',
    help: 'Containers replaced on a new image.',
    labelNames: ['engine'] as const,
    registers: [this.registry],
  });
  private readonly rolledBack = new Counter({
    name: 'imagewatch_containers_rolled_back_total',
    help: 'Replacements that failed and put the old container back.',
    labelNames: ['engine'] as const,
    registers: [this.registry],
  });
  private readonly servicesUpdated = new Counter({
    name: 'imagewatch_services_updated_total',
    help: 'Swarm services updated by Swarm to a new digest, by outcome (failed: rolled back or paused).',
    labelNames: ['outcome', 'engine'] as const,
    registers: [this.registry],
  });
  private readonly updateAvailable = new Gauge({
    name: 'imagewatch_update_available',
    help: '1 when a newer image than the one in use is published for the runtime (on the engine, with several), 0 when not, absent while unknown.',
    labelNames: ['runtime', 'engine'] as const,
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
    help: 'When the runtime was last refreshed successfully (on the engine, with several).',
    labelNames: ['runtime', 'engine'] as const,
    registers: [this.registry],
  });

  /** Per runtime, the engines it has series for (forgotten with the runtime). */
  private readonly engineSeries = new Map<string, Set<string>>();

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
        const engine = event.engine ? { engine: event.engine } : {};
        this.refreshes.inc({ outcome: event.detail.ok ? 'ok' : 'failed', ...engine });
        for (const c of event.detail.containers) {
          if (c.kind === 'service') {
            // Swarm's updates are counted apart: no container was replaced by imagewatch.
            if (c.action === 'replaced' || c.action === 'failed') this.servicesUpdated.inc({ outcome: c.action === 'replaced' ? 'ok' : 'failed', ...engine });
            continue;
          }
          if (c.action === 'replaced') this.replaced.inc(engine);
          if (c.action === 'failed' && c.restored) this.rolledBack.inc(engine);
        }
        return;
      }
      case 'state-changed': {
        const { runtime, state } = event;
        if (state.lastCheckAt && !lastCheckFailed(state)) this.lastCheck.set({ runtime }, Date.parse(state.lastCheckAt) / 1000);
        const parts = state.engines ?? [{ ...state, engine: undefined }];
        for (const part of parts) {
          const labels = part.engine ? { runtime, engine: part.engine } : { runtime };
          if (part.engine) this.engineSeries.set(runtime, new Set([...(this.engineSeries.get(runtime) ?? []), part.engine]));
          if (part.updateAvailable === null) this.updateAvailable.remove(labels);
          else this.updateAvailable.set(labels, part.updateAvailable ? 1 : 0);
          if (part.lastRefreshAt) this.lastRefresh.set(labels, Date.parse(part.lastRefreshAt) / 1000);
        }
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

  /** Forgets a runtime's series (on every engine) when it is no longer watched. */
  forget(runtime: string): void {
    this.updateAvailable.remove({ runtime });
    this.lastCheck.remove({ runtime });
    this.lastRefresh.remove({ runtime });
    for (const engine of this.engineSeries.get(runtime) ?? []) {
      this.updateAvailable.remove({ runtime, engine });
      this.lastRefresh.remove({ runtime, engine });
    }
    this.engineSeries.delete(runtime);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
