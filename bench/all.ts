/**
 * Every performance target of the reference in one run, P1 to P6, each
 * beside its baseline or target, printed as one table (and as Markdown with
 * --markdown, for docs/benchmarks.md). Runs the four benchmarks one after
 * the other, so they do not compete for the machine.
 *
 *   npm run bench            (builds first: P5 and P6 run the compiled services)
 */
import { run as checkout } from './checkout-latency';
import { run as drain } from './fulfillment-drain';
import { run as messaging } from './messaging-throughput';
import { run as stack } from './stack-load';
import { type BenchRow, printRows } from './support/environment';

async function main() {
  const rows: BenchRow[] = [];
  for (const [name, bench] of [
    ['checkout (P1, P2)', () => checkout()],
    ['messaging (P3)', () => messaging()],
    ['stack (P4, P6)', () => stack()],
    ['drain (P5)', () => drain()],
  ] as const) {
    console.error(`running ${name}...`);
    rows.push(...(await bench()));
  }
  rows.sort((a, b) => a.id.localeCompare(b.id));
  if (process.argv.includes('--markdown')) {
    console.log('| | measure | value | baseline | ratio | target | met |');
    console.log('|---|---|---|---|---|---|---|');
    for (const row of rows) {
      console.log(
        `| ${row.id} | ${row.measure} | ${row.value} | ${row.baseline} | ${row.ratio} | ${row.target} | ${row.met ? 'yes' : 'no'} |`,
      );
    }
  } else {
    printRows('Performance targets P1-P6', rows);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
