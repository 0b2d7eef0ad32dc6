import { readFileSync } from 'node:fs';
import { checkPromql } from './known-series';
import { problem, readYaml } from './observability-files';

/** Grafana's built-in interval variables, replaced by a duration before parsing. */
const GRAFANA_INTERVALS = /\$\{?__(rate_interval|interval|range)\}?/g;

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

export function checkDashboard(file: string, known: Set<string>, datasourceUids: Set<string>) {
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

export function datasourceUidsIn(file: string): Set<string> {
  const provisioned = readYaml(file) as { datasources?: { uid?: string }[] } | undefined;
  return new Set((provisioned?.datasources ?? []).flatMap(({ uid }) => (uid ? [uid] : [])));
}
