// Renaming a WebAssembly module's imports in its binary: the small modules are served by the full
// module's glue (scripts/build.mjs), and wasm-bindgen numbers some imports by use
// (`__wbindgen_generic_0000000000000001`), so one function can carry another number in a smaller module.

/** An unsigned LEB128 at `at`: `[value, next offset]`. */
function readU32(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    if (b === undefined) throw new Error('wasm: truncated LEB128');
    value += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return [value, at];
    shift += 7;
    if (shift > 28) throw new Error('wasm: LEB128 too long');
  }
}

function u32(value) {
  const out = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) b |= 0x80;
    out.push(b);
  } while (value);
  return out;
}

/** The end of an import's description (its kind at `at`). */
function skipDescription(bytes, at) {
  const kind = bytes[at++];
  const limits = (p) => {
    const flags = bytes[p++];
    [, p] = readU32(bytes, p);
    if (flags & 1) [, p] = readU32(bytes, p);
    return p;
  };
  switch (kind) {
    case 0: return readU32(bytes, at)[1]; // a function: its type index
    case 1: return limits(at + 1); // a table: its element type, then limits
    case 2: return limits(at); // a memory
    case 3: return at + 2; // a global: its value type and mutability
    case 4: return readU32(bytes, at + 1)[1]; // a tag: its attribute and type index
    default: throw new Error(`wasm: unknown import kind ${kind}`);
  }
}

/**
 * `bytes` (a module) with each import whose field name is a key of `renames` renamed to its value;
 * throws if one of them is not imported.
 */
export function renameImports(bytes, renames) {
  if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error('wasm: not a module');
  const left = new Set(Object.keys(renames));
  const parts = [bytes.subarray(0, 8)];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = readU32(bytes, at + 1);
    const end = start + size;
    if (id !== 2) {
      parts.push(bytes.subarray(at, end));
      at = end;
      continue;
    }
    let [count, p] = readU32(bytes, start);
    const body = [...u32(count)];
    while (count--) {
      const names = [];
      for (let i = 0; i < 2; i++) {
        const [length, from] = readU32(bytes, p);
        names.push(bytes.subarray(from, from + length).toString('utf8'));
        p = from + length;
      }
      const next = skipDescription(bytes, p);
      const field = Object.hasOwn(renames, names[1]) ? renames[names[1]] : names[1];
      left.delete(names[1]);
      for (const name of [names[0], field]) body.push(...u32(Buffer.byteLength(name)), ...Buffer.from(name));
      body.push(...bytes.subarray(p, next));
      p = next;
    }
    if (p !== end) throw new Error('wasm: the import section has trailing bytes');
    parts.push(Buffer.from([2, ...u32(body.length), ...body]));
    at = end;
  }
  if (left.size) throw new Error(`wasm: no import named ${[...left].join(', ')}`);
  return Buffer.concat(parts);
}
