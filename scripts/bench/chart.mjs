// An SVG bar chart of the benchmark ratios (cirrus against the official libraries; > 1 means cirrus wins),
// with each goal marked. Plain SVG text, so it renders on GitHub and diffs in review.
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function ratioChart(rows, { title }) {
  const rowH = 26;
  const left = 330;
  const width = 900;
  const top = 50;
  const max = Math.max(2, ...rows.map((r) => Math.max(r.ratio, r.goal || 0))) * 1.1;
  const x = (v) => left + (v / max) * (width - left - 60);
  const height = top + rows.length * rowH + 40;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="10" y="40" fill="#555">bar: how many times better cirrus is (speed: their time / ours; memory: their RSS / ours); tick: the goal</text>`];
  for (let v = 0; v <= max; v += max > 12 ? 5 : 1) {
    out.push(`<line x1="${x(v)}" y1="${top - 4}" x2="${x(v)}" y2="${height - 30}" stroke="#eee"/>`,
      `<text x="${x(v)}" y="${height - 16}" text-anchor="middle" fill="#777">${v}x</text>`);
  }
  out.push(`<line x1="${x(1)}" y1="${top - 4}" x2="${x(1)}" y2="${height - 30}" stroke="#999" stroke-dasharray="3,3"/>`);
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const met = !r.goal || r.ratio >= r.goal;
    out.push(`<text x="${left - 8}" y="${y + 15}" text-anchor="end">${esc(r.label)}</text>`,
      `<rect x="${left}" y="${y + 3}" width="${Math.max(1, x(r.ratio) - left)}" height="${rowH - 8}" fill="${met ? '#2e7d32' : '#c62828'}"/>`,
      `<text x="${x(r.ratio) + 4}" y="${y + 15}">${r.ratio.toFixed(2)}x</text>`);
    if (r.goal) out.push(`<line x1="${x(r.goal)}" y1="${y}" x2="${x(r.goal)}" y2="${y + rowH - 2}" stroke="black" stroke-width="2"/>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
