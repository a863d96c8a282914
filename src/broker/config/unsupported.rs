//! Options the reader understands but the broker does not implement yet. The broker refuses to
//! start when one of them is in force; the table shrinks as features arrive.

use super::error::Unsupported;
use super::model::{Config, Directive};

/// When a directive counts as unsupported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    /// Whenever it is given.
    Always,
    /// When its first value word is this.
    IfValue(&'static str),
    /// When its value is not 0.
    IfNotZero,
}

/// Keyword, and when it is unsupported. A keyword ending in `*` is a prefix.
const UNSUPPORTED: &[(&str, When)] = &[
    // Listener TLS: what rustls has no equivalent for. PSK (rustls has no TLS-PSK), OpenSSL
    // engines and key forms, and Diffie-Hellman parameters (rustls offers no DHE suites).
    ("dhparamfile", When::Always),
    ("tls_engine", When::Always),
    ("tls_engine_kpass_sha1", When::Always),
    ("tls_keyform", When::IfValue("engine")),
    ("psk_hint", When::Always),
    ("psk_file", When::Always),
    // A memory cap on the process: not implemented.
    ("memory_limit", When::IfNotZero),
    // WebSockets.
    ("http_dir", When::Always),
    ("websockets_log_level", When::Always),
    ("websockets_headers_size", When::Always),
    // Plugins.
    ("plugin", When::Always),
    ("auth_plugin", When::Always),
    ("auth_plugin_deny_special_chars", When::Always),
    ("plugin_opt_*", When::Always),
    ("auth_opt_*", When::Always),
    // Bridges: TLS-PSK (rustls has no TLS-PSK), and OCSP stapling, which rustls cannot check.
    ("bridge_identity", When::Always),
    ("bridge_psk", When::Always),
    ("bridge_require_ocsp", When::IfValue("true")),
];

/// Built without the `tls` feature, every TLS option is refused, so that a listener or bridge
/// meant to use TLS never runs in plain text.
#[cfg(not(feature = "tls"))]
const TLS_OPTIONS: &[&str] = &[
    "cafile",
    "capath",
    "certfile",
    "keyfile",
    "ciphers",
    "ciphers_tls1.3",
    "crlfile",
    "require_certificate",
    "tls_version",
    "use_identity_as_username",
    "use_subject_as_username",
    "bridge_alpn",
    "bridge_cafile",
    "bridge_capath",
    "bridge_certfile",
    "bridge_keyfile",
    "bridge_insecure",
    "bridge_tls_version",
];

/// What this build lacks that `option` needs.
fn built_without(option: &str) -> Option<&'static str> {
    #[cfg(not(feature = "tls"))]
    if TLS_OPTIONS.contains(&option) {
        return Some("TLS");
    }
    let _ = option;
    None
}

fn rule(option: &str) -> Option<When> {
    UNSUPPORTED.iter().find_map(|&(name, when)| {
        let matches = match name.strip_suffix('*') {
            Some(prefix) => option.starts_with(prefix),
            None => option == name,
        };
        matches.then_some(when)
    })
}

fn in_force(directive: &Directive, when: When) -> bool {
    let first_word = directive.value.split(' ').next().unwrap_or_default();
    match when {
        When::Always => true,
        When::IfValue(value) => first_word == value,
        When::IfNotZero => super::lexer::atoi(first_word.as_bytes()) != 0,
    }
}

impl Config {
    /// Every directive in force that this broker does not implement yet, in file order.
    pub fn unsupported(&self) -> Vec<Unsupported> {
        self.directives
            .iter()
            .filter(|d| {
                built_without(&d.option).is_some() || rule(&d.option).is_some_and(|when| in_force(d, when))
            })
            .map(|d| Unsupported {
                option: d.option.clone(),
                file: d.file.clone(),
                line: d.line,
                built_without: built_without(&d.option),
            })
            .collect()
    }
}

/// How the options table of README describes an option's support: `None` when it is
/// implemented, else when it is refused.
#[cfg(test)]
pub(super) fn refusal(option: &str) -> Option<String> {
    rule(option).map(|when| match when {
        When::Always => "refused".to_owned(),
        When::IfValue(value) => format!("refused with `{value}`"),
        When::IfNotZero => "refused unless 0".to_owned(),
    })
}

#[cfg(test)]
pub(super) fn unsupported_keywords() -> impl Iterator<Item = &'static str> {
    UNSUPPORTED.iter().map(|(name, _)| *name)
}
