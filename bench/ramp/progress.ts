/**
 * A one-line progress bar on stderr while a ramp runs: redrawn in place on a terminal, a
 * plain line every few seconds otherwise (CI logs stay readable).
 */
export interface ProgressState {
  elapsedMs: number;
  offered: number;
  sent: number;
  ok: number;
  errors: number;
  inFlight: number;
}

export function progressLine(label: string, totalMs: number, state: ProgressState, width = 24): string {
  const share = Math.min(1, Math.max(0, state.elapsedMs / totalMs));
  const filled = Math.round(share * width);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
  return (
    `${label} [${bar}] ${String(Math.round(share * 100)).padStart(3)}% ` +
    `${(state.elapsedMs / 1000).toFixed(0)}/${(totalMs / 1000).toFixed(0)} s  ` +
    `offered ${state.offered.toFixed(1)}/s  sent ${state.sent}  ok ${state.ok}  err ${state.errors}  open ${state.inFlight}`
  );
}

export function createProgress({
  label,
  totalMs,
  stream = process.stderr,
  intervalMs,
}: {
  label: string;
  totalMs: number;
  stream?: NodeJS.WriteStream;
  intervalMs?: number;
}) {
  const tty = stream.isTTY === true;
  const every = intervalMs ?? (tty ? 250 : 10_000);
  let last = -Infinity;
  return {
    update(state: ProgressState, force = false) {
      const now = performance.now();
      if (!force && now - last < every) return;
      last = now;
      const line = progressLine(label, totalMs, state);
      if (tty) stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 160) - 1)}`);
      else stream.write(`${line}\n`);
    },
    done(state: ProgressState) {
      this.update(state, true);
      if (tty) stream.write('\n');
    },
  };
}
