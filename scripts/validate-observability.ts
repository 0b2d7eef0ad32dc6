/**
 * Checks the compose `observability` profile's configuration without running it (CI has no
 * Docker engine):
 *
 *   npm run validate:observability
 *
 * - every Grafana dashboard in deploy/observability/grafana/dashboards parses, names a
 *   provisioned datasource, and each panel query is valid PromQL over metrics the services
 *   expose (the list below, or prom-client's default process metrics);
 * - the alert rules parse, each expression the same way, and each alert has a `for`, a
 *   severity and a description;
 * - prometheus.yml loads the rules and scrapes every service with the metrics token, email
 *   through DNS so that each of its replicas is a target;
 * - the files docker-compose.yml mounts from deploy/observability exist.
 *
 * PromQL is checked by Prometheus's own grammar (the one its web UI uses), so a syntax error
 * or an unknown function fails; the types of function arguments are not checked.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import client from 'prom-client';
import { parse as parseYaml } from 'yaml';

type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/** What the services expose at /metrics besides prom-client's defaults (shared/src/metrics, checkout's outbox). */
const SHOP_METRICS: Record<string, MetricType> = {
  shop_messages_handled_total: 'counter',
  shop_message_attempts_failed_total: 'counter',
  shop_messages_retried_total: 'counter',
  shop_messages_dead_lettered_total: 'counter',
  shop_message_handler_duration_seconds: 'histogram',
  shop_event_lag_seconds: 'histogram',
  shop_queue_messages: 'gauge',
  shop_queue_oldest_age_seconds: 'gauge',
  shop_http_request_duration_seconds: 'histogram',
  shop_outbox_backlog: 'gauge',
  shop_outbox_oldest_age_seconds: 'gauge',
  shop_outbox_parked: 'gauge',
  shop_scheduled_jobs_parked: 'gauge',
  shop_outbox_published: 'gauge',
  shop_inbox_events: 'gauge',
  shop_dead_letters_parked: 'gauge',
  shop_dead_letters_oldest_age_seconds: 'gauge',
};

/** Series Prometheus itself adds to every target. https://prometheus.io/docs/concepts/jobs_instances/ */
const SCRAPE_SERIES = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
];

/** Each service, and the port of its /metrics inside the compose network. */
const SERVICES = { checkout: 3000, email: 3001, pdf: 3002, inventory: 3003, analytics: 3004 };
/** Published without a host port so it can be scaled; scraped through DNS service discovery. */
const SCALED_SERVICE = 'email';

/** Grafana's built-in interval variables, replaced by a duration before parsing. */
const GRAFANA_INTERVALS = /\$\{?__(rate_interval|interval|range)\}?/g;

const root = path.resolve(__dirname, '..');
const observability = path.join(root, 'deploy/observability');
const files = {
  compose: path.join(root, 'docker-compose.yml'),
  prometheus: path.join(observability, 'prometheus.yml'),
  datasources: path.join(observability, 'grafana/provisioning/datasources/datasources.yml'),
  dashboards: path.join(observability, 'grafana/dashboards'),
};

const problems: string[] = [];
const relative = (file: string) => path.relative(root, file);
const problem = (file: string, message: string) => problems.push(`${relative(file)}: ${message}`);

