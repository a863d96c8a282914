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
    // Bridges: `connection` and every option of a bridge.
    ("connection", When::Always),
    ("address", When::Always),
    ("addresses", When::Always),
    ("bridge_alpn", When::Always),
    ("bridge_attempt_unsubscribe", When::Always),
    ("bridge_bind_address", When::Always),
    ("bridge_cafile", When::Always),
    ("bridge_capath", When::Always),
    ("bridge_certfile", When::Always),
    ("bridge_identity", When::Always),
    ("bridge_insecure", When::Always),
    ("bridge_keyfile", When::Always),
    ("bridge_max_packet_size", When::Always),
    ("bridge_outgoing_retain", When::Always),
    ("bridge_protocol_version", When::Always),
    ("bridge_psk", When::Always),
    ("bridge_require_ocsp", When::Always),
    ("bridge_tls_version", When::Always),
    ("cleansession", When::Always),
    ("clientid", When::Always),
    ("idle_timeout", When::Always),
    ("keepalive_interval", When::Always),
    ("local_cleansession", When::Always),
    ("local_clientid", When::Always),
    ("local_password", When::Always),
    ("local_username", When::Always),
    ("notification_topic", When::Always),
    ("notifications", When::Always),
    ("notifications_local_only", When::Always),
    ("password", When::Always),
    ("remote_clientid", When::Always),
    ("remote_password", When::Always),
    ("remote_username", When::Always),
    ("restart_timeout", When::Always),
    ("round_robin", When::Always),
    ("start_type", When::Always),
    ("threshold", When::Always),
    ("topic", When::Always),
    ("try_private", When::Always),
    ("username", When::Always),
];

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
    }
}

impl Config {
    /// Every directive in force that this broker does not implement yet, in file order.
    pub fn unsupported(&self) -> Vec<Unsupported> {
        self.directives
            .iter()
            .filter(|d| rule(&d.option).is_some_and(|when| in_force(d, when)))
            .map(|d| Unsupported {
                option: d.option.clone(),
                file: d.file.clone(),
                line: d.line,
            })
            .collect()
    }
}

#[cfg(test)]
pub(super) fn unsupported_keywords() -> impl Iterator<Item = &'static str> {
    UNSUPPORTED.iter().map(|(name, _)| *name)
}
