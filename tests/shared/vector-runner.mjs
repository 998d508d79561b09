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

/** Whether a url case asks for a signed URL (`sign_url`: the option, else the account's). */
function asksToSign(area, c) {
  const [account, options] = area === 'account_url' ? [c.args[0], c.args[2]] : [{}, c.args[1]];
  return Boolean(options?.sign_url ?? account?.sign_url);
}

/**
 * Checks one case; returns null when it passes, or a description of the failure. `signedUrls: false`
 * (cirrus-web's browser module): a url case that asks to sign may answer NOT_IN_BROWSER_BUILD instead
 * (`report.unsigned` counts them); every other case must hold exactly.
 */
export function check(api, area, c, { signedUrls = true, report } = {}) {
  let result;
  try {
    result = call(api, area, c);
  } catch (e) {
    if (!signedUrls && e?.code === 'NOT_IN_BROWSER_BUILD' && asksToSign(area, c)) {
      if (report) report.unsigned += 1;
      return null;
    }
    if (!('error' in c)) return `threw ${e && e.code}: ${e && e.message}`;
    if (!(e instanceof Error) || typeof e.code !== 'string') return `threw without a string code: ${e}`;
    if (area === 'verify_identifier' && e.code !== c.error) return `code ${e.code}, expected ${c.error}`;
    return null;
  }
  if ('error' in c) return `returned ${JSON.stringify(result)}, expected an error (${c.error})`;
  return same(result, c.expected) ? null : `got ${JSON.stringify(result)}, expected ${JSON.stringify(c.expected)}`;
}

/**
 * Runs `areas` (all by default); `files` maps area → parsed vector file, plus `deviations`. `options`:
 * see `check`.
 */
export function runAll(api, files, areas = AREAS, options = {}) {
  const report = { areas: {}, total: 0, failed: 0, failures: [], unsigned: 0 };
  for (const area of areas) {
    const cases = files[area].cases;
    let passed = 0;
    for (const c of cases) {
      const failure = check(api, area, c, { ...options, report });
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
    try { got = call(api, d.area, d); } catch (e) {
      if (options.signedUrls === false && e?.code === 'NOT_IN_BROWSER_BUILD' && asksToSign(d.area, d)) {
        deviationsHeld += 1;
        report.unsigned += 1;
        continue;
      }
      got = `threw ${e.message}`;
    }
    if (got === d.cirrus && got !== d.sdk) deviationsHeld += 1;
    else report.failures.push(`${d.id}: deviation got ${got}, expected ${d.cirrus} (SDK: ${d.sdk})`);
  }
  report.deviations = { cases: deviations.length, held: deviationsHeld };
  report.failed += deviations.length - deviationsHeld;
  return report;
}
