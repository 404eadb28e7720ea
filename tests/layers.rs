//! The layering holds: the pure layers (`store`, `view`, `ui`, `action`)
//! import no IO edge (`cluster`, `sim`) and not the terminal (`term`),
//! outside `#[cfg(test)]` code. `ui` not importing `term` is also what keeps
//! `term::caps` -> `ui::theme` one-way (no import circle).

use std::path::{Path, PathBuf};

const PURE: [&str; 4] = ["store", "view", "ui", "action"];
const FORBIDDEN: [&str; 3] = ["crate::cluster", "crate::sim", "crate::term"];

/// Lines of `text` that name a forbidden module outside `#[cfg(test)]`
/// items and comments, plus the files its `#[cfg(test)] mod x;` lines
/// declare (test code, skipped).
fn violations(text: &str) -> (Vec<(usize, String)>, Vec<String>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut test_mods = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        if t.starts_with("#[cfg(test)]") {
            // Skip the attribute(s), then the item: `mod x;` or a braced block.
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim().starts_with("#[") {
                j += 1;
            }
            let item = lines.get(j).map_or("", |l| l.trim());
            if let Some(name) = item
                .strip_prefix("mod ")
                .or_else(|| item.strip_prefix("pub mod "))
                .and_then(|r| r.strip_suffix(';'))
            {
                test_mods.push(name.trim().to_string());
                i = j + 1;
                continue;
            }
            let mut depth = 0i32;
            let mut opened = false;
            while j < lines.len() {
                for c in lines[j].chars() {
                    match c {
                        '{' => {
                            depth += 1;
                            opened = true;
                        }
                        '}' => depth -= 1,
                        _ => {}
                    }
                }
                j += 1;
                if (opened && depth <= 0) || (!opened && lines[j - 1].trim_end().ends_with(';')) {
                    break;
                }
            }
            i = j;
            continue;
        }
        if !t.starts_with("//") && FORBIDDEN.iter().any(|f| t.contains(f)) {
            found.push((i + 1, t.to_string()));
        }
        i += 1;
    }
    (found, test_mods)
}

/// Scans `dir` recursively, skipping files declared as test modules.
fn scan(dir: &Path, out: &mut Vec<String>) {
    let mut skipped: Vec<PathBuf> = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    // mod.rs first, so its test modules are known before their files.
    entries.sort_by_key(|p| p.file_name().is_none_or(|n| n != "mod.rs"));
    for path in entries {
        if skipped.iter().any(|s| path.starts_with(s)) {
            continue;
        }
        if path.is_dir() {
            scan(&path, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let (found, test_mods) = violations(&text);
        let base = if path.file_name().is_some_and(|n| n == "mod.rs") {
            dir.to_path_buf()
        } else {
            dir.join(path.file_stem().unwrap())
        };
        for m in test_mods {
            skipped.push(base.join(format!("{m}.rs")));
            skipped.push(base.join(&m));
        }
        for (line, text) in found {
            out.push(format!("{}:{line}: {text}", path.display()));
        }
    }
}

#[test]
fn pure_layers_import_no_io_edge_and_no_terminal() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    for layer in PURE {
        scan(&src.join(layer), &mut out);
    }
    assert!(
        out.is_empty(),
        "store, view, ui and action must not use cluster, sim or term outside #[cfg(test)]:\n{}",
        out.join("\n")
    );
}

#[test]
fn ui_theme_does_not_import_term_caps_which_imports_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let caps = std::fs::read_to_string(src.join("term/caps.rs")).unwrap();
    let theme = std::fs::read_to_string(src.join("ui/theme.rs")).unwrap();
    // The one allowed direction: the terminal layer builds the UI's Theme.
    assert!(
        caps.contains("crate::ui::theme"),
        "caps no longer uses the theme: update this test"
    );
    let (found, _) = violations(&theme);
    assert!(found.is_empty(), "ui::theme imports term again: {found:?}");
}

#[test]
fn the_scanner_finds_imports_and_skips_test_code_and_comments() {
    let text = "use crate::store::Store;\n\
        use crate::cluster::actions::Action;\n\
        // see crate::term::caps\n\
        fn f() { let _ = crate::sim::x(); }\n\
        #[cfg(test)]\n\
        mod tests {\n    use crate::sim::state::SimState;\n    fn g() {}\n}\n\
        #[cfg(test)]\n\
        mod fixture;\n\
        use crate::term::caps::Caps;\n";
    let (found, test_mods) = violations(text);
    let lines: Vec<usize> = found.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [2, 4, 12], "{found:?}");
    assert_eq!(test_mods, ["fixture"]);
}
