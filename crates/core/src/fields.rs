//! Parameter tables: which options a request copies, and how (as they are, as 1/0, as lists).

use crate::upload_params::as_safe_bool;
use crate::value::{Map, Value};

/// How one option becomes a parameter of the same name.
pub(crate) enum Field {
    /// Copied as it is.
    Raw(&'static str),
    /// `as_safe_bool`: 1/0 for booleans and their string forms.
    Bool(&'static str),
    /// `value && toArray(value).join(",")`.
    Joined(&'static str),
    /// `value && toArray(value)`.
    Array(&'static str),
}

/// Sets each field's parameter from `options`, in table order. The SDK sets undefined ones too, which
/// only holds their place: no builder sets such a key later (each later `set` is of a value the options
/// give), so they are left out here and a call costs what its options hold, not the table's length.
/// The tables' names are distinct and each table is the first to set its names (a unit test checks it).
pub(crate) fn copy_fields(options: &Map, fields: &[Field], params: &mut Map) {
    for field in fields {
        let name = match field {
            Field::Raw(n) | Field::Bool(n) | Field::Joined(n) | Field::Array(n) => n,
        };
        if matches!(options.get(name), Value::Undefined) {
            continue;
        }
        let (name, value) = match field {
            Field::Raw(name) => (name, options.get(name).clone()),
            Field::Bool(name) => (name, as_safe_bool(options.get(name))),
            Field::Joined(name) => {
                let v = options.get(name);
                (
                    name,
                    if v.truthy() {
                        Value::join(v.as_items(), ",").into()
                    } else {
                        v.clone()
                    },
                )
            }
            Field::Array(name) => {
                let v = options.get(name);
                (
                    name,
                    if v.truthy() {
                        Value::Array(v.to_array())
                    } else {
                        v.clone()
                    },
                )
            }
        };
        params.push_new(*name, value);
    }
}
