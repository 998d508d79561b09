// What a browser page pays, measured the way a user ships it: a Vite 8 production build of a page that
// only builds a URL, with each library, and the gzipped size (level 9) of what the page loads (JS chunks
// and the .wasm; anything emitted that the page never fetches is named apart). The apps live in
// .cache/bundle-size (installed once from npm; cirrus-web from this repo's npm/web).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { root, run } from '../run.mjs';

const dir = join(root, '.cache', 'bundle-size');

/** Each page: the same URL (a 100 px fill of `sample`) the way each library's docs build it. */
const PAGES = {
  'cirrus-web': `import { init, url } from 'cirrus-web';
await init();
document.body.textContent = url('sample', { width: 100, crop: 'fill', cloud_name: 'demo' });`,
  '@cloudinary/url-gen (minimal imports)': `import { Cloudinary } from '@cloudinary/url-gen/instance/Cloudinary';
import { fill } from '@cloudinary/url-gen/actions/resize';
document.body.textContent = new Cloudinary({ cloud: { cloudName: 'demo' } }).image('sample').resize(fill().width(100)).toURL();`,
  'cloudinary-core': `import cloudinary from 'cloudinary-core';
document.body.textContent = new cloudinary.Cloudinary({ cloud_name: 'demo' }).url('sample', { width: 100, crop: 'fill' });`,
};

function install() {
  const pkg = {
    private: true,
    type: 'module',
    dependencies: {
      vite: '8.3.8',
      'cirrus-web': `file:${join(root, 'npm', 'web')}`,
      '@cloudinary/url-gen': JSON.parse(readFileSync(join(root, 'node_modules', '@cloudinary', 'url-gen', 'package.json'), 'utf8')).version,
      'cloudinary-core': JSON.parse(readFileSync(join(root, 'node_modules', 'cloudinary-core', 'package.json'), 'utf8')).version,
    },
  };
  const text = `${JSON.stringify(pkg, null, 2)}\n`;
  const file = join(dir, 'package.json');
  if (existsSync(join(dir, 'node_modules', 'vite')) && existsSync(file) && readFileSync(file, 'utf8') === text) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, text);
  run('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-package-lock']);
}

function files(d) {
  return readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)]));
}

/** Builds each page with Vite and returns `{ package, js_gzip, wasm_gzip, gzip_bytes }` per library. */
export function bundleSizes() {
  install();
  return Object.entries(PAGES).map(([name, code], i) => {
    const app = join(dir, `page-${i}`);
    rmSync(app, { recursive: true, force: true });
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>\n');
    writeFileSync(join(app, 'main.js'), `${code}\n`);
    run(process.execPath, [join(dir, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', app, '--outDir', join(app, 'dist'), '--emptyOutDir', '--logLevel', 'warn']);
    // What the page loads: the files index.html names, and those its loaded JS names, to a fixpoint. A
    // file the build emits that nothing loaded names is never fetched (Vite emits every
    // `new URL('<literal>', import.meta.url)` asset it meets, even in a module it then drops): listed apart.
    const emitted = files(join(app, 'dist')).filter((f) => !f.endsWith('.html'));
    const loaded = new Set();
    const names = [readFileSync(join(app, 'dist', 'index.html'), 'utf8')];
    for (let grew = true; grew;) {
      grew = false;
      for (const f of emitted) {
        const base = f.split('/').pop();
        if (!loaded.has(f) && names.some((text) => text.includes(base))) {
          loaded.add(f);
          if (f.endsWith('.js')) names.push(readFileSync(f, 'utf8'));
          grew = true;
        }
      }
    }
    let js = 0;
    let wasm = 0;
    for (const f of loaded) {
      const size = gzipSync(readFileSync(f), { level: 9 }).length;
      if (f.endsWith('.wasm')) wasm += size;
      else if (f.endsWith('.js')) js += size;
    }
    const unloaded = emitted.filter((f) => !loaded.has(f)).map((f) => `${f.split('/').pop()} (${gzipSync(readFileSync(f), { level: 9 }).length} B)`);
    return { package: `${name}: Vite page that builds one URL`, js_gzip: js, wasm_gzip: wasm, gzip_bytes: js + wasm, emitted_not_loaded: unloaded.join(', ') };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(bundleSizes());
