// The demo page: resumable direct uploads with cirrus-web (pause/resume, three at a time, optional
// downscale), a gallery with a trash, the lifecycle's cleanup status.
import { init, createUpload, listResumableUploads } from '/web/index.js';
import { explain } from './messages.js';

const $ = (id) => document.getElementById(id);

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = false;
}

/** A JSON call to the demo's API; failures become errors carrying the server's code. */
async function api(path, options = {}) {
  let res;
  try {
    res = await fetch(path, { headers: { 'content-type': 'application/json' }, ...options });
  } catch {
    throw Object.assign(new Error('Failed to fetch'), { code: 'SERVER_UNREACHABLE' });
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(body.message || `${res.status} ${res.statusText}`), { code: body.code, status: res.status });
  return body;
}

function button(text, onClick, className = '') {
  const b = document.createElement('button');
  b.textContent = text;
  b.className = className;
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await onClick();
    } catch (e) {
      showError(explain(e));
      b.disabled = false;
    }
  });
  return b;
}

function card(record, trashed) {
  const li = document.createElement('li');
  li.dataset.id = record.id;
  const img = document.createElement('img');
  img.src = record.urls.thumb;
  img.alt = record.original_filename ?? record.public_id;
  img.loading = 'lazy';
  const meta = document.createElement('div');
  meta.className = 'meta';
  const size = document.createElement('span');
  size.textContent = `${record.width}×${record.height} ${record.format}`;
  meta.append(size);
  if (trashed) {
    meta.append(
      button('Restore', async () => { await api(`/api/media/${record.id}/restore`, { method: 'POST' }); await refresh(); }),
      button('Delete forever', async () => { await api(`/api/media/${record.id}`, { method: 'DELETE' }); await refresh(); }, 'danger'),
    );
  } else {
    meta.append(button('Delete', async () => { await api(`/api/media/${record.id}/trash`, { method: 'POST' }); await refresh(); }, 'danger'));
  }
  li.append(img, meta);
  return li;
}

/** Reloads the gallery, the trash and the status from the server. */
async function refresh() {
  const [items, trash, status] = await Promise.all([api('/api/media'), api('/api/media?deleted=only'), api('/api/status')]);
  $('gallery').replaceChildren(...items.map((r) => card(r, false)));
  $('empty').hidden = items.length > 0;
  $('trash').replaceChildren(...trash.map((r) => card(r, true)));
  $('trash-section').hidden = trash.length === 0;
  $('account').textContent = status.account;
  $('runs').replaceChildren(...status.runs.slice().reverse().map((run) => {
    const li = document.createElement('li');
    const counts = run.result && typeof run.result === 'object' ? Object.entries(run.result).map(([k, v]) => `${v} ${k}`).join(', ') : String(run.result ?? '');
    const what = run.error ? `failed: ${run.error}` : counts;
    li.textContent = `${new Date(run.at).toLocaleTimeString()} ${run.job} ${what}`;
    return li;
  }));
  $('runs-empty').hidden = status.runs.length > 0;
}

