// Runs in headless Chromium: cirrus-web's url() against @cloudinary/url-gen and cloudinary-core.
import { init, url } from '/npm/web/index.js';
import { measureTogether } from './measure.mjs';

/** Rounds of each library (the Node micro rows take 11: a page's rounds are slower). */
const ROUNDS = 7;

window.runBench = async ({ simple, typical, mix }) => {
  // The url module: what a bundled page that imports url() alone loads (this page is not bundled, so
  // init() would pick the browser module; both carry the same URL code).
  await init(new URL('/npm/web/cirrus-url.wasm', location.href));
  const G = window.CldUrlGen;
  const { Resize, Adjust, Overlay, Delivery } = G.Actions;
  const Q = G.Qualifiers;
  const cld = new G.Cloudinary({ cloud: { cloudName: 'demo' }, url: { analytics: false } });
  const core = new window.cloudinary.Cloudinary({ cloud_name: 'demo', secure: true });

  const urlGenSimple = () => cld.image(simple[0])
    .resize(Resize.fill().width(300).height(200).gravity(Q.Gravity.autoGravity())).toURL();
  const urlGenTypical = () => cld.image(typical[0])
    .resize(Resize.fill().width(400).height(300).gravity(Q.Gravity.autoGravity()))
    .delivery(Delivery.quality('auto')).delivery(Delivery.format('auto'))
    .overlay(Overlay.source(Q.Source.image('logo').transformation(new G.Transformation()
      .resize(Resize.scale().width(80)))).position(new Q.Position().gravity(Q.Gravity.compass('south_east')).offsetX(10).offsetY(10)))
    .adjust(Adjust.sharpen())
    .delivery(Delivery.dpr(2))
    .setVersion(1700000000)
    .toURL();
  const samples = {
    simple: { cirrus: url(...simple), urlGen: urlGenSimple(), core: core.url(simple[0], { ...simple[1] }) },
    typical: { cirrus: url(...typical), urlGen: urlGenTypical(), core: core.url(typical[0], { ...typical[1] }) },
  };
  // Steady state for all three: each call shape runs ~300 ms before any is timed, so that no library is
  // measured while its code is still being optimised (wasm starts in V8's baseline tier and is compiled
  // again in the background; on this 2-core machine that took long enough to slow the first timed shape).
  const warm = (fn) => { const until = performance.now() + 300; for (let i = 0; performance.now() < until; i++) { try { fn(i); } catch { /* an error is a result */ } } };
  for (const fn of [
    () => url(...simple), urlGenSimple, () => core.url(simple[0], { ...simple[1] }),
    () => url(...typical), urlGenTypical, () => core.url(typical[0], { ...typical[1] }),
    (i) => url(...mix[i % mix.length]), (i) => G.createCloudinaryLegacyURL(mix[i % mix.length][0], { ...mix[i % mix.length][1], urlAnalytics: false }),
    (i) => core.url(mix[i % mix.length][0], { ...mix[i % mix.length][1] }),
  ]) warm(fn);
  const rows = [];
  for (const [name, [id, options], gen] of [['simple', simple, urlGenSimple], ['typical', typical, urlGenTypical]]) {
    const [cirrus, urlGen, coreNs] = measureTogether([() => url(id, options), gen, () => core.url(id, { ...options })], { rounds: ROUNDS });
    rows.push({ name, cirrus, urlGen, core: coreNs });
  }
  const [cirrus, urlGen, coreNs] = measureTogether([
    (i) => { const [id, o] = mix[i % mix.length]; try { url(id, o); } catch { /* same as below */ } },
    (i) => { const [id, o] = mix[i % mix.length]; try { G.createCloudinaryLegacyURL(id, { ...o, urlAnalytics: false }); } catch { /* an error is a result too */ } },
    (i) => { const [id, o] = mix[i % mix.length]; try { core.url(id, { ...o }); } catch { /* an error is a result too */ } },
  ], { rounds: ROUNDS, cycle: mix.length });
  rows.push({ name: 'mix', cirrus, urlGen, core: coreNs });
  return { rows, samples, rounds: ROUNDS, userAgent: navigator.userAgent };
};
window.benchReady = true;
