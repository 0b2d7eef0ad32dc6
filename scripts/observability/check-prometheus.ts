import path from 'node:path';
import { SHOP_MANIFEST, SHOP_PROCESSES } from '@shop/contracts/registry';
import { checkPromql } from './known-series';
import { problem, readYaml, relative } from './observability-files';

/** The processes Prometheus scrapes: all but the dashboard, which serves no /metrics of its own to it. */
const SCRAPED = SHOP_PROCESSES.filter((name) => name !== 'dashboard');

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

export function checkRules(file: string, known: Set<string>) {
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

export interface PrometheusConfig {
  rule_files?: string[];
  scrape_configs?: {
    job_name?: string;
    authorization?: { type?: string; credentials_file?: string };
    static_configs?: { targets?: string[] }[];
    dns_sd_configs?: { names?: string[]; type?: string; port?: number }[];
  }[];
}

export function checkPrometheus(file: string, rulesFiles: string[]) {
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
  for (const service of SCRAPED) {
    const { port, scalesOut } = SHOP_MANIFEST[service];
    const byDns = jobs.some((job) =>
      job.dns_sd_configs?.some(
        (sd) => sd.names?.includes(service) && sd.port === port && (sd.type ?? 'SRV') === 'A',
      ),
    );
    const byTarget = jobs.some((job) =>
      job.static_configs?.some((sc) => sc.targets?.includes(`${service}:${port}`)),
    );
    // Published without a host port so it can be scaled: scraped through DNS service discovery.
    if (scalesOut && !byDns) {
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