const mb = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1e3))} KB`);

/** One upload row: name, progress, state, pause/resume; a failed row turns red and can be dismissed. */
function uploadRow(file) {
  const row = document.createElement('li');
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = file.name;
  const bar = document.createElement('progress');
  bar.max = 1;
  bar.value = 0;
  const state = document.createElement('span');
  state.className = 'state';
  state.textContent = 'waiting';
  const toggle = document.createElement('button');
  toggle.className = 'toggle';
  toggle.hidden = true;
  const cancel = document.createElement('button');
  cancel.className = 'cancel';
  cancel.textContent = 'Cancel';
  cancel.hidden = true;
  row.append(name, bar, state, toggle, cancel);
  $('uploads').append(row);
  return {
    row,
    progress(loaded, total, resumedFrom) {
      bar.value = total ? loaded / total : 0;
      const resumed = resumedFrom ? ` (resumed at ${mb(resumedFrom)})` : '';
      // Before the first report (paused at once) the total is not known yet: the file's size is.
      state.textContent = `${Math.round(bar.value * 100)}% of ${mb(total || file.size)}${resumed}`;
    },
    status(text) { state.textContent = text; },
    /**
     * Shows pause/resume and cancel for a running upload; a paused one gives its slot to the next in the
     * queue. Cancel aborts it: its row goes, and the server ends its record (the `cancel` option below).
     */
    control(handle) {
      toggle.hidden = false;
      cancel.hidden = false;
      // Its slot is released when the upload settles (uploadAll), as for a finished one.
      cancel.onclick = () => {
        handle.abort();
        row.remove();
      };
      const label = () => { toggle.textContent = handle.state === 'paused' ? 'Resume' : 'Pause'; };
      label();
      toggle.onclick = async () => {
        if (handle.state === 'paused') {
          toggle.disabled = true;
          await slot(true);
          toggle.disabled = false;
          // Cancelled while it waited for the slot: the upload has settled, so hand the slot on.
          if (handle.state !== 'paused') return release();
          handle.resume();
        } else {
          handle.pause();
          release();
          // The chunk in flight is dropped (sent again on resume): the bar falls back to what was acknowledged.
          state.textContent += ', paused';
        }
        row.classList.toggle('paused', handle.state === 'paused');
        label();
      };
    },
    /** The upload is over: nothing left to pause or cancel while the server checks it. */
    settled() {
      toggle.remove();
      cancel.remove();
    },
    done() { row.remove(); },
    fail(message) {
      row.classList.add('failed');
      bar.remove();
      toggle.remove();
      cancel.remove();
      state.textContent = message;
      const dismiss = document.createElement('button');
      dismiss.textContent = '×';
      dismiss.title = 'Dismiss';
      dismiss.setAttribute('aria-label', `Dismiss ${file.name}`);
      dismiss.addEventListener('click', () => row.remove());
      row.append(dismiss);
    },
  };
}

// `previous` names the upload's record when it needs a new signature (after an hour, or resumed later):
// the server signs the same record again and the upload keeps its bytes.
const sign = (params, context) => api('/api/sign', { method: 'POST', body: JSON.stringify({ params, previous: context?.previous }) });
// An upload given up for good (Cancel, or refused by the cloud) ends its record's upload now: nothing
// can adopt it, and whatever a request already in flight stores is destroyed.
const cancel = (fields) => api('/api/sign', { method: 'POST', body: JSON.stringify({ cancel: fields.record_id }), keepalive: true });

/** Uploads one file (resumable: picking it again after a reload continues it), then records it. */
async function upload(file, row) {
  if (file.size === 0) return row.fail(explain({ code: 'EMPTY_FILE' }));
  let identifier;
  try {
    const handle = createUpload(file, {
      sign,
      cancel,
      chunkSize: 6_000_000,
      resumable: true,
      downscale: $('downscale').checked ? { maxWidth: 2000, maxHeight: 2000, quality: 0.85 } : undefined,
      onProgress: ({ loaded, total }) => row.progress(loaded, total, handle.resumedFrom),
    });
    row.control(handle);
    ({ identifier } = await handle.done);
  } catch (e) {
    return row.fail(explain(e));
  }
  row.settled();
  row.status('checking');
  try {
    await api('/api/media', { method: 'POST', body: JSON.stringify({ identifier }) });
    row.done();
    await Promise.all([refresh(), showUnfinished()]);
  } catch (e) {
    // The server refused what was uploaded: the media service destroyed it in the cloud.
    row.fail(e.status && e.status < 500 ? `${explain(e)} It was removed from the cloud.` : explain(e));
  }
}

/** At most three files upload at once (paused ones do not count); the rest wait their turn. */
const CONCURRENCY = 3;
let running = 0;
const waiting = [];

/** Resolves once a slot is free; a resumed upload (`first`) goes before files not started yet. */
function slot(first = false) {
  if (running < CONCURRENCY) {
    running++;
    return Promise.resolve();
  }
  return new Promise((resolve) => (first ? waiting.unshift(resolve) : waiting.push(resolve)));
}

function release() {
  const next = waiting.shift();
  if (next) next();
  else running--;
}

function uploadAll(files) {
  $('error').hidden = true;
  for (const file of files) {
    const row = uploadRow(file);
    slot().then(() => upload(file, row)).finally(() => {
      if (row.row.classList.contains('paused')) return; // its slot was given up when it paused
      release();
    });
  }
}

/** Uploads a reload interrupted: the user picks the same file again to continue. */
async function showUnfinished() {
  const unfinished = await listResumableUploads();
  $('unfinished').replaceChildren(...unfinished.map((u) => {
    const li = document.createElement('li');
    li.textContent = `${u.name}: ${mb(u.offset)} of ${mb(u.size)} uploaded. Pick it again to continue.`;
    return li;
  }));
  $('unfinished-section').hidden = unfinished.length === 0;
}

await init();
await Promise.all([refresh(), showUnfinished()]);
$('picker').addEventListener('change', (e) => { uploadAll([...e.target.files]); e.target.value = ''; });
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); uploadAll([...e.dataTransfer.files]); });
for (const job of ['sweep', 'reconcile']) {
  $(job).addEventListener('click', async () => {
    try {
      await api(`/api/cleanup/${job}`, { method: 'POST' });
      await refresh();
    } catch (e) {
      showError(explain(e));
    }
  });
}
window.__demoReady = true;
