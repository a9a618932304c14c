/** A one-line progress bar on stderr (only when stderr is a terminal; otherwise a few plain lines). */
export function progressBar(label: string): (done: number, total?: number) => void {
  const tty = process.stderr.isTTY;
  let lastPct = -1;
  return (done, total) => {
    const mb = (n: number) => (n / 1048576).toFixed(1);
    if (!total) {
      if (tty) process.stderr.write(`\r${label} ${mb(done)} MB`);
      return;
    }
    const pct = Math.min(100, Math.floor((done / total) * 100));
    if (pct === lastPct) return;
    lastPct = pct;
    if (tty) {
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      process.stderr.write(`\r${label} [${'='.repeat(filled)}${' '.repeat(width - filled)}] ${pct}% ${mb(done)}/${mb(total)} MB`);
      if (pct === 100) process.stderr.write('\n');
    } else if (pct % 25 === 0) {
      process.stderr.write(`${label} ${pct}% (${mb(done)}/${mb(total)} MB)\n`);
    }
  };
}
