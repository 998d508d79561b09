'use strict';
// What the CLI prints: sizes people read, lines that fit the terminal, and tables with real columns.

/** `512 B`, `12.3 KB`, `4.5 MB`, `1.20 GB` (decimal units, as file managers show). */
function size(bytes) {
  if (!Number.isFinite(bytes)) return '';
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} KB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/** `text` cut to `width` characters, with an ellipsis when cut. */
function fit(text, width) {
  const chars = [...String(text)];
  if (chars.length <= width) return chars.join('');
  return width <= 1 ? chars.slice(0, width).join('') : `${chars.slice(0, width - 1).join('')}…`;
}

/**
 * A table: a header row, a rule, then one row per item; `columns` are `[title, key, align, keep]` (align
 * `right` for numbers; `keep`: never cut). When wider than `width`, the widest other columns are cut.
 */
function table(rows, columns, width = 120) {
  const cells = rows.map((r) => columns.map(([, key]) => String(r[key] ?? '')));
  const widths = columns.map(([title], i) => Math.max([...title].length, ...cells.map((c) => [...c[i]].length)));
  const gap = 2;
  let over = widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1) - width;
  // The widest column gives up a character at a time, so long columns end up sharing the space evenly.
  const shrinkable = (i) => columns[i][3] !== 'keep';
  while (over > 0) {
    const widest = Math.max(...widths.filter((_, i) => shrinkable(i)));
    const i = widths.findIndex((w, j) => w === widest && shrinkable(j));
    if (i < 0 || widths[i] <= 8) break;
    widths[i] -= 1;
    over -= 1;
  }
  const line = (values) => values.map((v, i) => {
    const text = fit(v, widths[i]);
    const pad = ' '.repeat(widths[i] - [...text].length);
    return columns[i][2] === 'right' ? pad + text : text + pad;
  }).join(' '.repeat(gap)).trimEnd();
  return [line(columns.map(([title]) => title)), widths.map((w) => '─'.repeat(w)).join(' '.repeat(gap)), ...cells.map(line)].join('\n');
}

/**
 * Text for a terminal (help, the doctor's explanation) wrapped at `width`: a long line breaks at spaces,
 * its continuation indented under the description column (`  --flag X      description`), under a list
 * item's text, or under the line's own indentation.
 */
function wrap(text, width) {
  return text.split('\n').map((line) => {
    if ([...line].length <= width) return line;
    const column = /^(\s+\S.*?\s{2,})\S/.exec(line);
    // Under the description column, under a list item's text (`- `), or under the line's own indentation.
    const item = /^(\s*- )/.exec(line);
    const indent = ' '.repeat(column ? column[1].length : item ? item[1].length : /^\s*/.exec(line)[0].length);
    const out = [];
    const lead = /^\s*/.exec(line)[0];
    const parts = line.slice(lead.length).split(/( +)/); // words, and the runs of spaces between them
    let current = lead + parts[0];
    for (let i = 1; i < parts.length; i += 2) {
      const [gap, word] = [parts[i], parts[i + 1]];
      if ([...current].length + gap.length + [...word].length > width) {
        out.push(current);
        current = indent + word;
      } else {
        current += gap + word;
      }
    }
    out.push(current);
    return out.join('\n');
  }).join('\n');
}

module.exports = { size, fit, table, wrap };
