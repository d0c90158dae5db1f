import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { EventBus } from '../events.js';
import { readBuildInfo } from './build-info.js';
import { countEvents } from './event-counters.js';
import { stateGauges, type MetricSources } from './state-gauges.js';

// `GET /metrics` for the province's Prometheus (prom-client, the Node.js client Prometheus lists):
// one registry owned by this appliance (not prom-client's global one, so two appliances in one
// process — the tests — never mix), holding
//   sohoa_build_info                  version, Node.js, git commit
//   process_*, nodejs_*               prom-client's default metrics (RSS, CPU, event-loop lag, GC…)
//                                     under their usual names, so stock Node.js dashboards work
//   sohoa_*_total, sohoa_*_seconds    counted from the EventBus (event-counters.ts)
//   sohoa_* gauges                    read from the stages on each scrape (state-gauges.ts)

export interface ApplianceMetricsOptions {
  bus: EventBus;
}

export class ApplianceMetrics {
  private registry: Registry | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly opts: ApplianceMetricsOptions) {}

  start(): void {
    const registry = new Registry();
    // looked up beside the start (a git child process must not delay the service being ready)
    const build = readBuildInfo().catch(() => ({ version: 'unknown', node: process.versions.node, commit: 'unknown' }));
    new Gauge({
      name: 'sohoa_build_info', help: 'The running build: package version, Node.js version, git commit ("unknown" when not recorded). Always 1.',
      labelNames: ['version', 'node', 'commit'], registers: [registry],
      async collect() { this.set({ ...(await build) }, 1); },
    });
    collectDefaultMetrics({ register: registry });
    this.unsubscribe = countEvents(this.opts.bus, registry);
    this.registry = registry;
  }

  /** Adds the gauges read on each scrape, once the stages they read exist (counting starts before). */
  watch(sources: MetricSources): void {
    if (!this.registry) throw new Error('ApplianceMetrics.watch before start()');
    stateGauges(sources, this.registry);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.registry?.clear();
    this.registry = null;
  }

  /** The Prometheus text exposition of every metric, and its content type. */
  async scrape(): Promise<{ contentType: string; text: string }> {
    if (!this.registry) throw new Error('ApplianceMetrics.scrape before start()');
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
