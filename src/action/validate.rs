//! Validation shared by the dialogs: what the user typed, read strictly,
//! with an error that says what to type instead.

/// A whole number ≥ 0 typed for `what`, or an error that names `what`.
pub(super) fn parse_whole(input: &str, what: &str) -> Result<i32, String> {
    let t = input.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if t.is_empty() {
        return Err(format!("enter the {what} as a whole number"));
    }
    if let Some(rest) = t.strip_prefix('-')
        && digits(rest)
    {
        return Err(format!("the {what} cannot be negative: {t}"));
    }
    if let Some(rest) = t.strip_prefix('+')
        && digits(rest)
    {
        return Err(format!(
            "type the {what} itself, without a sign: {rest}, not {t}"
        ));
    }
    if !digits(t) {
        let decimal = t
            .split_once(['.', ','])
            .is_some_and(|(a, b)| digits(a.trim_start_matches(['-', '+'])) && digits(b));
        return Err(if decimal {
            format!("the {what} must be a whole number, not {t}")
        } else {
            format!("{t:?} is not a whole number")
        });
    }
    t.parse::<i32>()
        .map_err(|_| format!("{t} is far too large for the {what}"))
}
