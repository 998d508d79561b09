// Runs the conformance vectors against a cirrus API object (the Node addon or the web package).
// Plain ESM with no Node imports, so the same file runs in Node and in the browser.

export const AREAS = [
  'url', 'api_sign_request', 'sign_request', 'build_upload_params', 'verify_identifier',
  'auth_token', 'notification', 'download', 'config', 'account_url',
];

const DOWNLOAD_FNS = {
  private_download_url: (api, a, now) => api.privateDownloadUrl(a[0], a[1], a[2], now),
  download_archive_url: (api, a, now) => api.downloadArchiveUrl(a[0], now),
  download_zip_url: (api, a, now) => api.downloadZipUrl(a[0], now),
};

/** Calls the public function a case describes. `now` pins the clock (the trailing `nowMs` argument). */
export function call(api, area, c) {
  const a = c.args;
  const now = c.now_ms;
  switch (area) {
    case 'url': return api.url(a[0], a[1], now);
    case 'api_sign_request': return api.apiSignRequest(a[0], a[1], a[2], a[3]);
    case 'sign_request': return api.signRequest(a[0], a[1]);
    case 'build_upload_params': return api.buildUploadParams(a[0], now);
    case 'verify_identifier': return api.verifyIdentifier(a[0], a[1], a[2]);
    case 'auth_token': return api.generateAuthToken(a[0], now);
    case 'notification': return api.verifyNotificationSignature(a[0], a[1], a[2], a[3], now);
    case 'download': return DOWNLOAD_FNS[c.fn](api, a, now);
    case 'config': return api.parseCloudinaryUrl(a[0]);
    case 'account_url': return new api.Cloudinary(a[0]).url(a[1], a[2], now);
    default: throw new Error(`unknown area ${area}`);
  }
}

function same(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && same(a[k], b[k]));
}

/** Checks one case; returns null when it passes, or a description of the failure. */
export function check(api, area, c) {
  let result;
  try {
    result = call(api, area, c);
  } catch (e) {
    if (!('error' in c)) return `threw ${e && e.code}: ${e && e.message}`;
    if (!(e instanceof Error) || typeof e.code !== 'string') return `threw without a string code: ${e}`;
    if (area === 'verify_identifier' && e.code !== c.error) return `code ${e.code}, expected ${c.error}`;
    return null;
  }
  if ('error' in c) return `returned ${JSON.stringify(result)}, expected an error (${c.error})`;
  return same(result, c.expected) ? null : `got ${JSON.stringify(result)}, expected ${JSON.stringify(c.expected)}`;
}

/** Runs `areas` (all by default); `files` maps area → parsed vector file, plus `deviations`. */
export function runAll(api, files, areas = AREAS) {
  const report = { areas: {}, total: 0, failed: 0, failures: [] };
  for (const area of areas) {
    const cases = files[area].cases;
    let passed = 0;
    for (const c of cases) {
      const failure = check(api, area, c);
      if (failure === null) passed += 1;
      else report.failures.push(`${c.id}: ${failure}`);
    }
    report.areas[area] = { cases: cases.length, passed };
    report.total += cases.length;
    report.failed += cases.length - passed;
  }
  let deviationsHeld = 0;
  const deviations = files.deviations.deviations.filter((d) => areas.includes(d.area));
  for (const d of deviations) {
    let got;
    try { got = call(api, d.area, d); } catch (e) { got = `threw ${e.message}`; }
    if (got === d.cirrus && got !== d.sdk) deviationsHeld += 1;
    else report.failures.push(`${d.id}: deviation got ${got}, expected ${d.cirrus} (SDK: ${d.sdk})`);
  }
  report.deviations = { cases: deviations.length, held: deviationsHeld };
  report.failed += deviations.length - deviationsHeld;
  return report;
}
