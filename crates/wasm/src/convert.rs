//! JavaScript values ⇄ [`Value`] in the browser.
//!
//! Property reads go through imports marked `catch`, so a throwing getter or Proxy trap becomes an
//! `INVALID_ARGUMENT` error instead of an exception unwinding through Rust frames.

use alloc::vec::Vec;
use cirrus_core::{Error, Map, Value};
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Deepest nesting accepted (also what stops cyclic objects).
const MAX_DEPTH: usize = 64;
/// Most values read from one argument.
const MAX_VALUES: usize = 200_000;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(v: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(v: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    fn get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
}

struct Reader {
    budget: usize,
}

impl Reader {
    fn read(&mut self, v: &JsValue, depth: usize, what: &str) -> Result<Value, Error> {
        if self.budget == 0 {
            return Err(Error::too_large(what));
        }
        self.budget -= 1;
        if v.is_undefined() {
            return Ok(Value::Undefined);
        }
        if v.is_null() {
            return Ok(Value::Null);
        }
        if let Some(b) = v.as_bool() {
            return Ok(Value::Bool(b));
        }
        if let Some(n) = v.as_f64() {
            return Ok(Value::Number(n));
        }
        if let Some(s) = v.as_string() {
            return Ok(Value::String(s));
        }
        if !v.is_object() || v.is_function() {
            return Err(Error::not_plain_data(what));
        }
        if depth >= MAX_DEPTH {
            return Err(Error::nested_too_deeply(what));
        }
        if is_array(v).map_err(|_| Error::unreadable(what))? {
            let len = get(v, &"length".into())
                .map_err(|_| Error::unreadable(what))?
                .as_f64()
                .unwrap_or(0.0) as usize;
            if len > self.budget {
                return Err(Error::too_large(what));
            }
            let mut items = Vec::with_capacity(len);
            for i in 0..len {
                let item = get(v, &JsValue::from(i as u32)).map_err(|_| Error::unreadable(what))?;
                items.push(self.read(&item, depth + 1, what)?);
            }
            return Ok(Value::Array(items));
        }
        // A Date is what JSON.stringify makes of it (the SDK JSON-encodes `access_control`).
        if let Some(date) = v.dyn_ref::<js_sys::Date>() {
            return Ok(cirrus_core::time::date_json(date.get_time()));
        }
        let keys = object_keys(v).map_err(|_| Error::unreadable(what))?;
        if keys.length() as usize > cirrus_core::value::MAX_OBJECT_KEYS {
            return Err(Error::too_many_keys(what));
        }
        let mut map = Map::new();
        for key in keys.iter() {
            let name = key.as_string().unwrap_or_default();
            let what = ["option ", &name].concat();
            let item = get(v, &key).map_err(|_| Error::unreadable(&what))?;
            // Object.keys never repeats a key: no lookup needed.
            let item = self.read(&item, depth + 1, &what)?;
            map.push_new(name, item);
        }
        Ok(Value::Object(map))
    }
}

/// Reads a JavaScript value; `what` names it in error messages.
pub(crate) fn read_value(v: &JsValue, what: &str) -> Result<Value, Error> {
    Reader { budget: MAX_VALUES }.read(v, 0, what)
}

/// Creates a JavaScript value (objects skip `undefined` entries, like JSON).
pub(crate) fn write_value(value: &Value) -> JsValue {
    match value {
        Value::Undefined => JsValue::UNDEFINED,
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => JsValue::from_f64(*n),
        Value::String(s) => JsValue::from_str(s),
        Value::Array(items) => items.iter().map(write_value).collect::<Array>().into(),
        Value::Object(map) => {
            let out = Object::new();
            for (k, v) in map.iter().filter(|(_, v)| !matches!(v, Value::Undefined)) {
                let (key, value) = (JsValue::from_str(k), write_value(v));
                if k == "__proto__" {
                    // Assigning `__proto__` would replace the object's prototype: define it instead, an
                    // ordinary own property (as the Node addon does for every key).
                    let descriptor = Object::new();
                    for (name, flag) in [
                        ("value", value),
                        ("enumerable", JsValue::TRUE),
                        ("writable", JsValue::TRUE),
                        ("configurable", JsValue::TRUE),
                    ] {
                        let _ = js_sys::Reflect::set(&descriptor, &JsValue::from_str(name), &flag);
                    }
                    let _ = js_sys::Reflect::define_property(&out, &key, &descriptor);
                } else {
                    // Setting a data property on a fresh plain object cannot throw.
                    let _ = js_sys::Reflect::set(&out, &key, &value);
                }
            }
            out.into()
        }
    }
}

/// A core error as a JS `Error` whose `code` is the stable code.
pub(crate) fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code.as_str().into());
    err.unchecked_into()
}
