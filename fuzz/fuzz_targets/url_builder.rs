//! The URL builder on arbitrary option sets: keys drawn mostly from the options url() knows (so the
//! fuzzer reaches transformations, layers, expressions, signing and auth tokens), values of every JSON
//! type, nested up to a few levels. url() must return a URL or a coded error, never panic; and it must be
//! deterministic.
#![no_main]
use arbitrary::{Result, Unstructured};
use cirrus_core::{api, Map, Value};
use libfuzzer_sys::fuzz_target;

const KEYS: &[&str] = &[
    "cloud_name", "secure", "cname", "private_cdn", "secure_distribution", "cdn_subdomain",
    "secure_cdn_subdomain", "shorten", "url_suffix", "use_root_path", "force_version", "version", "format",
    "type", "resource_type", "sign_url", "api_secret", "long_url_signature", "signature_algorithm",
    "auth_token", "key", "duration", "start_time", "expiration", "acl", "ip", "transformation", "width",
    "height", "size", "crop", "gravity", "angle", "background", "color", "border", "effect", "flags", "dpr",
    "offset", "start_offset", "end_offset", "duration", "overlay", "underlay", "radius", "if", "variables",
    "custom_function", "custom_pre_function", "fps", "aspect_ratio", "keyframe_interval", "opacity",
    "quality", "x", "y", "zoom", "fetch_format", "page", "prefix", "default_image", "density", "delay",
    "color_space", "audio_codec", "audio_frequency", "bit_rate", "video_codec", "video_sampling",
    "streaming_profile", "raw_transformation", "responsive_width", "text", "public_id", "font_family",
    "font_size", "font_weight", "text_align", "letter_spacing", "line_spacing", "stroke", "url",
    "resource_type", "function_type", "source", "$foo", "$bar_baz", "expression",
];

const STRINGS: &[&str] = &[
    "", "demo", "fill", "auto", "face", "w_100", "text:Arial_12:hi", "fetch:http://x/y.png",
    "http://a.b/c d.jpg", "width > 100 && height < 50", "$var", "!literal!", "#ff0000", "1.5", "-1",
    "16:9", "sample.jpg", "folder/sub/id", "%E2%82%AC", "\u{0}", "\u{fffd}", "a,b", "s--abc--", "v123",
    "video:fetch:aHR0cA==", "image/upload/v1/id.png",
];

fn value(u: &mut Unstructured, depth: u32) -> Result<Value> {
    Ok(match u.int_in_range(0..=if depth > 3 { 4 } else { 7 })? {
        0 => Value::Undefined,
        1 => Value::Null,
        2 => Value::Bool(u.arbitrary()?),
        3 => Value::Number(match u.int_in_range(0..=2)? {
            0 => f64::from(u.int_in_range(-5i32..=5000)?),
            1 => f64::from(u.arbitrary::<i16>()?) / 8.0,
            _ => u.arbitrary()?,
        }),
        4 => Value::String(if u.arbitrary()? {
            (*u.choose(STRINGS)?).to_owned()
        } else {
            u.arbitrary::<String>()?
        }),
        5 | 6 => Value::Object(object(u, depth + 1)?),
        _ => {
            let n = u.int_in_range(0..=4)?;
            Value::Array((0..n).map(|_| value(u, depth + 1)).collect::<Result<_>>()?)
        }
    })
}

fn object(u: &mut Unstructured, depth: u32) -> Result<Map> {
    let mut map = Map::new();
    for _ in 0..u.int_in_range(0..=8)? {
        let key = if u.ratio(7, 8)? {
            (*u.choose(KEYS)?).to_owned()
        } else {
            u.arbitrary::<String>()?
        };
        map.set(key, value(u, depth)?);
    }
    Ok(map)
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(public_id) = value(&mut u, 3) else { return };
    let Ok(mut options) = object(&mut u, 0) else { return };
    if u.ratio(3, 4).unwrap_or(true) {
        options.set("cloud_name", Value::String("demo".into()));
    }
    let options = Value::Object(options);
    let first = api::url(&public_id, &options, cirrus_core::time::Now::At(1_700_000_000_000.0));
    let again = api::url(&public_id, &options, cirrus_core::time::Now::At(1_700_000_000_000.0));
    assert_eq!(format!("{first:?}"), format!("{again:?}"), "url() is not deterministic");
    let _ = api::build_upload_params(&options, cirrus_core::time::Now::At(1_700_000_000_000.0));
});
