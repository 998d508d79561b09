//! Image transformations for delivery: parsing a transformation string and applying it with `image`.
//!
//! Supported: `c_scale|fit|limit|fill|lfill|pad|lpad|crop|thumb`, `w`, `h` (pixels, or relative when
//! written with a decimal point), `ar`, `g` (compass points and center), `x`, `y`, `q`, `f_jpg|png|webp|gif|auto`,
//! `a_<multiple of 90>`, `e_grayscale`, `e_blur[:strength]`, `r_max` and `r_<px>`, `b_<color>` (for pads), `dpr`,
//! and chains of components. Anything else is refused, as Cloudinary refuses what it does not know.

use image::{imageops, DynamicImage, GenericImageView, Rgba, RgbaImage};

/// How a component resizes (the `c_` crop mode).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Scale,
    Fit,
    Limit,
    Fill,
    Pad,
    Crop,
    Thumb,
}

/// A width or height.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Dim {
    Px(f64),
    Relative(f64),
}

impl Dim {
    fn resolve(self, original: u32) -> f64 {
        match self {
            Dim::Px(px) => px,
            Dim::Relative(r) => r * f64::from(original),
        }
    }
}

/// One `/`-separated component.
#[derive(Clone, Debug, Default)]
struct Component {
    crop: Option<Mode>,
    width: Option<Dim>,
    height: Option<Dim>,
    aspect_ratio: Option<f64>,
    gravity: (f64, f64),
    x: Option<i64>,
    y: Option<i64>,
    angle: Option<i64>,
    grayscale: bool,
    blur: Option<f32>,
    radius: Option<Radius>,
    dpr: f64,
    background: Option<Rgba<u8>>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Radius {
    Max,
    Px(u32),
}

/// A parsed transformation: the components and the output settings.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    components: Vec<Component>,
    /// `f_...` (last one wins).
    pub format: Option<String>,
    /// `q_...` as a JPEG quality.
    pub quality: Option<u8>,
}

fn number(value: &str, param: &str) -> Result<f64, String> {
    value
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .ok_or_else(|| format!("Invalid value for {param}: {value}"))
}

fn dimension(value: &str, param: &str) -> Result<Dim, String> {
    let n = number(value, param)?;
    if n == 0.0 {
        return Err(format!("Invalid value for {param}: {value}"));
    }
    Ok(if value.contains('.') && n <= 1.0 {
        Dim::Relative(n)
    } else {
        Dim::Px(n)
    })
}

fn gravity(value: &str) -> Result<(f64, f64), String> {
    Ok(match value {
        "center" | "auto" | "face" | "faces" => (0.5, 0.5),
        "north" => (0.5, 0.0),
        "south" => (0.5, 1.0),
        "east" => (1.0, 0.5),
        "west" => (0.0, 0.5),
        "north_east" => (1.0, 0.0),
        "north_west" => (0.0, 0.0),
        "south_east" => (1.0, 1.0),
        "south_west" => (0.0, 1.0),
        other => return Err(format!("Invalid gravity: {other}")),
    })
}

fn color(value: &str) -> Result<Rgba<u8>, String> {
    let named = match value {
        "white" => Some([255, 255, 255, 255]),
        "black" => Some([0, 0, 0, 255]),
        "red" => Some([255, 0, 0, 255]),
        "green" => Some([0, 128, 0, 255]),
        "blue" => Some([0, 0, 255, 255]),
        "transparent" => Some([0, 0, 0, 0]),
        _ => None,
    };
    if let Some(c) = named {
        return Ok(Rgba(c));
    }
    let hex = value
        .strip_prefix("rgb:")
        .ok_or_else(|| format!("Invalid color: {value}"))?;
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16);
    match hex.len() {
        6 | 8 => Ok(Rgba([
            byte(0).map_err(|_| format!("Invalid color: {value}"))?,
            byte(2).map_err(|_| format!("Invalid color: {value}"))?,
            byte(4).map_err(|_| format!("Invalid color: {value}"))?,
            if hex.len() == 8 {
                byte(6).map_err(|_| format!("Invalid color: {value}"))?
            } else {
                255
            },
        ])),
        _ => Err(format!("Invalid color: {value}")),
    }
}

