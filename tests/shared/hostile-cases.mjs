// The calls the hostile matrix makes, with valid base arguments, for a package's synchronous API (both
// packages share these) and for the Node package's asynchronous one.
import { SECRET } from './hostile-matrix.mjs';

const account = { cloud_name: 'demo', api_key: '1234', api_secret: SECRET };

export function syncCases(api) {
  const client = new api.Cloudinary(account);
  const cases = [
    ['url', api.url, ['sample', { cloud_name: 'demo' }, 0]],
    ['apiSignRequest', api.apiSignRequest, [{ a: 1 }, SECRET, null, 2]],
    ['signRequest', api.signRequest, [{ a: 1 }, { api_key: '1', api_secret: SECRET }]],
    ['buildUploadParams', api.buildUploadParams, [{ public_id: 'x' }, 0]],
    ['verifyIdentifier', api.verifyIdentifier, ['image/upload/v1/x.jpg#abc', SECRET, {}]],
    ['generateAuthToken', api.generateAuthToken, [{ key: '00aa', duration: 10 }, 0]],
    ['verifyNotificationSignature', api.verifyNotificationSignature, ['{}', '1', 'sig', { api_secret: SECRET }, 0]],
    ['privateDownloadUrl', api.privateDownloadUrl, ['x', 'jpg', account, 0]],
    ['downloadArchiveUrl', api.downloadArchiveUrl, [{ ...account, tags: ['a'] }, 0]],
    ['downloadZipUrl', api.downloadZipUrl, [{ ...account, tags: ['a'] }, 0]],
    ['parseCloudinaryUrl', api.parseCloudinaryUrl, ['cloudinary://k:s@demo']],
    ['new Cloudinary', (config) => new api.Cloudinary(config), [account]],
    ['client.url', (...a) => client.url(...a), ['sample', {}, 0]],
    ['client.apiSignRequest', (...a) => client.apiSignRequest(...a), [{ a: 1 }]],
    ['client.signRequest', (...a) => client.signRequest(...a), [{ a: 1 }, {}]],
    ['client.buildUploadParams', (...a) => client.buildUploadParams(...a), [{ public_id: 'x' }, 0]],
    ['client.verifyIdentifier', (...a) => client.verifyIdentifier(...a), ['image/upload/v1/x.jpg#abc', {}]],
    ['client.privateDownloadUrl', (...a) => client.privateDownloadUrl(...a), ['x', 'jpg', {}, 0]],
    ['client.downloadZipUrl', (...a) => client.downloadZipUrl(...a), [{ tags: ['a'] }, 0]],
  ];
  if (api.sniffFormat) cases.push(['sniffFormat', api.sniffFormat, [Buffer.from('GIF89a')]]);
  if (api.planChunks) cases.push(['planChunks', api.planChunks, [100, 10]], ['classifyStatus', api.classifyStatus, [500, true]]);
  return cases;
}

/** The Node package's uploads and asset calls, against `uploadPrefix` (a server that answers 400). */
export function asyncCases(api, uploadPrefix, repository) {
  const client = new api.Cloudinary({ ...account, upload_prefix: uploadPrefix });
  const media = new api.MediaService(client, repository);
  const small = Buffer.from('GIF89a\x01\x00\x01\x00');
  return [
    ['client.upload', (...a) => client.upload(...a), [small, { retries: 0 }]],
    ['client.uploadStream', (...a) => { const w = client.uploadStream(...a); w.on('error', () => {}); w.end(small); return w.result; }, [{ retries: 0 }]],
    ['client.destroy', (...a) => client.destroy(...a), ['x', { retries: 0 }]],
    ['client.rename', (...a) => client.rename(...a), ['x', 'y', { retries: 0 }]],
    ['client.explicit', (...a) => client.explicit(...a), ['x', { retries: 0 }]],
    ['new MediaService', (...a) => new api.MediaService(...a), [client, repository, {}]],
    ['media.createOne', (...a) => media.createOne(...a), [small, 'owner-1', {}]],
    ['media.remove', (...a) => media.remove(...a), ['some-id', 'owner-1']],
  ];
}
