//! JavaScript values ⇄ [`Value`], over raw N-API calls.
//!
//! Reading is defensive: getters and Proxy traps may throw, objects may be cyclic or enormous. Any of
//! these becomes an `INVALID_ARGUMENT` error (the pending JS exception is cleared), never a crash.

use cirrus_core::value::{MAX_DEPTH, MAX_VALUES};
use cirrus_core::{Error, Map, Value};
use napi::sys;
use std::ptr;

struct Reader {
    env: sys::napi_env,
    budget: usize,
    /// JavaScript's `Array` and `Array.isArray`, fetched the first time an object is read.
    array_ctor: sys::napi_value,
    is_array_fn: sys::napi_value,
    /// JavaScript's `Object.prototype`, fetched the first time a Date is read.
    object_prototype: sys::napi_value,
}

fn ok(status: sys::napi_status) -> bool {
    status == sys::Status::napi_ok
}

impl Reader {
    /// Turns a failed N-API call into an error, clearing a pending exception (a throwing getter or trap).
    fn fail(&self, what: &str) -> Error {
        let mut pending = false;
        unsafe {
            if ok(sys::napi_is_exception_pending(self.env, &mut pending)) && pending {
                let mut exception = ptr::null_mut();
                sys::napi_get_and_clear_last_exception(self.env, &mut exception);
            }
        }
        Error::unreadable(what)
    }

    unsafe fn read(
        &mut self,
        v: sys::napi_value,
        depth: usize,
        what: &str,
    ) -> Result<Value, Error> {
        if self.budget == 0 {
            return Err(Error::too_large(what));
        }
        self.budget -= 1;
        let env = self.env;
        let mut kind = 0;
        if !ok(unsafe { sys::napi_typeof(env, v, &mut kind) }) {
            return Err(self.fail(what));
        }
        match kind {
            sys::ValueType::napi_undefined => Ok(Value::Undefined),
            sys::ValueType::napi_null => Ok(Value::Null),
            sys::ValueType::napi_boolean => {
                let mut b = false;
                if !ok(unsafe { sys::napi_get_value_bool(env, v, &mut b) }) {
                    return Err(self.fail(what));
                }
                Ok(Value::Bool(b))
            }
            sys::ValueType::napi_number => {
                let mut n = 0.0;
                if !ok(unsafe { sys::napi_get_value_double(env, v, &mut n) }) {
                    return Err(self.fail(what));
                }
                Ok(Value::Number(n))
            }
            sys::ValueType::napi_string => unsafe { self.string(v, what) }.map(Value::String),
            sys::ValueType::napi_object => {
                if depth >= MAX_DEPTH {
                    return Err(Error::nested_too_deeply(what));
                }
                let mut is_array = false;
                if !ok(unsafe { sys::napi_is_array(env, v, &mut is_array) }) {
                    return Err(self.fail(what));
                }
                // A Date is what JSON.stringify makes of it (the SDK JSON-encodes `access_control`).
                // (Asked first: a Date is never a Proxy, so Dates skip the call into JavaScript below.)
                // One whose prototype was made a plain object's is read by its keys, as the fast path
                // and the wasm modules' writer read it (npm/web/value-text.js).
                let mut is_date = false;
                if !is_array
                    && ok(unsafe { sys::napi_is_date(env, v, &mut is_date) })
                    && is_date
                    && !unsafe { self.has_plain_prototype(v) }.ok_or_else(|| self.fail(what))?
                {
                    let mut ms = f64::NAN;
                    if !ok(unsafe { sys::napi_get_date_value(env, v, &mut ms) }) {
                        return Err(self.fail(what));
                    }
                    return Ok(cirrus_core::time::date_json(ms));
                }
                // A Proxy of an array (a Vue `reactive` list) is no array to N-API but is one to the SDK
                // (Array.isArray) and to the wasm modules' reader: ask JavaScript.
                let proxied =
                    !is_array && unsafe { self.js_is_array(v) }.ok_or_else(|| self.fail(what))?;
                if is_array || proxied {
                    unsafe { self.array(v, depth, what, proxied) }
                } else {
                    unsafe { self.object(v, depth, what) }
                }
            }
            _ => Err(Error::not_plain_data(what)),
        }
    }

    unsafe fn string(&self, v: sys::napi_value, what: &str) -> Result<String, Error> {
        // One N-API call into a reused buffer (crate::text), then one copy of the exact size.
        let text = unsafe {
            <crate::text::Text as napi::bindgen_prelude::FromNapiValue>::from_napi_value(
                self.env, v,
            )
        }
        .map_err(|_| self.fail(what))?;
        Ok(String::from(&*text))
    }

