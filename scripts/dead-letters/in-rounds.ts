import { SingleBar } from 'cli-progress';

/**
 * Acts on `ids` in rounds of about a second's work each, so the bar moves and
 * Ctrl-C stops between rounds; what is not yet done stays parked.
 */
export async function inRounds(
  verb: string,
  ids: string[],
  perRound: number,
  act: (ids: string[]) => Promise<number>,
) {
  const bar = new SingleBar({
    format: `${verb} {value}/{total} [{bar}] {percentage}% | {eta_formatted} left`,
    stream: process.stderr,
    hideCursor: true,
  });
  bar.start(ids.length, 0);
  const controller = new AbortController();
  process.once('SIGINT', () => {
    console.error('\nStopping after this round; the rest stay parked.');
    controller.abort();
  });
  let done = 0;
  try {
    for (let start = 0; start < ids.length && !controller.signal.aborted; start += perRound) {
      done += await act(ids.slice(start, start + perRound));
      bar.update(start + Math.min(perRound, ids.length - start));
    }
  } finally {
    bar.stop();
  }
  return done;
}
