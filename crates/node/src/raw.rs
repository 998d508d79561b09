//! `url()`'s text twin (`urlJson`) as a plain N-API callback, registered when the addon loads.
//!
//! Every `#[napi]` function pays napi-rs's per-call machinery: a callback-info object and the scopes that
//! track borrowed JavaScript buffers for async work (~900 instructions a call, ~4% of a url() over the
//! conformance mix). This twin borrows nothing (its text is copied out: crate::text) and starts no async
//! work, so it reads its three arguments with one `napi_get_cb_info` and does the rest as the generated
//! twins do: the same readers, the same panic guard, its errors thrown with their codes by napi-rs.

use crate::convert::read_value;
use crate::text::Text;
use crate::{clock_ms, guard, js_error, panicked};
use cirrus_core::{api, flat};
use napi::bindgen_prelude::{FromNapiValue, JsError, ToNapiValue};
use napi::{sys, Status};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

/// `urlJson(publicId, optionsText, nowMs?)`: what the generated text twins do (as `Cloudinary::url_json`).
///
/// # Safety
/// Called by N-API only, with the live `env` and `info` of a call.
pub(crate) unsafe extern "C" fn url_json(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // A panic outside the core's guard (none is known) is thrown as the guard throws one.
    catch_unwind(AssertUnwindSafe(|| unsafe { call(env, info) }))
        .unwrap_or_else(|_| unsafe { throw(env, js_error(panicked())) })
}

unsafe fn call(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // Missing arguments read as `undefined` (N-API fills the rest of `argv`).
    let mut argc = 3;
    let mut argv = [ptr::null_mut(); 3];
    let status = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok {
        return unsafe { throw(env, napi::Error::from_status(Status::from(status))) };
    }
    // Converted first, as napi-rs converts a `Text` argument before a generated body runs; its failure
    // is thrown as N-API's.
    let options = match unsafe { Text::from_napi_value(env, argv[1]) } {
        Ok(options) => options,
        Err(e) => return unsafe { throw(env, e) },
    };
    // In the generated twins' order: the id read, the text parsed, then `nowMs` read (a refused text
    // sends the call to the ordinary path before `nowMs`'s getters, if it has any, run here).
    let answer = guard(|| {
        let public_id = unsafe { read_value(env, argv[0], "publicId") }?;
        let options = flat::parse_arg(&options, "options")?;
        let now = unsafe { read_value(env, argv[2], "nowMs") }?;
        api::url(&public_id, &options, api::now_arg(&now, clock_ms)?)
    });
    match answer.map(|url| unsafe { String::to_napi_value(env, url) }) {
        Ok(Ok(value)) => value,
        Ok(Err(e)) => unsafe { throw(env, e) },
        Err(e) => unsafe { throw(env, e) },
    }
}

/// Throws `e` (its status or code as the error's `code`); the callback then returns no value.
unsafe fn throw<S: AsRef<str>>(env: sys::napi_env, e: napi::Error<S>) -> sys::napi_value {
    unsafe { JsError::from(e).throw_into(env) };
    ptr::null_mut()
}
