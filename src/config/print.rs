//! `ordinal --print-config`: the effective config as a commented TOML file
//! to start one from. Settings at their default are commented out.

use std::fmt::Write;
use std::path::Path;

use super::{Colors, Config, Namespace, Refresh, Theme, Ui};
use crate::app::keymap::{Command, Key};

/// A TOML string literal.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn keys_value(keys: &[Key]) -> String {
    match keys {
        [one] => quoted(&one.to_string()),
        keys => format!(
            "[{}]",
            keys.iter()
                .map(|k| quoted(&k.to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn refresh_value(refresh: Refresh) -> String {
    match refresh {
        Refresh::Off => quoted("off"),
        Refresh::Every(d) if d.subsec_millis() == 0 => quoted(&format!("{}s", d.as_secs())),
        Refresh::Every(d) => quoted(&format!("{}ms", d.as_millis())),
    }
}

/// `name = value`, commented out when it is the default.
fn setting(out: &mut String, name: &str, value: String, default: String) {
    let hash = if value == default { "# " } else { "" };
    let _ = writeln!(out, "{hash}{name} = {value}");
}

pub(super) fn commented_toml(config: &Config, path: Option<&Path>) -> String {
    let mut out = String::new();
    let source = match path {
        Some(p) => format!("read from {}", p.display()),
        None => match super::default_path() {
            Some(p) => format!("no file read; ordinal reads {} when it exists", p.display()),
            None => "no file read (neither XDG_CONFIG_HOME nor HOME is set)".to_string(),
        },
    };
    let _ = writeln!(
        out,
        "# ordinal configuration ({source}).\n\
         # The effective settings; those at their default are commented out.\n\
         # Precedence: command-line flags, then the environment (NO_COLOR,\n\
         # TERM=dumb), then this file, then detection (TERM, COLORTERM, locale).\n"
    );

    let ui = &config.ui;
    let default = Ui::default();
    out.push_str("[ui]\n");
    out.push_str(
        "# \"color\", or \"mono\": bold, underline, reverse and dim only (as NO_COLOR\n\
         # or --no-color).\n",
    );
    let theme = |t: Theme| {
        quoted(match t {
            Theme::Color => "color",
            Theme::Mono => "mono",
        })
    };
    setting(&mut out, "theme", theme(ui.theme), theme(default.theme));
    out.push_str(
        "# Colour depth: \"auto\" (from COLORTERM and TERM), \"truecolor\", \"256\" or\n\
         # \"16\". NO_COLOR, --no-color and TERM=dumb still mean none.\n",
    );
    let colors = |c: Colors| {
        quoted(match c {
            Colors::Auto => "auto",
            Colors::TrueColor => "truecolor",
            Colors::Ansi256 => "256",
            Colors::Ansi16 => "16",
        })
    };
    setting(
        &mut out,
        "colors",
        colors(ui.colors),
        colors(default.colors),
    );
    out.push_str(
        "# ASCII borders and symbols even in a UTF-8 locale (as --ascii); false:\n\
         # Unicode when the locale is UTF-8.\n",
    );
    setting(
        &mut out,
        "ascii",
        ui.ascii.to_string(),
        default.ascii.to_string(),
    );
    out.push_str("# At most this many screen updates per second, 1 to 120 (--max-fps wins).\n");
    setting(
        &mut out,
        "max_fps",
        ui.max_fps.to_string(),
        default.max_fps.to_string(),
    );
    out.push_str(
        "# How often ages and the clock are redrawn: \"1s\" to \"60s\" (or \"1m\"), or\n\
         # \"off\": only when something changes (an idle screen writes nothing).\n",
    );
    setting(
        &mut out,
        "refresh",
        refresh_value(ui.refresh),
        refresh_value(default.refresh),
    );

    out.push_str("\n[namespace]\n");
    out.push_str(
        "# When neither -n nor -A is given: \"context\" (the kubeconfig context's\n\
         # namespace; all namespaces with --demo), \"all\", or a namespace name.\n",
    );
    let ns = |n: &Namespace| match n {
        Namespace::Context => quoted("context"),
        Namespace::All => quoted("all"),
        Namespace::Named(name) => quoted(name),
    };
    setting(
        &mut out,
        "default",
        ns(&config.namespace),
        ns(&Namespace::default()),
    );

    out.push_str("\n[capacity]\n");
    out.push_str(
        "# Usage history at start from Prometheus (--prometheus wins): a URL\n\
         # (\"http://prometheus:9090\") or, through the API server's service proxy,\n\
         # \"service:NAMESPACE/NAME:PORT\" (\"service:monitoring/prometheus-k8s:9090\").\n",
    );
    let target = |t: &Option<super::prometheus::Target>| match t {
        Some(super::prometheus::Target::Url(u)) => quoted(u),
        Some(super::prometheus::Target::Service {
            namespace,
            name,
            port,
        }) => quoted(&format!("service:{namespace}/{name}:{port}")),
        None => quoted("http://prometheus:9090"),
    };
    setting(
        &mut out,
        "prometheus",
        target(&config.prometheus),
        target(&None),
    );

    out.push_str("\n[keys]\n");
    out.push_str(
        "# A command's keys: \"x\", \"S\" (Shift-s), \"ctrl-x\", \"alt-x\", \"enter\", \"esc\",\n\
         # \"tab\", \"backtab\", \"up\", \"down\", \"left\", \"right\", \"pgup\", \"pgdn\", \"home\",\n\
         # \"end\", \"backspace\", \"delete\", \"insert\", \"space\", \"f1\" to \"f12\"; a list\n\
         # ([\"r\", \"ctrl-r\"]); or [] for none (quit needs one). A command listed\n\
         # here loses its default keys. Two commands on one screen cannot share\n\
         # a key. Typing (the filter, dialogs, the namespace list) is not\n\
         # remapped.\n",
    );
    for command in Command::ALL {
        let modes: Vec<&str> = command.modes().iter().map(|m| m.name()).collect();
        let _ = writeln!(out, "\n# {} ({})", command.describe(), modes.join(", "));
        setting(
            &mut out,
            command.name(),
            keys_value(config.keymap.keys(command)),
            keys_value(crate::app::keymap::default_keys(command)),
        );
    }
    out
}