    /// `globalThis[object][member]`, and `globalThis[object]` (a method's `this`); false when N-API fails.
    unsafe fn global_member(
        &self,
        object: &std::ffi::CStr,
        member: &std::ffi::CStr,
        holder: &mut sys::napi_value,
        value: &mut sys::napi_value,
    ) -> bool {
        let mut global = ptr::null_mut();
        unsafe {
            ok(sys::napi_get_global(self.env, &mut global))
                && ok(sys::napi_get_named_property(
                    self.env,
                    global,
                    object.as_ptr(),
                    holder,
                ))
                && ok(sys::napi_get_named_property(
                    self.env,
                    *holder,
                    member.as_ptr(),
                    value,
                ))
        }
    }

    /// Whether `v`'s prototype is `Object.prototype` or null; `None` when N-API fails.
    unsafe fn has_plain_prototype(&mut self, v: sys::napi_value) -> Option<bool> {
        let env = self.env;
        let mut proto = ptr::null_mut();
        let mut kind = 0;
        if !unsafe {
            ok(sys::napi_get_prototype(env, v, &mut proto))
                && ok(sys::napi_typeof(env, proto, &mut kind))
        } {
            return None;
        }
        if kind == sys::ValueType::napi_null {
            return Some(true);
        }
        if self.object_prototype.is_null() {
            let (mut object, mut prototype) = (ptr::null_mut(), ptr::null_mut());
            if !unsafe { self.global_member(c"Object", c"prototype", &mut object, &mut prototype) }
            {
                return None;
            }
            self.object_prototype = prototype;
        }
        let mut same = false;
        unsafe {
            ok(sys::napi_strict_equals(
                env,
                proto,
                self.object_prototype,
                &mut same,
            ))
        }
        .then_some(same)
    }

    /// `Array.isArray(v)`; `None` when it throws (a revoked Proxy).
    unsafe fn js_is_array(&mut self, v: sys::napi_value) -> Option<bool> {
        let env = self.env;
        if self.is_array_fn.is_null() {
            let (mut array, mut is_array) = (ptr::null_mut(), ptr::null_mut());
            if !unsafe { self.global_member(c"Array", c"isArray", &mut array, &mut is_array) } {
                return None;
            }
            (self.array_ctor, self.is_array_fn) = (array, is_array);
        }
        let mut result = ptr::null_mut();
        let mut answer = false;
        let called = unsafe {
            // `this` is the `Array` the function came from: what `Array.isArray(v)` passes.
            ok(sys::napi_call_function(
                env,
                self.array_ctor,
                self.is_array_fn,
                1,
                &v,
                &mut result,
            ))
            // Truthiness, as `if (Array.isArray(v))` reads it (a replaced isArray may answer anything).
            && ok(sys::napi_coerce_to_bool(env, result, &mut result))
            && ok(sys::napi_get_value_bool(env, result, &mut answer))
        };
        called.then_some(answer)
    }

    /// A Proxy's `length` as ToLength takes it (Array.prototype.join, the SDK's, and the wasm modules'
    /// reader): a number, a fraction cut, a negative or NaN 0; a Symbol or BigInt is unreadable.
    unsafe fn proxy_length(&self, v: sys::napi_value, what: &str) -> Result<usize, Error> {
        let env = self.env;
        let (mut length, mut number, mut n) = (ptr::null_mut(), ptr::null_mut(), f64::NAN);
        let read = unsafe {
            ok(sys::napi_get_named_property(
                env,
                v,
                c"length".as_ptr(),
                &mut length,
            )) && ok(sys::napi_coerce_to_number(env, length, &mut number))
                && ok(sys::napi_get_value_double(env, number, &mut n))
        };
        if !read {
            return Err(self.fail(what));
        }
        // `as` saturates: a length past usize::MAX is refused by the caller as too large.
        Ok(if n > 0.0 { n.floor() as usize } else { 0 })
    }

    unsafe fn array(
        &mut self,
        v: sys::napi_value,
        depth: usize,
        what: &str,
        proxied: bool,
    ) -> Result<Value, Error> {
        let len = if proxied {
            unsafe { self.proxy_length(v, what) }?
        } else {
            let mut len = 0u32;
            if !ok(unsafe { sys::napi_get_array_length(self.env, v, &mut len) }) {
                return Err(self.fail(what));
            }
            len as usize
        };
        if len > self.budget {
            return Err(Error::too_large(what));
        }
        let mut items = Vec::with_capacity(len);
        for i in 0..len as u32 {
            let mut item = ptr::null_mut();
            if !ok(unsafe { sys::napi_get_element(self.env, v, i, &mut item) }) {
                return Err(self.fail(what));
            }
            items.push(unsafe { self.read(item, depth + 1, what) }?);
        }
        Ok(Value::Array(items))
    }

