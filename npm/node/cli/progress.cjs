'use strict';
// Live progress of many files on a terminal, without smearing: every line is cut to the terminal's
// width (a wrapped line would break the cursor arithmetic), at most the terminal's height minus two
// lines are drawn (the running files), with one summary line for the rest, and the block is redrawn in
// place, and cleared when done. Off a terminal nothing is drawn live: the caller prints its table at the
// end.
const { fit, pad, plural, size, terminalColumns, width } = require('./format.cjs');

function bar(done, total, cells) {
  const ratio = total ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * cells);
  return `${'█'.repeat(filled)}${'░'.repeat(cells - filled)} ${(ratio * 100).toFixed(0).padStart(3)}%`;
}

/** A renderer over `rows` (`{ name, status, loaded, total }`) writing to `stream`. */
function progress(rows, stream = process.stderr) {
  const live = Boolean(stream.isTTY);
  let drawn = 0;
  const draw = () => {
    const columns = Math.max(20, terminalColumns(stream) ?? 80);
    const height = Math.max(3, (stream.rows || 24) - 2);
    const running = rows.filter((r) => r.status === 'uploading');
    const shown = running.slice(0, height - 1);
    const counts = ['waiting', 'done', 'failed', 'skipped', 'planned'].map((s) => [s, rows.filter((r) => r.status === s).length]).filter(([, n]) => n);
    const lines = shown.map((r) => {
      const tail = ` ${bar(r.loaded, r.total, Math.min(20, Math.max(6, columns - 40)))} ${size(r.total).padStart(8)}`;
      const nameWidth = Math.max(8, columns - 1 - width(tail));
      return pad(fit(r.name, nameWidth), nameWidth) + tail;
    });
    lines.push(`${plural(rows.length, 'file')}: ${running.length} uploading${counts.map(([s, n]) => `, ${n} ${s}`).join('')}`);
    render(lines.map((l) => fit(l, columns - 1)));
  };
  // The block drawn in place of the last one; lines left over from a taller previous frame are cleared
  // (all of them for an empty block).
  const render = (lines) => {
    let out = drawn ? `\x1b[${drawn}A` : '';
    for (const l of lines) out += `\x1b[2K${l}\n`;
    for (let i = lines.length; i < drawn; i++) out += '\x1b[2K\n';
    if (drawn > lines.length) out += `\x1b[${drawn - lines.length}A`;
    stream.write(out);
    drawn = lines.length;
  };
  const timer = live ? setInterval(draw, 100) : null;
  return {
    /** Stops redrawing and clears the block: the table printed next says how each file ended. */
    stop() {
      if (!timer) return;
      clearInterval(timer);
      render([]);
    },
  };
}

module.exports = { progress };
