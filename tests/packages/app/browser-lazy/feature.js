// The lazily loaded chunk: parseIdentifier before and after `await init()`.
import { init, parseIdentifier } from 'cirrus-web';

export async function parse() {
  let before;
  try {
    before = parseIdentifier('image/upload/v1315060510/sample.jpg#abc').public_id;
  } catch (err) {
    before = err.code;
  }
  await init();
  return { before, publicId: parseIdentifier('image/upload/v1315060510/sample.jpg#abc').public_id };
}
