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

// Terminal columns a character takes: East Asian wide and fullwidth characters and emoji two; combining
// marks, format characters (joiners, variation selectors) and conjoining Hangul vowels and finals none (a
// progress line counted in characters wraps, and a redraw then leaves copies behind).
const WIDE = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf],
  [0xa960, 0xa97f], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60], [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff], [0x20000, 0x3fffd],
];
const ZERO = /[\p{Mn}\p{Me}\p{Cf}\u1160-\u11ff]/u;
const EMOJI = /\p{Emoji_Presentation}/u;
const within = (ranges, c) => ranges.some(([from, to]) => c >= from && c <= to);

/** The columns one character takes on a terminal: 0, 1 or 2. */
function charWidth(ch) {
  const c = ch.codePointAt(0);
  if (c < 0x300) return 1;
  if (ZERO.test(ch)) return 0;
  return within(WIDE, c) || EMOJI.test(ch) ? 2 : 1;
}

/** The columns `text` takes on a terminal. */
function width(text) {
  let n = 0;
  for (const ch of String(text)) n += charWidth(ch);
  return n;
}

/** `text` padded with spaces to `columns` terminal columns (on the right, or the left for `right`). */
function pad(text, columns, right = false) {
  const room = ' '.repeat(Math.max(0, columns - width(text)));
  return right ? room + text : text + room;
}

/** `text` cut to `columns` terminal columns, with an ellipsis when cut. */
function fit(text, columns) {
  const s = String(text);
  if (width(s) <= columns) return s;
  let out = '';
  let used = 0;
  const room = columns <= 1 ? columns : columns - 1;
  for (const ch of s) {
    const w = charWidth(ch);
    if (used + w > room) break;
    out += ch;
    used += w;
  }
  return columns <= 1 ? out : `${out}…`;
}

/** `1 file`, `3 files`. */
function plural(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The terminal's width when `stream` is one that says it; else undefined. */
function terminalColumns(stream = process.stdout) {
  return stream.isTTY && stream.columns ? stream.columns : undefined;
}

/** How wide a table may be: the terminal's width, or no limit when piped (nothing is cut for programs). */
function tableRoom(stream = process.stdout) {
  return stream.isTTY ? terminalColumns(stream) ?? 120 : Infinity;
}

/**
 * A table: a header row, a rule, then one row per item; `columns` are `[title, key, align, keep]` (align
 * `right` for numbers; `keep`: never cut). When wider than `room` columns, the widest other columns are
 * cut, down to 8 columns each (`room` Infinity: nothing is, for output read by programs); when the table
 * does not fit even so, each item is a block of `title  value` lines instead (as `psql`'s expanded display).
 */
function table(rows, columns, room = 120) {
  const cells = rows.map((r) => columns.map(([, key]) => String(r[key] ?? '')));
  const widths = columns.map(([title], i) => Math.max(width(title), ...cells.map((c) => width(c[i]))));
  const gap = 2;
  let over = widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1) - room;
  // The widest column gives up a character at a time, so long columns end up sharing the space evenly.
  const shrinkable = (i) => columns[i][3] !== 'keep';
  while (over > 0) {
    const widest = Math.max(...widths.filter((_, i) => shrinkable(i)));
    const i = widths.findIndex((w, j) => w === widest && shrinkable(j));
    if (i < 0 || widths[i] <= 8) break;
    widths[i] -= 1;
    over -= 1;
  }
  if (over > 0) return blocks(cells, columns);
  const line = (values) => values.map((v, i) => pad(fit(v, widths[i]), widths[i], columns[i][2] === 'right')).join(' '.repeat(gap)).trimEnd();
  return [line(columns.map(([title]) => title)), widths.map((w) => '─'.repeat(w)).join(' '.repeat(gap)), ...cells.map(line)].join('\n');
}

/** Each item as `title  value` lines (titles padded to one width), a blank line between items. */
function blocks(cells, columns) {
  const titles = Math.max(...columns.map(([title]) => width(title)));
  return cells.map((c) => columns.map(([title], i) => `${pad(title, titles)}  ${c[i]}`.trimEnd()).join('\n')).join('\n\n');
}

/**
 * Text for a terminal (help, the doctor's explanation) wrapped at `columns`: a long line breaks at spaces,
 * its continuation indented under the description column (`  --flag X      description`), under a list
 * item's text, or under the line's own indentation.
 */
function wrap(text, columns) {
  return text.split('\n').map((line) => {
    if (width(line) <= columns) return line;
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
      if (width(current) + gap.length + width(word) > columns) {
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

module.exports = { size, width, pad, fit, plural, table, tableRoom, terminalColumns, wrap };