/// Parses a transformation string (components joined by `/`, parameters by `,`).
pub fn parse(transformation: &str) -> Result<Plan, String> {
    let mut plan = Plan::default();
    for raw in transformation.split('/').filter(|c| !c.is_empty()) {
        let mut c = Component {
            gravity: (0.5, 0.5),
            dpr: 1.0,
            ..Component::default()
        };
        for param in raw.split(',') {
            let (key, value) = param
                .split_once('_')
                .ok_or_else(|| format!("Invalid transformation component - {param}"))?;
            let known = geometry(&mut c, key, value)?
                || appearance(&mut c, key, value)?
                || output(&mut plan, key, value)?;
            if !known {
                return Err(format!("Invalid transformation parameter - {key}"));
            }
        }
        plan.components.push(c);
    }
    Ok(plan)
}

fn crop_mode(value: &str) -> Result<Mode, String> {
    Ok(match value {
        "scale" => Mode::Scale,
        "fit" => Mode::Fit,
        "limit" => Mode::Limit,
        "fill" | "lfill" => Mode::Fill,
        "pad" | "lpad" => Mode::Pad,
        "crop" => Mode::Crop,
        "thumb" => Mode::Thumb,
        other => return Err(format!("Unsupported crop mode: {other}")),
    })
}

/// Size, crop, position and rotation parameters; `false` when `key` is not one of them.
fn geometry(c: &mut Component, key: &str, value: &str) -> Result<bool, String> {
    let whole = |what: &str| -> Result<i64, String> {
        value
            .parse()
            .map_err(|_| format!("Invalid {what}: {value}"))
    };
    match key {
        "c" => c.crop = Some(crop_mode(value)?),
        "w" => c.width = Some(dimension(value, "width")?),
        "h" => c.height = Some(dimension(value, "height")?),
        "ar" => {
            let ratio = match value.split_once(':') {
                Some((a, b)) => number(a, "aspect_ratio")? / number(b, "aspect_ratio")?,
                None => number(value, "aspect_ratio")?,
            };
            if !ratio.is_finite() || ratio <= 0.0 {
                return Err(format!("Invalid aspect ratio: {value}"));
            }
            c.aspect_ratio = Some(ratio);
        }
        "g" => c.gravity = gravity(value)?,
        "x" => c.x = Some(whole("x")?),
        "y" => c.y = Some(whole("y")?),
        "a" => {
            let angle = whole("angle")?;
            if angle % 90 != 0 {
                return Err(format!("Unsupported angle: {value} (multiples of 90 only)"));
            }
            c.angle = Some(angle.rem_euclid(360));
        }
        "dpr" => {
            let dpr = if value == "auto" {
                1.0
            } else {
                number(value, "dpr")?
            };
            if dpr <= 0.0 || dpr > 5.0 {
                return Err(format!("Invalid dpr: {value}"));
            }
            c.dpr = dpr;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// Effects, corners, background and harmless flags; `false` when `key` is not one of them.
fn appearance(c: &mut Component, key: &str, value: &str) -> Result<bool, String> {
    match key {
        "e" => match value.split_once(':').unwrap_or((value, "")) {
            ("grayscale", "") => c.grayscale = true,
            ("blur", strength) => {
                let s = if strength.is_empty() {
                    100.0
                } else {
                    number(strength, "blur")?
                };
                c.blur = Some((s / 50.0).clamp(0.1, 50.0) as f32);
            }
            _ => return Err(format!("Unsupported effect: {value}")),
        },
        "r" => {
            c.radius = Some(if value == "max" {
                Radius::Max
            } else {
                Radius::Px(
                    value
                        .parse()
                        .map_err(|_| format!("Unsupported radius: {value}"))?,
                )
            })
        }
        "b" => c.background = Some(color(value)?),
        "fl" if matches!(
            value,
            "progressive" | "lossy" | "strip_profile" | "keep_iptc"
        ) => {}
        _ => return Ok(false),
    }
    Ok(true)
}

/// Quality and format of the delivered file; `false` when `key` is not one of them.
fn output(plan: &mut Plan, key: &str, value: &str) -> Result<bool, String> {
    match key {
        "q" => {
            plan.quality = Some(match value {
                "auto" | "auto:good" => 80,
                "auto:best" => 92,
                "auto:eco" => 70,
                "auto:low" => 60,
                v => {
                    let q = number(v.split(':').next().unwrap_or(v), "quality")?;
                    q.clamp(1.0, 100.0) as u8
                }
            })
        }
        "f" => match value {
            "jpg" | "jpeg" | "png" | "webp" | "gif" | "auto" => {
                plan.format = Some(if value == "jpeg" {
                    "jpg".to_owned()
                } else {
                    value.to_owned()
                })
            }
            other => return Err(format!("Unsupported format: {other}")),
        },
        _ => return Ok(false),
    }
    Ok(true)
}

/// Caps the pixels any image a transformation makes may have (the output and every step on the way),
/// so a URL cannot make the emulator allocate gigabytes: 25 MP is ~100 MB as RGBA.
pub const MAX_PIXELS: f64 = 25_000_000.0;
/// Caps each side.
pub const MAX_SIDE: f64 = 10_000.0;

/// Refuses an image of `w` × `h` beyond the caps.
fn budget(w: f64, h: f64) -> Result<(), String> {
    if w * h > MAX_PIXELS || w > MAX_SIDE || h > MAX_SIDE {
        Err(format!(
            "Requested size is too large: {}x{} (at most {} megapixels and {} pixels a side)",
            w.round(),
            h.round(),
            MAX_PIXELS / 1e6,
            MAX_SIDE
        ))
    } else {
        Ok(())
    }
}

/// `resize_exact` within the pixel budget.
fn resize(img: &DynamicImage, w: u32, h: u32) -> Result<DynamicImage, String> {
    budget(f64::from(w), f64::from(h))?;
    Ok(img.resize_exact(w, h, imageops::FilterType::Triangle))
}

fn target(c: &Component, img: &DynamicImage) -> Result<(Option<u32>, Option<u32>), String> {
    let (w0, h0) = img.dimensions();
    let mut w = c.width.map(|d| d.resolve(w0) * c.dpr);
    let mut h = c.height.map(|d| d.resolve(h0) * c.dpr);
    if let Some(ar) = c.aspect_ratio {
        match (w, h) {
            (Some(w), None) => h = Some(w / ar),
            (None, Some(h)) => w = Some(h * ar),
            (None, None) => {
                // Aspect ratio alone: the largest region of that ratio.
                let (fw, fh) = (f64::from(w0), f64::from(h0));
                if fw / fh > ar {
                    h = Some(fh);
                    w = Some(fh * ar);
                } else {
                    w = Some(fw);
                    h = Some(fw / ar);
                }
            }
            _ => {}
        }
    }
    let px = |v: f64| v.round().max(1.0) as u32;
    // One side alone keeps the aspect ratio: the other follows from the source's.
    let (fw, fh) = (f64::from(w0), f64::from(h0));
    let (bw, bh) = match (w, h) {
        (Some(w), Some(h)) => (w, h),
        (Some(w), None) => (w, w * fh / fw),
        (None, Some(h)) => (h * fw / fh, h),
        (None, None) => (fw, fh),
    };
    budget(bw, bh)?;
    Ok((w.map(px), h.map(px)))
}

fn offset(space: u32, size: u32, anchor: f64) -> u32 {
    (f64::from(space.saturating_sub(size)) * anchor).round() as u32
}

fn apply_component(img: DynamicImage, c: &Component) -> Result<DynamicImage, String> {
    let (tw, th) = target(c, &img)?;
    let mut img = sized(img, c, tw, th)?;
    img = match c.angle {
        Some(90) => img.rotate90(),
        Some(180) => img.rotate180(),
        Some(270) => img.rotate270(),
        _ => img,
    };
    if c.grayscale {
        img = DynamicImage::ImageRgba8(img.grayscale().to_rgba8());
    }
    if let Some(sigma) = c.blur {
        img = img.blur(sigma);
    }
    if let Some(radius) = c.radius {
        img = DynamicImage::ImageRgba8(round_corners(img.to_rgba8(), radius));
    }
    Ok(img)
}

/// The size `(w0, h0)` scaled to fit in (or, with `cover`, to cover) the given width and height.
fn keep_aspect(w0: u32, h0: u32, w: Option<u32>, h: Option<u32>, cover: bool) -> (u32, u32) {
    let sx = w.map(|w| f64::from(w) / f64::from(w0));
    let sy = h.map(|h| f64::from(h) / f64::from(h0));
    let s = match (sx, sy) {
        (Some(x), Some(y)) if cover => x.max(y),
        (Some(x), Some(y)) => x.min(y),
        (Some(x), None) => x,
        (None, Some(y)) => y,
        (None, None) => 1.0,
    };
    (
        ((f64::from(w0) * s).round().max(1.0)) as u32,
        ((f64::from(h0) * s).round().max(1.0)) as u32,
    )
}

/// The crop mode applied to reach the target width and height.
fn sized(
    img: DynamicImage,
    c: &Component,
    tw: Option<u32>,
    th: Option<u32>,
) -> Result<DynamicImage, String> {
    let (w0, h0) = img.dimensions();
    let fit = |w, h, cover| keep_aspect(w0, h0, w, h, cover);
    Ok(match (c.crop.unwrap_or(Mode::Scale), tw, th) {
        (_, None, None) => img,
        (Mode::Scale, Some(w), Some(h)) => resize(&img, w, h)?,
        (Mode::Scale | Mode::Fit, w, h) => {
            let (w, h) = fit(w, h, false);
            resize(&img, w, h)?
        }
        (Mode::Limit, w, h) => {
            let (w, h) = fit(w, h, false);
            if w < w0 || h < h0 {
                resize(&img, w, h)?
            } else {
                img
            }
        }
        (Mode::Fill | Mode::Thumb, w, h) => {
            let (w, h) = (w.unwrap_or(w0), h.unwrap_or(h0));
            let (sw, sh) = fit(Some(w), Some(h), true);
            let scaled = resize(&img, sw, sh)?;
            let (gx, gy) = c.gravity;
            scaled.crop_imm(offset(sw, w, gx), offset(sh, h, gy), w.min(sw), h.min(sh))
        }
        (Mode::Pad, w, h) => pad(&img, c, w.unwrap_or(w0), h.unwrap_or(h0))?,
        (Mode::Crop, w, h) => {
            let (w, h) = (w.unwrap_or(w0).min(w0), h.unwrap_or(h0).min(h0));
            let (gx, gy) = c.gravity;
            let left = match c.x {
                Some(x) => (i64::from(offset(w0, w, gx)) + x).clamp(0, i64::from(w0 - w)) as u32,
                None => offset(w0, w, gx),
            };
            let top = match c.y {
                Some(y) => (i64::from(offset(h0, h, gy)) + y).clamp(0, i64::from(h0 - h)) as u32,
                None => offset(h0, h, gy),
            };
            img.crop_imm(left, top, w, h)
        }
    })
}

/// `c_pad`: the image fitted into `w` × `h`, on a background.
fn pad(img: &DynamicImage, c: &Component, w: u32, h: u32) -> Result<DynamicImage, String> {
    let (w0, h0) = img.dimensions();
    let (sw, sh) = keep_aspect(w0, h0, Some(w), Some(h), false);
    budget(f64::from(w), f64::from(h))?;
    let scaled = resize(img, sw, sh)?.to_rgba8();
    let mut canvas =
        RgbaImage::from_pixel(w, h, c.background.unwrap_or(Rgba([255, 255, 255, 255])));
    let (gx, gy) = c.gravity;
    imageops::overlay(
        &mut canvas,
        &scaled,
        i64::from(offset(w, sw, gx)),
        i64::from(offset(h, sh, gy)),
    );
    Ok(DynamicImage::ImageRgba8(canvas))
}

fn round_corners(mut img: RgbaImage, radius: Radius) -> RgbaImage {
    let (w, h) = img.dimensions();
    let (fw, fh) = (f64::from(w), f64::from(h));
    for (x, y, px) in img.enumerate_pixels_mut() {
        let (cx, cy) = (f64::from(x) + 0.5, f64::from(y) + 0.5);
        let outside = match radius {
            Radius::Max => {
                let (rx, ry) = (fw / 2.0, fh / 2.0);
                ((cx - rx) / rx).powi(2) + ((cy - ry) / ry).powi(2) > 1.0
            }
            Radius::Px(r) => {
                let r = f64::from(r).min(fw / 2.0).min(fh / 2.0);
                let dx = if cx < r {
                    r - cx
                } else if cx > fw - r {
                    cx - (fw - r)
                } else {
                    0.0
                };
                let dy = if cy < r {
                    r - cy
                } else if cy > fh - r {
                    cy - (fh - r)
                } else {
                    0.0
                };
                dx > 0.0 && dy > 0.0 && dx * dx + dy * dy > r * r
            }
        };
        if outside {
            px.0[3] = 0;
        }
    }
    img
}

/// Applies every component in order.
pub fn apply(plan: &Plan, img: DynamicImage) -> Result<DynamicImage, String> {
    plan.components.iter().try_fold(img, apply_component)
}

/// Encodes for delivery. JPEG has no alpha: transparent pixels are flattened onto white.
pub fn encode(img: &DynamicImage, format: &str, quality: Option<u8>) -> Result<Vec<u8>, String> {
    let mut out = std::io::Cursor::new(Vec::new());
    let result = match format {
        "jpg" => {
            let rgba = img.to_rgba8();
            let mut flat = image::RgbImage::new(rgba.width(), rgba.height());
            for (x, y, p) in rgba.enumerate_pixels() {
                let a = u16::from(p.0[3]);
                let blend = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
                flat.put_pixel(
                    x,
                    y,
                    image::Rgb([blend(p.0[0]), blend(p.0[1]), blend(p.0[2])]),
                );
            }
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality.unwrap_or(80))
                .encode_image(&flat)
        }
        "png" => img.write_to(&mut out, image::ImageFormat::Png),
        "webp" => {
            DynamicImage::ImageRgba8(img.to_rgba8()).write_to(&mut out, image::ImageFormat::WebP)
        }
        "gif" => {
            DynamicImage::ImageRgba8(img.to_rgba8()).write_to(&mut out, image::ImageFormat::Gif)
        }
        other => return Err(format!("Unsupported format: {other}")),
    };
    result.map_err(|e| format!("Could not encode {format}: {e}"))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(w: u32, h: u32) -> DynamicImage {
        DynamicImage::ImageRgba8(RgbaImage::from_pixel(w, h, Rgba([10, 20, 30, 255])))
    }

    fn dims(t: &str, w: u32, h: u32) -> (u32, u32) {
        apply(&parse(t).unwrap(), image(w, h)).unwrap().dimensions()
    }

    #[test]
    fn crop_modes_give_cloudinary_sizes() {
        assert_eq!(dims("c_scale,w_100", 400, 200), (100, 50));
        assert_eq!(dims("c_scale,w_100,h_100", 400, 200), (100, 100));
        assert_eq!(dims("c_fit,w_100,h_100", 400, 200), (100, 50));
        assert_eq!(dims("c_limit,w_1000,h_1000", 400, 200), (400, 200));
        assert_eq!(dims("c_fill,w_100,h_100,g_north", 400, 200), (100, 100));
        assert_eq!(dims("c_pad,w_100,h_100,b_black", 400, 200), (100, 100));
        assert_eq!(dims("c_crop,w_50,h_60,g_south_east", 400, 200), (50, 60));
        assert_eq!(dims("c_thumb,w_80,h_80", 400, 200), (80, 80));
        assert_eq!(dims("w_0.5", 400, 200), (200, 100));
        assert_eq!(dims("c_fill,ar_1:1,w_90", 400, 200), (90, 90));
        assert_eq!(dims("w_100,dpr_2.0", 400, 200), (200, 100));
        assert_eq!(dims("c_scale,w_100/a_90", 400, 200), (50, 100));
        assert_eq!(
            dims("c_fill,w_64,h_64,r_max/e_grayscale/e_blur:200", 400, 200),
            (64, 64)
        );
    }

    #[test]
    fn unknown_parameters_are_refused() {
        assert!(parse("zz_1").is_err());
        assert!(parse("e_sepia").is_err());
        assert!(parse("a_45").is_err());
        assert!(parse("c_imagga_crop").is_err());
        assert!(parse("w_0").is_err());
        assert!(apply(&parse("w_100000,h_100000").unwrap(), image(10, 10)).is_err());
    }
}