/** The series names a metric of each type produces in the exposition format. */
function seriesNames(name: string, type: MetricType): string[] {
  if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

async function knownSeries(): Promise<Set<string>> {
  // A registry of its own, so only the defaults land in it, exactly as prom-client names them.
  const defaults = new client.Registry();
  client.collectDefaultMetrics({ register: defaults });
  const defaultMetrics = (await defaults.getMetricsAsJSON()).map(
    ({ name, type }) => [name, String(type) as MetricType] as const,
  );
  return new Set([
    ...Object.entries(SHOP_METRICS).flatMap(([name, type]) => seriesNames(name, type)),
    ...defaultMetrics.flatMap(([name, type]) => seriesNames(name, type)),
    ...SCRAPE_SERIES,
  ]);
}

function readYaml(file: string): unknown {
  try {
    // merge: docker-compose.yml shares settings through YAML merge keys (<<).
    return parseYaml(readFileSync(file, 'utf8'), { merge: true });
  } catch (error) {
    problem(file, `does not parse: ${(error as Error).message}`);
    return undefined;
  }
}

/** Problems with one PromQL expression: syntax errors, and selectors of metrics nobody exposes. */
function checkPromql(expression: string, known: Set<string>): string[] {
  if (!expression.trim()) return ['empty expression'];
  const found: string[] = [];
  const tree = promqlParser.parse(expression);
  tree.iterate({
    enter(node) {
      if (node.type.isError && found.length === 0) {
        const near = expression.slice(Math.max(0, node.from - 20), node.to + 20);
        found.push(`PromQL syntax error at character ${node.from}, near ${JSON.stringify(near)}`);
      }
      if (node.name === 'VectorSelector') {
        const identifier = node.node.getChild('Identifier');
        if (!identifier) {
          found.push(`a selector names no metric: ${expression.slice(node.from, node.to)}`);
        } else {
          const metric = expression.slice(identifier.from, identifier.to);
          if (!known.has(metric)) found.push(`no service exposes the metric ${metric}`);
        }
      }
    },
  });
  return found;
}

interface Panel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { uid?: string } | string | null;
  targets?: { expr?: string; datasource?: { uid?: string } | string | null }[];
  panels?: Panel[];
}

function datasourceUid(datasource: Panel['datasource']): string | undefined {
  return typeof datasource === 'string' ? datasource : (datasource?.uid ?? undefined);
}

function checkDashboard(file: string, known: Set<string>, datasourceUids: Set<string>) {
  let dashboard: { uid?: string; title?: string; panels?: Panel[] };
  try {
    dashboard = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    problem(file, `is not valid JSON: ${(error as Error).message}`);
    return;
  }
  if (!dashboard.uid) problem(file, 'has no uid (links and provisioning need a fixed one)');
  // Collapsed rows keep their panels inside the row.
  const panels = (dashboard.panels ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])]);
  const seenIds = new Set<number>();
  let queries = 0;
  for (const panel of panels) {
    if (panel.id !== undefined) {
      if (seenIds.has(panel.id)) problem(file, `two panels have the id ${panel.id}`);
      seenIds.add(panel.id);
    }
    if (panel.type === 'row') continue;
    const name = `panel "${panel.title ?? panel.id}"`;
    if (!panel.targets?.length) problem(file, `${name} has no query`);
    for (const target of panel.targets ?? []) {
      const uid = datasourceUid(target.datasource) ?? datasourceUid(panel.datasource);
      if (!uid || !datasourceUids.has(uid)) {
        problem(file, `${name} uses the datasource ${uid ?? '(none)'}, which is not provisioned`);
      }
      if (target.expr === undefined) continue;
      queries += 1;
      const expression = target.expr.replace(GRAFANA_INTERVALS, '5m');
      for (const found of checkPromql(expression, known)) problem(file, `${name}: ${found}`);
    }
  }
  return { panels: panels.filter(({ type }) => type !== 'row').length, queries };
}

interface RuleFile {
  groups?: {
    name?: string;
    rules?: {
      alert?: string;
      record?: string;
      expr?: string;
      for?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    }[];
  }[];
}

const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const SEVERITIES = ['info', 'warning', 'critical'];

function checkRules(file: string, known: Set<string>) {
  const parsed = readYaml(file) as RuleFile | null | undefined;
  if (parsed === undefined) return 0;
  const rules = parsed?.groups?.flatMap((group) => group.rules ?? []);
  if (!rules?.length) {
    problem(file, 'has no rules');
    return 0;
  }
  for (const rule of rules) {
    const name = rule.alert ?? rule.record ?? '(unnamed rule)';
    for (const found of checkPromql(String(rule.expr ?? ''), known)) problem(file, `${name}: ${found}`);
    if (!rule.alert) continue;
    if (!rule.for || !DURATION.test(rule.for)) problem(file, `${name}: needs a "for" duration`);
    if (!SEVERITIES.includes(rule.labels?.severity ?? '')) {
      problem(file, `${name}: needs a severity label (${SEVERITIES.join(', ')})`);
    }
    if (!rule.annotations?.description?.trim())
      problem(file, `${name}: needs a description saying what to do`);
  }
  return rules.length;
}

