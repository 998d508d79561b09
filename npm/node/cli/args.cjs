'use strict';
// Command-line arguments: `--key value`, `--key=value`, `--flag`; kebab-case keys become snake_case;
// `true`/`false` become booleans and numbers numbers, so `--secure false` means false, never the string;
// a number only when it reads back as typed (`--public-id 007` and `--folder 2024.10` stay text).

/** `chunk_size` as the user types it: `--chunk-size`. */
const flagName = (key) => `--${key.replace(/_/g, '-')}`;

/** A usage or configuration error: one line on stderr, exit code 2. */
class UsageError extends Error {}

/** Options that never take a value. */
const FLAGS = ['recursive', 'dry_run'];
/** Options that are true or false: alone they mean true, and the next argument is theirs only when it is
 * `true` or `false` (`--overwrite a.png` uploads a.png). Every other option takes a value. */
const BOOLEANS = ['overwrite', 'unique_filename', 'use_filename', 'invalidate', 'secure', 'sign_url'];

function typed(value) {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^-?\d+(\.\d+)?$/.test(value) && String(Number(value)) === value ? Number(value) : value;
}

/** `{ positional, options }` from argv, reading FLAGS and BOOLEANS as they are declared above. */
function parseArgs(argv) {
  const positional = [];
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h') {
      options.help = true;
    } else if (arg.startsWith('--') && arg.length > 2) {
      const [rawKey, inline] = arg.slice(2).split(/=(.*)/s);
      const key = rawKey.replace(/-/g, '_');
      if (inline !== undefined) options[key] = typed(inline);
      else if (FLAGS.includes(key) || key === 'help') options[key] = true;
      else if (BOOLEANS.includes(key)) options[key] = ['true', 'false'].includes(argv[i + 1]) ? typed(argv[++i]) : true;
      else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) options[key] = typed(argv[++i]);
      else options[key] = true;
    } else {
      positional.push(arg);
    }
  }
  return { positional, options };
}

/** A positive integer option, or `fallback`; anything else is a usage error naming the option. */
function positiveInt(options, key, fallback) {
  const v = decimal(options[key]);
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 1) throw new UsageError(`${flagName(key)} must be a positive integer, not ${v}`);
  return v;
}

/** A number written with leading zeros or a `.0` (kept as text by `typed`) as the number; others as given. */
function decimal(value) {
  return typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/** Edits (insertions, deletions, substitutions, swaps of neighbours) from `a` to `b`. */
function distance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The allowed option a refused one most likely meant: the only nearest one, within an edit per three
 * letters (rustc's rule: `--widht` → `--width`, but `--tag` is not taken for `--page`).
 */
function nearest(key, allowed) {
  const most = Math.max(1, Math.floor(key.length / 3));
  const near = allowed.map((k) => [k, distance(key, k)]).filter(([, n]) => n <= most).sort((x, y) => x[1] - y[1]);
  return near.length === 1 || (near.length > 1 && near[0][1] < near[1][1]) ? near[0][0] : undefined;
}

/**
 * Refuses options `command` does not take (a typo, or a flag it would silently drop), naming the one a
 * typo most likely meant. `also` admits names beyond the list (`$name` variables of `url`); `where` says
 * where the options are listed.
 */
function knownOptions(command, options, allowed, { also = () => false, where = `cirrus ${command} --help lists its options` } = {}) {
  const unknown = Object.keys(options).filter((k) => !allowed.includes(k) && !also(k));
  if (unknown.length === 0) return;
  const flags = unknown.map(flagName).join(', ');
  const meant = unknown.length === 1 ? nearest(unknown[0], allowed) : undefined;
  throw new UsageError(`${command} does not take ${flags}${meant ? `; did you mean ${flagName(meant)}?` : ''} (${where})`);
}

/**
 * Refuses options `command` does not take (knownOptions, with its `also` and `where`), then options that
 * take a value given without one (`--folder` alone would otherwise be `true`); `booleans` are the
 * command's own options that are true alone, beside the shared FLAGS and BOOLEANS.
 */
function onlyOptions(command, options, allowed, { booleans = [], ...known } = {}) {
  knownOptions(command, options, allowed, known);
  const valueless = Object.keys(options).find((k) => options[k] === true && !FLAGS.includes(k) && !BOOLEANS.includes(k) && !booleans.includes(k));
  if (valueless) throw new UsageError(`${flagName(valueless)} needs a value`);
}

module.exports = { UsageError, parseArgs, decimal, positiveInt, onlyOptions };
