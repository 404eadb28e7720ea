//! The dialog's monospace text broken into rows without changing what it
//! means: paths before a `/`, shell commands with `\` continuations, JSON
//! between tokens.

/// A path in rows of `first` chars, then `rest` chars, broken before a `/`,
/// `?` or `&` where possible.
pub(super) fn wrap_path(s: &str, first: usize, rest: usize) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut room = first.max(1);
    while start < chars.len() {
        let end = if chars.len() - start <= room {
            chars.len()
        } else {
            (start + 1..=start + room)
                .rev()
                .find(|&i| matches!(chars[i], '/' | '?' | '&'))
                .unwrap_or(start + room)
        };
        out.push(chars[start..end].iter().collect());
        start = end;
        room = rest.max(1);
    }
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

/// A shell command in rows of at most `width`, broken at spaces with `\`
/// continuations (so a copied command still runs).
pub(super) fn command(cmd: &str, width: usize) -> Vec<String> {
    if cmd.chars().count() <= width {
        return vec![cmd.to_string()];
    }
    let mut out = Vec::new();
    let mut line = String::new();
    for word in cmd.split_whitespace() {
        if line.is_empty() {
            line.push_str(word);
        } else if line.chars().count() + 1 + word.chars().count() + 2 > width {
            out.push(format!("{line} \\"));
            line = format!("  {word}");
        } else {
            line.push(' ');
            line.push_str(word);
        }
    }
    out.push(line);
    out
}

/// A JSON line in rows of at most `width` chars, broken after `,` `:` `{`
/// `[` outside strings; continuation rows are indented two more. A token
/// longer than a row stays on its own row (and is cut with `…` when drawn).
pub(super) fn wrap_json(line: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= width {
        return vec![line.to_string()];
    }
    let cont = chars.iter().take_while(|c| **c == ' ').count() + 2;
    let mut breaks = vec![false; chars.len()];
    let (mut in_str, mut escaped) = (false, false);
    for (i, &c) in chars.iter().enumerate() {
        if in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            ',' | ':' | '{' | '[' => breaks[i] = true,
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let indent = if out.is_empty() { 0 } else { cont };
        let room = width.saturating_sub(indent).max(1);
        let end = if chars.len() - start <= room {
            chars.len()
        } else {
            (start..start + room)
                .rev()
                .find(|&i| breaks[i])
                .or_else(|| (start + room..chars.len()).find(|&i| breaks[i]))
                .map_or(chars.len(), |i| i + 1)
        };
        let part: String = chars[start..end].iter().collect();
        if out.is_empty() {
            out.push(part);
        } else {
            out.push(format!("{}{}", " ".repeat(indent), part.trim_start()));
        }
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_breaks_between_tokens() {
        let body = r#"{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-22T14:03:27Z"}}}}}"#;
        let rows = wrap_json(body, 66);
        assert_eq!(
            rows,
            vec![
                r#"{"spec":{"template":{"metadata":{"annotations":{"#.to_string(),
                r#"  "kubectl.kubernetes.io/restartedAt":"2026-11-22T14:03:27Z"}}}}}"#.to_string(),
            ]
        );
        // commas and colons inside strings are not break points
        let rows = wrap_json(r#"{"a":"x, y: z, w","b":1}"#, 12);
        assert_eq!(rows, vec![r#"{"a":"#, r#"  "x, y: z, w","#, r#"  "b":1}"#]);
        // a token longer than a row stays whole (cut with `…` when drawn)
        let rows = wrap_json(r#"{"a":"0123456789abcdef"}"#, 10);
        assert_eq!(rows, vec![r#"{"a":"#, r#"  "0123456789abcdef"}"#]);
    }

    #[test]
    fn commands_wrap_with_continuations() {
        let rows = command(
            "kubectl -n nfs-demo delete pod sample-statefulset-1 --grace-period=0 --force",
            50,
        );
        assert_eq!(
            rows,
            vec![
                "kubectl -n nfs-demo delete pod \\",
                "  sample-statefulset-1 --grace-period=0 --force",
            ]
        );
        assert!(rows.iter().all(|r| r.chars().count() <= 50));
        assert_eq!(command("kubectl get sts", 50), vec!["kubectl get sts"]);
    }

    #[test]
    fn paths_break_before_slashes() {
        assert_eq!(
            wrap_path(
                "/api/v1/namespaces/mysql/persistentvolumeclaims/data-mysql-4",
                50,
                48
            ),
            vec![
                "/api/v1/namespaces/mysql/persistentvolumeclaims",
                "/data-mysql-4"
            ]
        );
        assert_eq!(wrap_path("abcdefgh", 3, 4), vec!["abc", "defg", "h"]);
        assert_eq!(wrap_path("", 3, 4), vec![""]);
    }
}
