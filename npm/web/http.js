// The browser upload's transport: one POST with upload progress, coded errors, an abortable sleep, and a
// wait for the browser to be back online.
// XMLHttpRequest because fetch has no upload progress.

export function codedError(code, message, extra = {}) {
  const err = new Error(message);
  err.code = code;
  return Object.assign(err, extra);
}

export const abortedError = () => codedError('ABORTED', 'The upload was aborted');

/**
 * One POST; resolves to `{ status, text }` for any answer, rejects on the network, a timeout or `signal`.
 * `onBytes(sent, bodySize)` counts the whole multipart body, fields included.
 */
export function post(url, form, headers, signal, onBytes) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError());
      return;
    }
    const xhr = new XMLHttpRequest();
    try {
      xhr.open('POST', url);
    } catch {
      reject(codedError('INVALID_OPTION', `The upload URL is not a URL: ${url}`)); // (a DOMException has no code of ours)
      return;
    }
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onBytes(e.loaded, e.total);
    xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
    xhr.onerror = () => reject(codedError('UPLOAD_FAILED', 'network error', { retryable: true }));
    xhr.ontimeout = () => reject(codedError('TIMEOUT', 'Request Timeout', { http_code: 499, retryable: true }));
    const abort = () => xhr.abort();
    xhr.onabort = () => reject(abortedError());
    signal?.addEventListener('abort', abort, { once: true });
    xhr.onloadend = () => signal?.removeEventListener('abort', abort);
    xhr.send(form);
  });
}

/** Waits `ms`; rejects with ABORTED as soon as `signal` aborts. */
export const sleep = (ms, signal) => new Promise((resolve, reject) => {
  if (signal?.aborted) {
    reject(abortedError());
    return;
  }
  const onAbort = () => { clearTimeout(t); reject(abortedError()); };
  const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
  signal?.addEventListener('abort', onAbort, { once: true });
});

/**
 * While the browser says it is offline (`navigator.onLine` false), waits for its `online` event, at most
 * `maxMs` (a server on the machine or the LAN may answer all the same: the wait is bounded, not a hang);
 * rejects with ABORTED as soon as `signal` aborts. Resolves at once where the browser says it is online,
 * or cannot say.
 */
export const whileOffline = (signal, maxMs) => new Promise((resolve, reject) => {
  const scope = globalThis;
  if (scope.navigator?.onLine !== false || typeof scope.addEventListener !== 'function') {
    resolve();
    return;
  }
  if (signal?.aborted) {
    reject(abortedError());
    return;
  }
  const done = () => {
    clearTimeout(timer);
    scope.removeEventListener('online', onOnline);
    signal?.removeEventListener('abort', onAbort);
  };
  const onOnline = () => { done(); resolve(); };
  const onAbort = () => { done(); reject(abortedError()); };
  const timer = setTimeout(onOnline, maxMs);
  scope.addEventListener('online', onOnline);
  signal?.addEventListener('abort', onAbort);
});
