import ms from 'ms';
import type { DeadLetter, Preview } from './dead-letter-api';

export function printDeadLetters(items: DeadLetter[], total: number) {
  if (items.length === 0) return console.log('No dead letters match.');
  for (const item of items) {
    console.log(`${item.id}  ${item.type ?? '(unknown type)'}  order ${item.orderId ?? '-'}  ${item.state}`);
    console.log(`  message ${item.messageId}, attempts ${item.attempts}, reason ${item.reason ?? '-'}`);
    console.log(`  first failure ${item.firstFailureAt ?? '-'}, parked ${item.parkedAt}`);
    console.log(
      `  last error ${item.lastErrorCode ? `[${item.lastErrorCode}] ` : ''}${item.lastError ?? '-'}`,
    );
  }
  console.log(`${items.length} of ${total} dead letter(s).`);
}

export function printPreview(verb: string, service: string, preview: Preview) {
  const more =
    preview.matching > preview.ids.length ? ` (of ${preview.matching} matching; raise --limit)` : '';
  console.log(`Would ${verb} ${preview.ids.length} dead letter(s) of ${service}${more}.`);
  if (preview.target) console.log(`  to ${preview.target}, the service's work queue`);
  for (const group of preview.groups) {
    console.log(
      `  ${String(group.count).padStart(6)}  ${group.type ?? '(unknown type)'}  ${group.lastErrorCode ?? '-'}  ${group.reason ?? '-'}`,
    );
  }
  for (const skipped of preview.skipped) console.log(`  skipped ${skipped.id}: ${skipped.state}`);
}

export function formatAge(ageMs: number | null): string {
  return ageMs === null ? '-' : ms(ageMs);
}