    unsafe fn object(
        &mut self,
        v: sys::napi_value,
        depth: usize,
        what: &str,
    ) -> Result<Value, Error> {
        let env = self.env;
        let mut keys = ptr::null_mut();
        // Object.keys order: own, enumerable, string keys.
        let status = unsafe {
            sys::napi_get_all_property_names(
                env,
                v,
                sys::KeyCollectionMode::own_only,
                sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
                sys::KeyConversion::numbers_to_strings,
                &mut keys,
            )
        };
        if !ok(status) {
            return Err(self.fail(what));
        }
        let mut len = 0u32;
        if !ok(unsafe { sys::napi_get_array_length(env, keys, &mut len) }) {
            return Err(self.fail(what));
        }
        if len as usize > cirrus_core::value::MAX_OBJECT_KEYS {
            return Err(Error::too_many_keys(what));
        }
        let mut map = Map::new();
        for i in 0..len {
            let mut key = ptr::null_mut();
            if !ok(unsafe { sys::napi_get_element(env, keys, i, &mut key) }) {
                return Err(self.fail(what));
            }
            let name = unsafe { self.string(key, what) }?;
            let what = format!("option {name}");
            let mut value = ptr::null_mut();
            if !ok(unsafe { sys::napi_get_property(env, v, key, &mut value) }) {
                return Err(self.fail(&what));
            }
            let item = unsafe { self.read(value, depth + 1, &what) }?;
            // Object.keys never repeats a key: no lookup needed.
            map.push_new(name, item);
        }
        Ok(Value::Object(map))
    }
}

/// Reads a JavaScript value; `what` names it in error messages.
///
/// # Safety
/// `env` and `v` must be valid for the current N-API call.
pub(crate) unsafe fn read_value(
    env: sys::napi_env,
    v: sys::napi_value,
    what: &str,
) -> Result<Value, Error> {
    let mut reader = Reader {
        env,
        budget: MAX_VALUES,
        array_ctor: ptr::null_mut(),
        is_array_fn: ptr::null_mut(),
        object_prototype: ptr::null_mut(),
    };
    unsafe { reader.read(v, 0, what) }
}

/// Creates a JavaScript value (objects skip `undefined` entries, like JSON).
///
/// # Safety
/// `env` must be valid for the current N-API call.
pub(crate) unsafe fn write_value(
    env: sys::napi_env,
    value: &Value,
) -> Result<sys::napi_value, Error> {
    let fail = || {
        Error::new(
            cirrus_core::ErrorCode::Internal,
            "could not create a JavaScript value",
        )
    };
    let mut out = ptr::null_mut();
    let status = match value {
        Value::Undefined => unsafe { sys::napi_get_undefined(env, &mut out) },
        Value::Null => unsafe { sys::napi_get_null(env, &mut out) },
        Value::Bool(b) => unsafe { sys::napi_get_boolean(env, *b, &mut out) },
        Value::Number(n) => unsafe { sys::napi_create_double(env, *n, &mut out) },
        Value::String(s) => unsafe {
            sys::napi_create_string_utf8(env, s.as_ptr().cast(), s.len() as isize, &mut out)
        },
        Value::Array(items) => {
            if !ok(unsafe { sys::napi_create_array_with_length(env, items.len(), &mut out) }) {
                return Err(fail());
            }
            for (i, item) in items.iter().enumerate() {
                let v = unsafe { write_value(env, item) }?;
                if !ok(unsafe { sys::napi_set_element(env, out, i as u32, v) }) {
                    return Err(fail());
                }
            }
            sys::Status::napi_ok
        }
        Value::Object(map) => {
            if !ok(unsafe { sys::napi_create_object(env, &mut out) }) {
                return Err(fail());
            }
            // One napi_define_properties call for all keys (instead of a key string and a set per key);
            // defining, unlike assigning, also keeps a `__proto__` key an ordinary own property.
            let entries: Vec<(&str, &Value)> = map
                .iter()
                .filter(|(_, v)| !matches!(v, Value::Undefined))
                .collect();
            let names: Vec<Vec<u8>> = entries
                .iter()
                .map(|(k, _)| {
                    let mut name = Vec::with_capacity(k.len() + 1);
                    name.extend_from_slice(k.as_bytes());
                    name.push(0);
                    name
                })
                .collect();
            let mut descriptors = Vec::with_capacity(entries.len());
            for ((key, v), name) in entries.iter().zip(&names) {
                let value = unsafe { write_value(env, v) }?;
                // A key with a NUL inside cannot be a C string: it goes as a JavaScript string.
                let (utf8name, js_name) = if key.as_bytes().contains(&0) {
                    (ptr::null(), unsafe {
                        write_value(env, &Value::String((*key).to_owned()))
                    }?)
                } else {
                    (name.as_ptr().cast(), ptr::null_mut())
                };
                descriptors.push(sys::napi_property_descriptor {
                    utf8name,
                    name: js_name,
                    method: None,
                    getter: None,
                    setter: None,
                    value,
                    attributes: sys::PropertyAttributes::writable
                        | sys::PropertyAttributes::enumerable
                        | sys::PropertyAttributes::configurable,
                    data: ptr::null_mut(),
                });
            }
            unsafe {
                sys::napi_define_properties(env, out, descriptors.len(), descriptors.as_ptr())
            }
        }
    };
    if ok(status) {
        Ok(out)
    } else {
        Err(fail())
    }
}