interface PrometheusConfig {
  rule_files?: string[];
  scrape_configs?: {
    job_name?: string;
    authorization?: { type?: string; credentials_file?: string };
    static_configs?: { targets?: string[] }[];
    dns_sd_configs?: { names?: string[]; type?: string; port?: number }[];
  }[];
}

function checkPrometheus(file: string, rulesFiles: string[]) {
  const config = readYaml(file) as PrometheusConfig | undefined;
  if (!config) return 0;
  for (const rules of rulesFiles) {
    if (!config.rule_files?.includes(path.relative(path.dirname(file), rules))) {
      problem(file, `rule_files does not load ${relative(rules)}`);
    }
  }
  const jobs = config.scrape_configs ?? [];
  // The services serve /metrics to METRICS_TOKEN only: a job without it scrapes 404s.
  for (const job of jobs) {
    if (job.authorization?.type !== 'Bearer' || !job.authorization.credentials_file) {
      problem(file, `job ${job.job_name ?? '?'} sends no bearer token (authorization.credentials_file)`);
    }
  }
  for (const [service, port] of Object.entries(SERVICES)) {
    const byDns = jobs.some((job) =>
      job.dns_sd_configs?.some(
        (sd) => sd.names?.includes(service) && sd.port === port && (sd.type ?? 'SRV') === 'A',
      ),
    );
    const byTarget = jobs.some((job) =>
      job.static_configs?.some((sc) => sc.targets?.includes(`${service}:${port}`)),
    );
    if (service === SCALED_SERVICE && !byDns) {
      problem(
        file,
        `${service} runs as several replicas: scrape it with dns_sd_configs (type A, port ${port})`,
      );
    } else if (!byDns && !byTarget) {
      problem(file, `no job scrapes ${service}:${port}`);
    }
  }
  return jobs.length;
}

function checkComposeMounts(file: string) {
  const compose = readYaml(file) as { services?: Record<string, { volumes?: unknown[] }> } | undefined;
  for (const [service, { volumes = [] }] of Object.entries(compose?.services ?? {})) {
    for (const volume of volumes) {
      if (typeof volume !== 'string' || !volume.startsWith('./deploy/')) continue;
      const source = volume.split(':')[0] ?? '';
      if (!existsSync(path.join(root, source)))
        problem(file, `${service} mounts ${source}, which does not exist`);
    }
  }
}

function datasourceUidsIn(file: string): Set<string> {
  const provisioned = readYaml(file) as { datasources?: { uid?: string }[] } | undefined;
  return new Set((provisioned?.datasources ?? []).flatMap(({ uid }) => (uid ? [uid] : [])));
}

async function main() {
  const known = await knownSeries();
  const rulesFiles = (readYaml(files.prometheus) as PrometheusConfig | undefined)?.rule_files?.map((name) =>
    path.join(observability, name),
  ) ?? [path.join(observability, 'alerts.yml')];

  const jobs = checkPrometheus(files.prometheus, rulesFiles);
  console.log(`${relative(files.prometheus)}: ${jobs} scrape jobs`);
  for (const rules of rulesFiles) {
    const count = checkRules(rules, known);
    console.log(`${relative(rules)}: ${count} rules`);
  }
  const datasourceUids = datasourceUidsIn(files.datasources);
  const dashboards = readdirSync(files.dashboards).filter((name) => name.endsWith('.json'));
  if (dashboards.length === 0) problem(files.dashboards, 'holds no dashboard');
  for (const name of dashboards) {
    const file = path.join(files.dashboards, name);
    const counted = checkDashboard(file, known, datasourceUids);
    if (counted) console.log(`${relative(file)}: ${counted.panels} panels, ${counted.queries} queries`);
  }
  checkComposeMounts(files.compose);

  if (problems.length > 0) {
    console.error(`\n${problems.length} problem(s):`);
    for (const found of problems) console.error(`  ${found}`);
    process.exit(1);
  }
  console.log('Observability configuration is valid');
  // prom-client's default metrics keep an event-loop monitor running.
  process.exit(0);
}

void main();
