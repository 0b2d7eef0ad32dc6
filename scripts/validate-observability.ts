/**
 * Checks the compose `observability` profile's configuration without running it (CI has no
 * Docker engine):
 *
 *   npm run validate:observability
 *
 * - every Grafana dashboard in deploy/observability/grafana/dashboards parses, names a
 *   provisioned datasource, and each panel query is valid PromQL over metrics the services
 *   expose (observability/known-series.ts, or prom-client's default process metrics);
 * - the alert rules parse, each expression the same way, and each alert has a `for`, a
 *   severity and a description;
 * - prometheus.yml loads the rules and scrapes every service with the metrics token, email
 *   through DNS so that each of its replicas is a target;
 * - the files docker-compose.yml mounts from deploy/observability exist.
 *
 * PromQL is checked by Prometheus's own grammar (the one its web UI uses), so a syntax error
 * or an unknown function fails; the types of function arguments are not checked.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { checkComposeMounts } from './observability/check-compose-mounts';
import { checkDashboard, datasourceUidsIn } from './observability/check-dashboards';
import { checkPrometheus, checkRules, type PrometheusConfig } from './observability/check-prometheus';
import { knownSeries } from './observability/known-series';
import {
  files,
  observability,
  problem,
  problems,
  readYaml,
  relative,
} from './observability/observability-files';

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
