//! The few `f64` operations the core needs that live in `std` (they call libm there) and not in
//! `core`: whole-number parts and rounding, written with casts, exact for every finite `f64`.

/// Above this every finite `f64` is a whole number.
const WHOLE: f64 = 4_503_599_627_370_496.0; // 2^52

/// `x.trunc()`: the whole part, towards zero (the sign of a zero kept).
pub(crate) fn trunc(x: f64) -> f64 {
    if !x.is_finite() || x.abs() >= WHOLE {
        return x;
    }
    let t = x as i64 as f64;
    if t == 0.0 && x.is_sign_negative() {
        -0.0
    } else {
        t
    }
}

/// `x.floor()`.
pub(crate) fn floor(x: f64) -> f64 {
    let t = trunc(x);
    if t > x {
        t - 1.0
    } else {
        t
    }
}

/// `x.fract()`: what is left after the whole part (`x - trunc(x)`, exact).
pub(crate) fn fract(x: f64) -> f64 {
    x - trunc(x)
}

/// `x.round()`: to the nearest whole number, halves away from zero.
pub(crate) fn round(x: f64) -> f64 {
    let t = trunc(x);
    let d = x - t;
    if d >= 0.5 {
        t + 1.0
    } else if d <= -0.5 {
        t - 1.0
    } else {
        t
    }
}

/// `base.powi(exp)` as compiler-rt's `__powidf2` computes it (square and multiply).
pub(crate) fn powi(mut base: f64, exp: i32) -> f64 {
    let mut n = exp.unsigned_abs();
    let mut result = 1.0;
    loop {
        if n & 1 == 1 {
            result *= base;
        }
        n >>= 1;
        if n == 0 {
            break;
        }
        base *= base;
    }
    if exp < 0 {
        1.0 / result
    } else {
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_std() {
        let samples = [
            0.0,
            -0.0,
            0.4,
            0.5,
            0.6,
            -0.4,
            -0.5,
            -0.6,
            1.5,
            -1.5,
            2.5,
            1e15 + 0.5,
            -1e15 - 0.5,
            4_503_599_627_370_495.5,
            9e15,
            -9e15,
            1e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            1.7e9 / 1000.0,
            1_796_095_483_123.0 / 1000.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for x in samples {
            assert_eq!(trunc(x).to_bits(), x.trunc().to_bits(), "trunc {x}");
            assert_eq!(floor(x).to_bits(), x.floor().to_bits(), "floor {x}");
            assert_eq!(round(x).to_bits(), x.round().to_bits(), "round {x}");
            assert_eq!(fract(x).to_bits(), x.fract().to_bits(), "fract {x}");
        }
        assert!(trunc(f64::NAN).is_nan() && floor(f64::NAN).is_nan() && round(f64::NAN).is_nan());
        for e in -30..=30 {
            assert_eq!(powi(10.0, e), 10f64.powi(e), "10^{e}");
        }
    }
}
