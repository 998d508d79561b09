// The demo page: direct uploads with cirrus-web, a gallery, deletes.
import { init, directUpload } from '/web/index.js';

const $ = (id) => document.getElementById(id);

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = false;
}

async function api(path, options = {}) {
  const res = await fetch(path, { headers: { 'content-type': 'application/json' }, ...options });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.message || `${res.status} ${res.statusText}`);
  return body;
}

function card(record) {
  const li = document.createElement('li');
  li.dataset.id = record.id;
  const img = document.createElement('img');
  img.src = record.urls.thumb;
  img.alt = record.original_filename;
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.textContent = `${record.width}×${record.height} ${record.format}`;
  const del = document.createElement('button');
  del.textContent = 'Delete';
  del.addEventListener('click', async () => {
    del.disabled = true;
    try {
      await api(`/api/media/${record.id}`, { method: 'DELETE' });
      li.remove();
      $('empty').hidden = $('gallery').children.length > 0;
    } catch (e) {
      showError(`Could not delete: ${e.message}`);
      del.disabled = false;
    }
  });
  meta.append(del);
  li.append(img, meta);
  return li;
}

function add(record) {
  $('gallery').prepend(card(record));
  $('empty').hidden = true;
}

async function upload(file) {
  const row = document.createElement('li');
  const name = document.createElement('span');
  name.textContent = file.name;
  const bar = document.createElement('progress');
  bar.max = 1;
  bar.value = 0;
  const pct = document.createElement('span');
  pct.textContent = '0%';
  row.append(name, bar, pct);
  $('uploads').append(row);
  try {
    const sign = (params) => api('/api/sign', { method: 'POST', body: JSON.stringify({ params }) });
    const { identifier } = await directUpload(file, {
      sign,
      chunkSize: 6_000_000,
      onProgress: ({ loaded, total }) => {
        bar.value = total ? loaded / total : 0;
        pct.textContent = `${Math.round(bar.value * 100)}%`;
      },
    });
    add(await api('/api/media', { method: 'POST', body: JSON.stringify({ identifier }) }));
    row.remove();
  } catch (e) {
    pct.textContent = 'failed';
    showError(`${file.name}: ${e.message}`);
  }
}

function uploadAll(files) {
  $('error').hidden = true;
  return Promise.all([...files].map(upload));
}

await init();
for (const record of await api('/api/media')) add(record);
$('empty').hidden = $('gallery').children.length > 0;
$('picker').addEventListener('change', (e) => uploadAll(e.target.files));
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); uploadAll(e.dataTransfer.files); });
window.__demoReady = true;
