//! What libmosquitto lets an application say about TLS (`mosquitto_tls_set`,
//! `mosquitto_tls_opts_set`, `mosquitto_tls_insecure_set`, the TLS options). Kept in builds
//! without the `tls` feature too, where nothing turns it on, so that the layers above have one
//! shape.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// The application's password callback (libmosquitto's `pw_callback`): called with the maximum
/// password length, returns the password bytes or `None` when it has none.
pub type PasswordCallback = Arc<dyn Fn(usize) -> Option<Vec<u8>> + Send + Sync>;

/// The buffer size libmosquitto's password callback is given (OpenSSL's `PEM_BUFSIZE`); longer
/// passwords are cut to this length.
#[cfg_attr(not(feature = "tls"), allow(dead_code))]
pub(crate) const PASSWORD_MAX: usize = 1024;

/// Everything libmosquitto lets an application say about TLS.
#[derive(Clone)]
pub struct TlsSettings {
    pub cafile: Option<PathBuf>,
    pub capath: Option<PathBuf>,
    pub certfile: Option<PathBuf>,
    pub keyfile: Option<PathBuf>,
    /// Asks the application for the private key's password.
    pub password: Option<PasswordCallback>,
    /// `tls_opts_set` cert_reqs: 0 → false (the server's certificate is not checked at all).
    pub verify_peer: bool,
    /// `tls_insecure_set`: the chain is still verified, the host name is not.
    pub insecure: bool,
    pub version: TlsVersion,
    /// OpenSSL-style cipher list, see [`check_ciphers`].
    pub ciphers: Option<String>,
    /// `MOSQ_OPT_TLS_ALPN`: the one protocol name offered.
    pub alpn: Option<Vec<u8>>,
    /// `MOSQ_OPT_TLS_USE_OS_CERTS`: also trust the operating system's CA certificates.
    pub use_os_certs: bool,
    /// `MOSQ_OPT_SSL_CTX_WITH_DEFAULTS` set to 1: TLS with the library's defaults, which
    /// without a cafile or capath means the operating system's CA certificates.
    pub with_defaults: bool,
    /// The application handed over an OpenSSL `SSL_CTX` (`MOSQ_OPT_SSL_CTX`), which this library
    /// cannot use: every connection attempt fails rather than going out without TLS.
    pub foreign_context: bool,
}

impl Default for TlsSettings {
    fn default() -> Self {
        Self {
            cafile: None,
            capath: None,
            certfile: None,
            keyfile: None,
            password: None,
            verify_peer: true,
            insecure: false,
            version: TlsVersion::Tls12,
            ciphers: None,
            alpn: None,
            use_os_certs: false,
            with_defaults: false,
            foreign_context: false,
        }
    }
}

impl TlsSettings {
    /// Whether the connection uses TLS at all: when a cafile, a capath or the operating
    /// system's certificates are configured, or the application asked for TLS through an
    /// OpenSSL context option (never plain text then).
    pub fn enabled(&self) -> bool {
        self.cafile.is_some()
            || self.capath.is_some()
            || self.use_os_certs
            || self.with_defaults
            || self.foreign_context
    }

    /// Whether the operating system's CA certificates are trusted.
    #[cfg_attr(not(feature = "tls"), allow(dead_code))]
    pub(crate) fn os_certs(&self) -> bool {
        self.use_os_certs || (self.with_defaults && self.cafile.is_none() && self.capath.is_none())
    }
}

impl fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSettings")
            .field("cafile", &self.cafile)
            .field("capath", &self.capath)
            .field("certfile", &self.certfile)
            .field("keyfile", &self.keyfile)
            .field("password", &self.password.as_ref().map(|_| "<callback>"))
            .field("verify_peer", &self.verify_peer)
            .field("insecure", &self.insecure)
            .field("version", &self.version)
            .field("ciphers", &self.ciphers)
            .field("alpn", &self.alpn)
            .field("use_os_certs", &self.use_os_certs)
            .finish()
    }
}

/// The lowest TLS version offered; the highest is always 1.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsVersion {
    /// TLS 1.2 and 1.3 (libmosquitto's default, `"tlsv1.2"`, and `"tlsv1.1"`: there is no 1.1).
    #[default]
    Tls12,
    /// TLS 1.3 only (`"tlsv1.3"`).
    Tls13,
}

/// The `tls_version` argument of `mosquitto_tls_opts_set`, compared without regard to case.
pub(crate) fn parse_version(s: &str) -> Option<TlsVersion> {
    if s.eq_ignore_ascii_case("tlsv1.3") {
        Some(TlsVersion::Tls13)
    } else if s.eq_ignore_ascii_case("tlsv1.2") || s.eq_ignore_ascii_case("tlsv1.1") {
        Some(TlsVersion::Tls12)
    } else {
        None
    }
}
