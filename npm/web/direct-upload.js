// Browser direct upload: the file goes from the browser to Cloudinary (or the emulator), signed by the
// app's server. Chunked above `chunkSize` with each failed chunk retried; progress, abort, coded errors.
// Chunk plans and status classification come from the wasm core, so they match the Node transport.

const DEFAULT_PREFIX = 'https://api.cloudinary.com';

function codedError(code, message, extra = {}) {
  const err = new Error(message);
  err.code = code;
  return Object.assign(err, extra);
}

function randomId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** One POST with upload progress (XMLHttpRequest: fetch has no upload progress). */
function post(url, form, headers, signal, onBytes) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onBytes(e.loaded);
    xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
    xhr.onerror = () => reject(codedError('UPLOAD_FAILED', 'network error', { retryable: true }));
    xhr.ontimeout = () => reject(codedError('TIMEOUT', 'Request Timeout', { http_code: 499, retryable: true }));
    const abort = () => xhr.abort();
    xhr.onabort = () => reject(codedError('ABORTED', 'The upload was aborted'));
    signal?.addEventListener('abort', abort, { once: true });
    xhr.onloadend = () => signal?.removeEventListener('abort', abort);
    xhr.send(form);
  });
}

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); reject(codedError('ABORTED', 'The upload was aborted')); }, { once: true });
});

/** Keys of a signing answer that tell the browser where to upload; they are not upload params. */
const ENVELOPE = new Set(['upload_url', 'cloud_name', 'resource_type', 'record_id']);

/** The signed identifier to hand back to the server (`verifyIdentifier` checks it). */
export function signedIdentifier(result) {
  const file = result.format && result.resource_type !== 'raw' ? `${result.public_id}.${result.format}` : result.public_id;
  return `${result.resource_type}/${result.type}/v${result.version}/${file}#${result.signature}`;
}

/**
 * Uploads `file` (a File or Blob) from the browser.
 * @param {Blob} file
 * @param {object} options
 *   sign(params) → signed params from your server (`{ ...params, signature, api_key, timestamp, cloud_name?, upload_url? }`),
 *   or uploadPreset + cloudName for unsigned uploads; params (folder, tags, ...), resourceType ('auto'),
 *   uploadPrefix, chunkSize (20 MB), retries (3), retryDelay (ms, 500), onProgress({ loaded, total }), signal.
 * @returns {Promise<{ result: object, identifier: string }>}
 */
export async function directUpload(core, file, options = {}) {
  if (!(file instanceof Blob)) throw codedError('INVALID_ARGUMENT', 'file must be a File or Blob');
  const { sign, uploadPreset, params = {}, resourceType = 'auto', chunkSize = 20_000_000, retries = 3, retryDelay = 500, onProgress, signal } = options;
  if (!sign && !uploadPreset) throw codedError('MISSING_OPTION', 'directUpload needs sign() or uploadPreset');
  if (signal?.aborted) throw codedError('ABORTED', 'The upload was aborted');
  const signFields = async () => (sign ? sign({ ...params }) : { ...params, upload_preset: uploadPreset });
  let fields = await signFields();
  const cloudName = fields.cloud_name || options.cloudName;
  if (!cloudName && !fields.upload_url) throw codedError('MISSING_OPTION', 'cloudName is needed (or an upload_url from sign())');
  const url = fields.upload_url || `${options.uploadPrefix || DEFAULT_PREFIX}/v1_1/${cloudName}/${resourceType}/upload`;
  const total = file.size;
  const chunks = total > chunkSize ? core.planChunks(total, chunkSize) : [[0, total - 1]];
  const uploadId = randomId();
  let done = 0;
  const report = (inFlight) => onProgress?.({ loaded: Math.min(total, done + inFlight), total });
  let result;
  for (const [i, [start, end]] of chunks.entries()) {
    const last = i === chunks.length - 1;
    const headers = chunks.length > 1 ? { 'X-Unique-Upload-Id': uploadId, 'Content-Range': `bytes ${start}-${end}/${last ? total : -1}` } : {};
    for (let attempt = 0; ; attempt++) {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) {
        if (!ENVELOPE.has(k) && v !== undefined && v !== null) form.append(k, String(v));
      }
      form.append('file', chunks.length > 1 ? file.slice(start, end + 1) : file, file.name || 'blob');
      let error;
      try {
        const { status, text } = await post(url, form, headers, signal, report);
        let body;
        try { body = JSON.parse(text); } catch { body = null; }
        if (status === 200 && body && !body.error) {
          result = body;
          break;
        }
        const { code, retryable } = core.classifyStatus(status, true);
        const message = body?.error?.message || `Server returned unexpected status code - ${status}`;
        error = codedError(code, message, { http_code: status, retryable });
        if (/Stale request/.test(message) && sign && attempt === 0) {
          fields = await signFields();
          continue;
        }
      } catch (e) {
        if (e.code === 'ABORTED') throw e;
        error = e;
      }
      if (!error.retryable || attempt >= retries) {
        delete error.retryable;
        throw error;
      }
      await sleep(Math.random() * retryDelay * 2 ** attempt, signal);
    }
    done += end - start + 1;
    report(0);
  }
  return { result, identifier: signedIdentifier(result) };
}
