//! The JavaScript built-ins the modules call, declared here rather than taken from js_sys: a module that
//! links js_sys carries the closure shims of every js_sys declaration that takes a callback (~50 in the
//! module's function table, which no optimiser can drop: ~0.45 KB gzipped of the url module), and these
//! few are all the modules need.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `Date.now()`.
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    pub(crate) fn date_now() -> f64;

    /// A JavaScript `Error`.
    #[wasm_bindgen(js_name = Error)]
    pub(crate) type JsError;

    /// `new Error(message)`.
    #[wasm_bindgen(constructor, js_class = "Error")]
    pub(crate) fn new(message: &str) -> JsError;

    /// `error.code = code` (a setter or a read-only `code` put on Error.prototype may throw: caught, and
    /// the error goes without its code, as js_sys's `Reflect.set` left it).
    #[wasm_bindgen(catch, method, setter = code, js_class = "Error")]
    pub(crate) fn set_code(this: &JsError, code: &str) -> Result<(), JsValue>;
}

#[cfg(feature = "browser")]
#[wasm_bindgen]
extern "C" {
    /// A JavaScript `Array`.
    #[wasm_bindgen(js_name = Array)]
    pub(crate) type JsArray;

    /// `[]`.
    #[wasm_bindgen(constructor, js_class = "Array")]
    pub(crate) fn new() -> JsArray;

    /// `array.push(value)`.
    #[wasm_bindgen(method, js_class = "Array")]
    pub(crate) fn push(this: &JsArray, value: &JsValue) -> u32;

    /// A JavaScript `Object`.
    #[wasm_bindgen(js_name = Object)]
    pub(crate) type JsObject;

    /// `{}`.
    #[wasm_bindgen(constructor, js_class = "Object")]
    pub(crate) fn new() -> JsObject;

    /// `Reflect.set(target, key, value)` (an inherited setter may throw: caught).
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = set)]
    pub(crate) fn reflect_set(
        target: &JsValue,
        key: &JsValue,
        value: &JsValue,
    ) -> Result<bool, JsValue>;

    /// `Reflect.defineProperty(target, key, descriptor)` (caught, as `reflect_set`).
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = defineProperty)]
    pub(crate) fn reflect_define_property(
        target: &JsValue,
        key: &JsValue,
        descriptor: &JsValue,
    ) -> Result<bool, JsValue>;
}
