//! The text arguments of the fast-path twins (flat or JSON option text), read from JavaScript in one
//! N-API call into a reused buffer: from a string, or from the bytes npm/node/flat-bytes.cjs writes (a
//! Uint8Array whose 8-byte header gives where the text starts and ends, u32 little-endian), copied out
//! and checked as UTF-8 (nothing that reaches the addon is trusted to be what that writer wrote).
//!
//! napi-rs's `String` asks V8 for the UTF-8 length (a scan of the whole string), allocates a zeroed
//! buffer, then has V8 write into it: two calls and an allocation per argument. Option text is a few
//! hundred bytes at most as a rule, so a buffer kept from the last call nearly always has room, and
//! V8's write alone says whether it did (see [`Text::from_napi_value`]).

use napi::bindgen_prelude::{FromNapiValue, TypeName, ValidateNapiValue, ValueType};
use napi::{sys, Error, Result, Status};
use std::cell::RefCell;
use std::ops::Deref;

/// The room a fresh buffer starts with.
const START: usize = 1024;
/// Buffers larger than this go back to the allocator rather than to the pool (memory stays bounded
/// after one very large argument).
const KEEP_AT_MOST: usize = 64 * 1024;
/// Buffers kept (a call takes at most two text arguments).
const POOL_SIZE: usize = 4;

thread_local! {
    static POOL: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// A JavaScript string's UTF-8 text, in a buffer that goes back to a per-thread pool when dropped.
pub struct Text(Vec<u8>);

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        // SAFETY: V8 wrote it as UTF-8, lone surrogates replaced (N-API's REPLACE_INVALID_UTF8), and
        // whole characters only (it never cuts one at the end of the room it was given); or it was
        // copied from bytes and checked with `str::from_utf8` (see `from_napi_value`).
        unsafe { std::str::from_utf8_unchecked(&self.0) }
    }
}

impl Drop for Text {
    fn drop(&mut self) {
        let mut buffer = std::mem::take(&mut self.0);
        // Some of these texts are API secrets (`apiSignRequest`'s flat twin): wiped before reuse or free.
        buffer.fill(0);
        if buffer.capacity() <= KEEP_AT_MOST {
            // `try_with`: during thread teardown the pool may already be gone; the buffer is then freed.
            let _ = POOL.try_with(|pool| {
                if let Ok(mut pool) = pool.try_borrow_mut() {
                    if pool.len() < POOL_SIZE {
                        pool.push(buffer);
                    }
                }
            });
        }
    }
}

/// What N-API answers for a value that is not a string.
fn not_a_string() -> Error {
    Error::new(
        Status::StringExpected,
        "expected a string (fast-path text argument)".to_owned(),
    )
}

/// `napi_get_value_string_utf8` into `buffer`'s spare room; the bytes written (without the NUL).
unsafe fn write_into(
    env: sys::napi_env,
    value: sys::napi_value,
    buffer: &mut Vec<u8>,
) -> Result<usize> {
    buffer.clear();
    let mut written = 0;
    let status = unsafe {
        sys::napi_get_value_string_utf8(
            env,
            value,
            buffer.as_mut_ptr().cast(),
            buffer.capacity(),
            &mut written,
        )
    };
    if status != sys::Status::napi_ok {
        return Err(not_a_string());
    }
    // SAFETY: V8 initialised `written` bytes (and a NUL after them, inside the capacity).
    unsafe { buffer.set_len(written) };
    Ok(written)
}

/// The text inside flat-bytes.cjs's buffer, as its header places it; `None` for anything else.
///
/// # Safety
/// `value` is a live handle of `env`, and nothing runs JavaScript while the slice is used.
unsafe fn header_text<'a>(env: sys::napi_env, value: sys::napi_value) -> Option<&'a [u8]> {
    let mut kind = 0;
    let mut length = 0;
    let mut data = std::ptr::null_mut();
    let status = unsafe {
        sys::napi_get_typedarray_info(
            env,
            value,
            &mut kind,
            &mut length,
            &mut data,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok
        || kind != sys::TypedarrayType::uint8_array
        || data.is_null()
        || length < 8
    {
        return None;
    }
    // SAFETY: V8 answered `length` bytes at `data` for this Uint8Array.
    let bytes = unsafe { std::slice::from_raw_parts(data.cast::<u8>().cast_const(), length) };
    let at = |i: usize| {
        let word = bytes.get(i..i + 4)?;
        usize::try_from(u32::from_le_bytes(word.try_into().ok()?)).ok()
    };
    let (start, end) = (at(0)?, at(4)?);
    (8 <= start && start <= end).then_some(())?;
    bytes.get(start..end)
}

/// A pooled buffer (or a fresh one).
fn pooled() -> Vec<u8> {
    POOL.try_with(|pool| pool.try_borrow_mut().ok().and_then(|mut p| p.pop()))
        .ok()
        .flatten()
        .unwrap_or_else(|| Vec::with_capacity(START))
}

impl FromNapiValue for Text {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut buffer = pooled();
        let written = match unsafe { write_into(env, value, &mut buffer) } {
            Ok(written) => written,
            Err(not_a_string) => {
                // Not a string: flat-bytes.cjs's buffer, copied out (the text is used after user code
                // may run: a getter of another argument) and checked as UTF-8.
                let text = unsafe { header_text(env, value) }.ok_or(not_a_string)?;
                buffer.clear();
                buffer.extend_from_slice(text);
                let text = Text(buffer);
                return match std::str::from_utf8(&text.0) {
                    Ok(_) => Ok(text),
                    Err(_) => Err(Error::new(
                        Status::InvalidArg,
                        "fast-path bytes are not UTF-8".to_owned(),
                    )),
                };
            }
        };
        // V8 writes whole characters (at most 4 bytes each) into `capacity - 1` bytes: with at least
        // 4 bytes to spare the whole string was written. Otherwise it may have stopped short: ask the
        // length and write again into enough room.
        if written + 5 > buffer.capacity() {
            let mut length = 0;
            let status = unsafe {
                sys::napi_get_value_string_utf8(env, value, std::ptr::null_mut(), 0, &mut length)
            };
            if status != sys::Status::napi_ok {
                return Err(not_a_string());
            }
            // A fresh buffer of the right size, the cut-short text wiped from the old one (growing
            // it in place would copy that text and free the old block unwiped).
            buffer.fill(0);
            buffer = Vec::with_capacity(length + 1);
            if let Err(e) = unsafe { write_into(env, value, &mut buffer) } {
                buffer.fill(0);
                return Err(e);
            }
        }
        Ok(Text(buffer))
    }
}

impl TypeName for Text {
    fn type_name() -> &'static str {
        "String"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ValidateNapiValue for Text {}
