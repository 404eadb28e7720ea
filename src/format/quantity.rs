//! Kubernetes resource quantities (`10Gi`, `1.5G`, `500m`, `1e3`) as whole
//! numbers, and back to short human text. One parser for the whole program:
//! scenario files, the simulated API server, its kubelet and scheduler, and
//! the explorer's store. (`k8s-openapi`'s `Quantity` is only the string.)
//!
//! Parsing follows `resource.Quantity`: binary suffixes `Ki Mi Gi Ti Pi Ei`,
//! decimal suffixes `k M G T P E`, `m u n`, decimal exponents (`1e3`,
//! `12E-1`) and fractions. Values that are not whole are rounded up, as the
//! API server rounds storage requests.

/// Parses a quantity to a whole number (bytes for storage), rounding
/// fractions up; the error says what is wrong with the text.
pub fn parse(s: &str) -> Result<u64, String> {
    parse_scaled(s, 1)
}

/// Parses a quantity in thousandths, rounding up: CPU `500m` is 500,
/// `1.5` is 1500, `2` is 2000.
pub fn parse_milli(s: &str) -> Result<u64, String> {
    parse_scaled(s, 1000)
}

/// The quantity times `scale`, rounded up.
fn parse_scaled(s: &str, scale: u128) -> Result<u64, String> {
    let err = |reason: &str| reason.to_string();
    if s.is_empty() {
        return Err(err("empty"));
    }
    if s.trim() != s {
        return Err(err("surrounding whitespace"));
    }
    let mut rest = s;
    if let Some(r) = rest.strip_prefix('+') {
        rest = r;
    } else if rest.starts_with('-') {
        return Err(err("negative quantities are not allowed"));
    }
    let int_len = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let int_digits = &rest[..int_len];
    rest = &rest[int_len..];
    let mut frac_digits = "";
    if let Some(r) = rest.strip_prefix('.') {
        let frac_len = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
        frac_digits = &r[..frac_len];
        rest = &r[frac_len..];
    }
    if int_digits.is_empty() && frac_digits.is_empty() {
        return Err(err("expected a number, e.g. 10Gi, 500M, 1e3 or 1024"));
    }
    let suffix = rest;

    // value = mantissa * num / den, all exact in u128.
    let int_digits = int_digits.trim_start_matches('0');
    let frac_digits = frac_digits.trim_end_matches('0');
    let digits = format!("{int_digits}{frac_digits}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > 30 {
        return Err(err("too many significant digits"));
    }
    let mantissa: u128 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| err("not a number"))?
    };
    let too_large = || err("too large (above 2^64-1)");
    let pow10 = |e: u32| 10u128.checked_pow(e);
    let mut num: u128 = 1;
    let mut den: u128 = pow10(frac_digits.len() as u32).ok_or_else(too_large)?;
    let binary = |power: u32| 1u128 << (10 * power);
    match suffix {
        "" => {}
        "Ki" => num = binary(1),
        "Mi" => num = binary(2),
        "Gi" => num = binary(3),
        "Ti" => num = binary(4),
        "Pi" => num = binary(5),
        "Ei" => num = binary(6),
        "n" => den *= 1_000_000_000,
        "u" => den *= 1_000_000,
        "m" => den *= 1_000,
        "k" => num = 1_000,
        "M" => num = 1_000_000,
        "G" => num = 1_000_000_000,
        "T" => num = 1_000_000_000_000,
        "P" => num = 1_000_000_000_000_000,
        "E" => num = 1_000_000_000_000_000_000,
        _ => {
            let exponent = suffix
                .strip_prefix(['e', 'E'])
                .filter(|e| !e.is_empty())
                .and_then(|e| e.parse::<i32>().ok());
            match exponent {
                Some(e) if e.unsigned_abs() > 40 => return Err(err("exponent out of range")),
                Some(e) if e >= 0 => num = pow10(e as u32).ok_or_else(too_large)?,
                Some(e) => {
                    den = den
                        .checked_mul(pow10(e.unsigned_abs()).ok_or_else(too_large)?)
                        .ok_or_else(|| err("exponent out of range"))?
                }
                None => {
                    let hint = if suffix.ends_with(['B', 'b']) {
                        " (no `B`: write Gi for gibibytes or G for gigabytes)"
                    } else if matches!(suffix, "K" | "ki" | "mi" | "gi" | "ti") {
                        " (suffixes are case-sensitive: k, Ki, Mi, Gi, Ti)"
                    } else {
                        ""
                    };
                    return Err(format!(
                        "unknown suffix `{suffix}`{hint}; expected one of Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E, m, or an exponent like e3"
                    ));
                }
            }
        }
    }
    let scaled = mantissa
        .checked_mul(num)
        .and_then(|v| v.checked_mul(scale))
        .ok_or_else(too_large)?;
    let value = scaled.div_ceil(den);
    u64::try_from(value).map_err(|_| too_large())
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

    fn parse_ok(s: &str) -> Option<u64> {
        parse(s.trim()).ok()
    }

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
            assert_eq!(parse_ok(text), Some(*want), "{text}");
        }
    }

    #[test]
    fn rejects_malformed_quantities() {
        for text in [
            "", "-1", "Gi", "1.2.3", "1Gb", "1 Gi", "abc", "1e", "99999Ei", ".",
        ] {
            assert_eq!(parse_ok(text), None, "{text}");
        }
    }

    #[test]
    fn cpu_in_thousandths() {
        let cases: &[(&str, u64)] = &[
            ("500m", 500),
            ("1", 1000),
            ("1.5", 1500),
            ("2", 2000),
            ("250u", 1),
            ("0", 0),
        ];
        for (text, want) in cases {
            assert_eq!(parse_milli(text), Ok(*want), "{text}");
        }
        assert!(parse_milli("1 core").is_err());
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
        assert_eq!(format_bytes(parse_ok("18.6Gi").unwrap()), "18.6Gi");
    }

    #[test]
    fn formats_counts_shortly() {
        assert_eq!(format_count(900), "900");
        assert_eq!(format_count(18_000), "18k");
        assert_eq!(format_count(1_310_720), "1.3M");
        assert_eq!(format_count(5_400), "5.4k");
        assert_eq!(format_count(250_000), "250k");
    }

    #[test]
    fn accepts_and_rejects_what_scenario_files_write() {
        let ok: &[(&str, u64)] = &[
            ("0", 0),
            ("1024", 1024),
            ("+5", 5),
            ("1Ki", 1024),
            ("1.5Ki", 1536),
            ("200Mi", 200 * 1024 * 1024),
            ("2.5Gi", 2_684_354_560),
            ("0.1Gi", 107_374_183), // 107374182.4 rounded up, like Quantity.Value()
            ("20Gi", 20 << 30),
            ("1Ti", 1 << 40),
            ("1Pi", 1 << 50),
            ("1Ei", 1 << 60),
            ("15Ei", 15 << 60),
            ("1k", 1_000),
            ("500M", 500_000_000),
            ("10G", 10_000_000_000),
            ("1T", 1_000_000_000_000),
            ("1P", 1_000_000_000_000_000),
            ("1E", 1_000_000_000_000_000_000),
            ("1e3", 1_000),
            ("1E3", 1_000),
            ("1.5e3", 1_500),
            ("12e0", 12),
            ("5e-1", 1),
            ("0.5", 1),
            (".5", 1),
            ("500m", 1),
            ("1500m", 2),
            ("2.000", 2),
            ("007", 7),
            ("18446744073709551615", u64::MAX),
        ];
        for (input, want) in ok {
            assert_eq!(
                parse(input).unwrap_or_else(|e| panic!("{input}: {e}")),
                *want,
                "{input}"
            );
        }
        let bad = [
            ("", "empty"),
            ("-1Gi", "negative"),
            ("1GB", "no `B`"),
            ("1Gb", "no `B`"),
            ("1gi", "case-sensitive"),
            ("1K", "case-sensitive"),
            ("Gi", "expected a number"),
            ("abc", "expected a number"),
            (" 1Gi", "whitespace"),
            ("1 Gi", "unknown suffix ` Gi`"),
            ("1e", "unknown suffix `e`"),
            ("1e1000", "out of range"),
            ("1e99", "out of range"),
            ("1.2.3", "unknown suffix"),
            ("1Gi5", "unknown suffix"),
            ("16Ei", "too large"),
            ("18446744073709551616", "too large"),
        ];
        for (input, reason) in bad {
            let err = parse(input).expect_err(input);
            assert!(err.contains(reason), "{input}: {err}");
        }
    }
}
