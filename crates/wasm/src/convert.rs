//! JavaScript values ⇄ [`Value`] in the browser.
//!
//! An argument that is not a string, number or undefined is read as flat text that JavaScript writes
//! (npm/web/value-text.js, which reads it as the Node addon's reader does, and writes a throwing getter
//! or Proxy trap as a refusal that the core reads as a coded `INVALID_ARGUMENT`): one string crosses,
//! and the module carries no JavaScript-value walker.

#[cfg(feature = "browser")]
use crate::js::{reflect_define_property, reflect_set, JsArray, JsObject};
use alloc::string::String;
use cirrus_core::{flat, Error, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// The glue imports npm/web/value-text.js from its snippet (pkg/snippets/<crate>-<hash>/inline0.js).
#[wasm_bindgen(inline_js = "export { valueText } from '../../../value-text.js';")]
extern "C" {
    /// `valueText(v)`: any value as flat text (it throws nothing: a text past the longest string
    /// JavaScript makes is its `too large` refusal).
    #[wasm_bindgen(js_name = valueText)]
    fn value_text(v: &JsValue) -> String;
}

/// Reads a JavaScript value; `what` names it in error messages.
pub(crate) fn read_value(v: &JsValue, what: &str) -> Result<Value, Error> {
    // The commonest arguments (a public id, a secret, nowMs, an options object left out) directly.
    if let Some(s) = v.as_string() {
        return Ok(Value::String(s));
    }
    if let Some(n) = v.as_f64() {
        return Ok(Value::Number(n));
    }
    if v.is_undefined() {
        return Ok(Value::Undefined);
    }
    flat::parse_value(&value_text(v), what)
}

/// Creates a JavaScript value (objects skip `undefined` entries, like JSON). (Not in the url module:
/// url() answers a string.)
#[cfg(feature = "browser")]
pub(crate) fn write_value(value: &Value) -> JsValue {
    match value {
        Value::Undefined => JsValue::UNDEFINED,
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => JsValue::from_f64(*n),
        Value::String(s) => JsValue::from_str(s),
        Value::Array(items) => {
            let out = JsArray::new();
            for item in items {
                out.push(&write_value(item));
            }
            out.into()
        }
        Value::Object(map) => {
            let out: JsValue = JsObject::new().into();
            for (k, v) in map.iter().filter(|(_, v)| !matches!(v, Value::Undefined)) {
                let (key, value) = (JsValue::from_str(k), write_value(v));
                if k == "__proto__" {
                    // Assigning `__proto__` would replace the object's prototype: define it instead, an
                    // ordinary own property (as the Node addon does for every key).
                    let descriptor: JsValue = JsObject::new().into();
                    for (name, flag) in [
                        ("value", value),
                        ("enumerable", JsValue::TRUE),
                        ("writable", JsValue::TRUE),
                        ("configurable", JsValue::TRUE),
                    ] {
                        let _ = reflect_set(&descriptor, &JsValue::from_str(name), &flag);
                    }
                    let _ = reflect_define_property(&out, &key, &descriptor);
                } else {
                    // A fresh plain object: only a setter on a polluted Object.prototype could throw.
                    let _ = reflect_set(&out, &key, &value);
                }
            }
            out
        }
    }
}

/// A core error as a JS `Error` whose `code` is the stable code.
pub(crate) fn js_error(e: Error) -> JsValue {
    let err = crate::js::JsError::new(&e.message);
    let _ = err.set_code(e.code.as_str());
    err.unchecked_into()
}
