//! Kubernetes resource quantities (`10Gi`, `1.5G`, `500m`, `1e3`) as whole
//! numbers, and back to short human text.
//!
//! Parsing follows `resource.Quantity`: binary suffixes `Ki Mi Gi Ti Pi Ei`,
//! decimal suffixes `k M G T P E`, the milli suffix `m`, decimal exponents
//! (`1e3`, `12E-1`) and fractions. Values that are not whole are rounded up,
//! as the API server rounds storage requests.

/// Parses a quantity to a whole number (bytes for storage), rounding
/// fractions up. `None` for malformed text, negative values or overflow.
pub fn parse(text: &str) -> Option<u64> {
    let s = text.trim();
    let s = s.strip_prefix('+').unwrap_or(s);
    if s.is_empty() || s.starts_with('-') {
        return None;
    }
    let num_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(num_end);
    if number.is_empty() || number == "." || number.matches('.').count() > 1 {
        return None;
    }
    let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
    // mantissa = digits as integer, value = mantissa * 10^-frac_len
    let digits = format!("{int_part}{frac_part}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > 30 {
        return None;
    }
    let mantissa: u128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    // (numerator multiplier, power of ten exponent)
    let (mult, mut exp10): (u128, i32) = match suffix {
        "" => (1, 0),
        "Ki" => (1 << 10, 0),
        "Mi" => (1 << 20, 0),
        "Gi" => (1 << 30, 0),
        "Ti" => (1 << 40, 0),
        "Pi" => (1 << 50, 0),
        "Ei" => (1 << 60, 0),
        "m" => (1, -3),
        "k" => (1, 3),
        "M" => (1, 6),
        "G" => (1, 9),
        "T" => (1, 12),
        "P" => (1, 15),
        "E" => (1, 18),
        other => {
            let rest = other.strip_prefix(['e', 'E'])?;
            let rest = rest.strip_prefix('+').unwrap_or(rest);
            let e: i32 = rest.parse().ok()?;
            if !(-40..=40).contains(&e) {
                return None;
            }
            (1, e)
        }
    };
    exp10 -= frac_part.len() as i32;
    let mut value = mantissa.checked_mul(mult)?;
    if exp10 >= 0 {
        for _ in 0..exp10 {
            value = value.checked_mul(10)?;
        }
    } else {
        let div = 10u128.checked_pow(exp10.unsigned_abs())?;
        value = value.div_ceil(div);
    }
    u64::try_from(value).ok()
}

/// Bytes as a short binary quantity: `10Gi`, `2.5Gi`, `512Mi`, `900`.
/// Whole multiples print without decimals; others with one (truncated,
/// dropping a trailing `.0`).
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    if bytes < 1024 {
        return bytes.to_string();
    }
    let mut unit = 0;
    let mut scale: u64 = 1024;
    while unit + 1 < UNITS.len() && bytes >= scale * 1024 {
        scale *= 1024;
        unit += 1;
    }
    if bytes.is_multiple_of(scale) {
        return format!("{}{}", bytes / scale, UNITS[unit]);
    }
    let tenths = (bytes as u128 * 10 / scale as u128) as u64;
    if tenths.is_multiple_of(10) {
        format!("{}{}", tenths / 10, UNITS[unit])
    } else {
        format!("{}.{}{}", tenths / 10, tenths % 10, UNITS[unit])
    }
}

/// A count in short SI form: `900`, `18k`, `1.3M` (for inodes).
pub fn format_count(n: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (1_000_000_000_000, "T"),
        (1_000_000_000, "G"),
        (1_000_000, "M"),
        (1_000, "k"),
    ];
    for (scale, unit) in UNITS {
        if n >= scale {
            let tenths = n as u128 * 10 / scale as u128;
            return if tenths.is_multiple_of(10) || tenths >= 1000 {
                format!("{}{unit}", tenths / 10)
            } else {
                format!("{}.{}{unit}", tenths / 10, tenths % 10)
            };
        }
    }
    n.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_suffix() {
        let cases: &[(&str, u64)] = &[
            ("0", 0),
            ("100", 100),
            ("1Ki", 1024),
            ("10Mi", 10 << 20),
            ("10Gi", 10 << 30),
            ("2Ti", 2 << 40),
            ("1Pi", 1 << 50),
            ("1Ei", 1 << 60),
            ("1k", 1000),
            ("5M", 5_000_000),
            ("1G", 1_000_000_000),
            ("3T", 3_000_000_000_000),
            ("1P", 1_000_000_000_000_000),
            ("2E", 2_000_000_000_000_000_000),
            ("1.5Gi", 3 << 29),
            ("0.5Ki", 512),
            ("1500m", 2),
            ("1000m", 1),
            ("1m", 1),
            ("1e3", 1000),
            ("1E3", 1000),
            ("12e-1", 2),
            ("+7", 7),
            (" 16374584Ki ", 16374584 * 1024),
            ("119703055367", 119703055367),
            (".5k", 500),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text), Some(*want), "{text}");
        }
    }

    #[test]
    fn rejects_malformed_quantities() {
        for text in [
            "", "-1", "Gi", "1.2.3", "1Gb", "1 Gi", "abc", "1e", "99999Ei", ".",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn formats_bytes_shortly() {
        assert_eq!(format_bytes(0), "0");
        assert_eq!(format_bytes(1023), "1023");
        assert_eq!(format_bytes(1024), "1Ki");
        assert_eq!(format_bytes(10 << 30), "10Gi");
        assert_eq!(format_bytes(5 << 29), "2.5Gi");
        assert_eq!(format_bytes(512 << 20), "512Mi");
        assert_eq!(format_bytes((1 << 30) + 1), "1Gi");
        assert_eq!(format_bytes(100 << 30), "100Gi");
        assert_eq!(format_bytes(3 << 40), "3Ti");
        assert_eq!(format_bytes(parse("18.6Gi").unwrap()), "18.6Gi");
    }

    #[test]
    fn formats_counts_shortly() {
        assert_eq!(format_count(900), "900");
        assert_eq!(format_count(18_000), "18k");
        assert_eq!(format_count(1_310_720), "1.3M");
        assert_eq!(format_count(5_400), "5.4k");
        assert_eq!(format_count(250_000), "250k");
    }
}
