//! TLS for the client connection: libmosquitto's TLS settings (`mosquitto_tls_set`,
//! `mosquitto_tls_opts_set`, `mosquitto_tls_insecure_set`, `MOSQ_OPT_TLS_ALPN`,
//! `MOSQ_OPT_TLS_USE_OS_CERTS`) turned into a rustls [`ClientConfig`], and rustls errors turned
//! into log lines.
//!
//! What is accepted:
//! - Trust anchors: every PEM `CERTIFICATE` in `cafile`; every regular file (symbolic links
//!   followed) in `capath` that holds PEM certificates, so both OpenSSL's hashed-directory layout
//!   and a plain folder of `.pem`/`.crt` files work, other files are skipped; and with
//!   `use_os_certs` the system store as found by `rustls-native-certs`.
//! - Client certificate: every PEM certificate in `certfile`, leaf first (a chain file).
//! - Client key (`keyfile`, or `certfile` when no keyfile is given): PEM PKCS#8
//!   (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`), RSA, ECDSA P-256 /
//!   P-384 or Ed25519; encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`, PBES2 with PBKDF2 or scrypt and
//!   AES-CBC or DES-EDE3-CBC); and the legacy OpenSSL encryption (`Proc-Type: 4,ENCRYPTED` with
//!   `DEK-Info` AES-128/192/256-CBC or DES-EDE3-CBC). The password comes from the application's
//!   password callback, asked for at most [`PASSWORD_MAX`] bytes.
//! - Cipher lists: see [`check_ciphers`].
//!
//! Verification: with `verify_peer` and not `insecure`, the webpki verifier checks the chain and
//! that the certificate's subject alternative names match the host (DNS name, or IP address for
//! an IP literal; a certificate's common name is not used). With `insecure` the chain is still
//! checked but a host name mismatch is accepted. Without `verify_peer` any certificate is
//! accepted, but the handshake signatures are still checked against the certificate's key.

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockCipher, BlockDecryptMut, KeyInit, KeyIvInit};
use md5::{Digest, Md5};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{
    CryptoProvider, WebPkiSupportedAlgorithms, ring, verify_tls12_signature, verify_tls13_signature,
};
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{
    CertificateDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer, ServerName,
    UnixTime,
};
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::{
    AlertDescription, CertificateError, ClientConfig, DigitallySignedStruct, InconsistentKeys,
    PeerIncompatible, RootCertStore, SignatureScheme, SupportedCipherSuite,
};
use zeroize::Zeroizing;

/// The application's password callback (libmosquitto's `pw_callback`): called with the maximum
/// password length, returns the password bytes or `None` when it has none.
pub type PasswordCallback = Arc<dyn Fn(usize) -> Option<Vec<u8>> + Send + Sync>;

/// The buffer size libmosquitto's password callback is given (OpenSSL's `PEM_BUFSIZE`); longer
/// passwords are cut to this length.
pub const PASSWORD_MAX: usize = 1024;

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
    fn os_certs(&self) -> bool {
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
pub fn parse_version(s: &str) -> Option<TlsVersion> {
    if s.eq_ignore_ascii_case("tlsv1.3") {
        Some(TlsVersion::Tls13)
    } else if s.eq_ignore_ascii_case("tlsv1.2") || s.eq_ignore_ascii_case("tlsv1.1") {
        Some(TlsVersion::Tls12)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Cipher lists

/// One cipher suite of the ring provider, with its OpenSSL and IANA names.
struct KnownSuite {
    openssl: &'static str,
    iana: &'static str,
    suite: SupportedCipherSuite,
}

impl KnownSuite {
    fn is_tls13(&self) -> bool {
        matches!(self.suite, SupportedCipherSuite::Tls13(_))
    }
}

fn known_suites() -> [KnownSuite; 9] {
    use ring::cipher_suite as cs;
    [
        KnownSuite {
            openssl: "TLS_AES_256_GCM_SHA384",
            iana: "TLS_AES_256_GCM_SHA384",
            suite: cs::TLS13_AES_256_GCM_SHA384,
        },
        KnownSuite {
            openssl: "TLS_AES_128_GCM_SHA256",
            iana: "TLS_AES_128_GCM_SHA256",
            suite: cs::TLS13_AES_128_GCM_SHA256,
        },
        KnownSuite {
            openssl: "TLS_CHACHA20_POLY1305_SHA256",
            iana: "TLS_CHACHA20_POLY1305_SHA256",
            suite: cs::TLS13_CHACHA20_POLY1305_SHA256,
        },
        KnownSuite {
            openssl: "ECDHE-ECDSA-AES256-GCM-SHA384",
            iana: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            suite: cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        },
        KnownSuite {
            openssl: "ECDHE-ECDSA-AES128-GCM-SHA256",
            iana: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            suite: cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        },
        KnownSuite {
            openssl: "ECDHE-ECDSA-CHACHA20-POLY1305",
            iana: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            suite: cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        },
        KnownSuite {
            openssl: "ECDHE-RSA-AES256-GCM-SHA384",
            iana: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            suite: cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        },
        KnownSuite {
            openssl: "ECDHE-RSA-AES128-GCM-SHA256",
            iana: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            suite: cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        },
        KnownSuite {
            openssl: "ECDHE-RSA-CHACHA20-POLY1305",
            iana: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            suite: cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        },
    ]
}

/// The TLS 1.2 suites an OpenSSL keyword stands for (all of ours use ECDHE and an AEAD).
fn keyword_matches(keyword: &str, suite: &KnownSuite) -> bool {
    if suite.is_tls13() {
        return false;
    }
    let name = suite.openssl;
    match keyword.to_ascii_uppercase().as_str() {
        "ALL" | "DEFAULT" | "HIGH" | "ECDHE" | "EECDH" | "KECDHE" | "KEECDH" | "AEAD" | "TLSV1.2" => true,
        "AECDSA" | "ECDSA" => name.contains("-ECDSA-"),
        "ARSA" => name.contains("-RSA-"),
        "AESGCM" => name.contains("-GCM-"),
        "AES" => name.contains("-AES"),
        "AES128" => name.contains("-AES128-"),
        "AES256" => name.contains("-AES256-"),
        "CHACHA20" => name.contains("-CHACHA20-"),
        _ => false,
    }
}

/// Indices into `table` of the suites one list item (without its `!`/`-`/`+` prefix) selects:
/// a suite name, a keyword, or keywords and names joined with `+` (their intersection).
fn item_matches(item: &str, table: &[KnownSuite]) -> Vec<usize> {
    (0..table.len())
        .filter(|&i| {
            let suite = &table[i];
            item.split('+').all(|part| {
                part.eq_ignore_ascii_case(suite.openssl)
                    || part.eq_ignore_ascii_case(suite.iana)
                    || keyword_matches(part, suite)
            })
        })
        .collect()
}

/// The suites a cipher list selects, in the order the list gives them, or `None` when it
/// selects no suite this library supports. See [`check_ciphers`] for the rules.
fn select_suites(list: &str) -> Option<Vec<SupportedCipherSuite>> {
    let table = known_suites();
    let mut chosen: Vec<usize> = Vec::new();
    let mut banned: HashSet<usize> = HashSet::new();
    for item in list.split([':', ',', ' ']).filter(|s| !s.is_empty()) {
        let (op, name) = match item.as_bytes()[0] {
            b'!' | b'-' | b'+' => (item.as_bytes()[0], &item[1..]),
            _ => (b'=', item),
        };
        if name.is_empty() || name.starts_with('@') {
            continue; // @STRENGTH, @SECLEVEL=n: nothing to do here.
        }
        let selected = item_matches(name, &table);
        match op {
            b'!' => {
                chosen.retain(|i| !selected.contains(i));
                banned.extend(selected);
            }
            b'-' => chosen.retain(|i| !selected.contains(i)),
            b'+' => {
                let (moved, mut kept): (Vec<usize>, Vec<usize>) =
                    chosen.iter().partition(|i| selected.contains(i));
                kept.extend(moved);
                chosen = kept;
            }
            _ => {
                for i in selected {
                    if !banned.contains(&i) && !chosen.contains(&i) {
                        chosen.push(i);
                    }
                }
            }
        }
    }
    if chosen.is_empty() {
        return None;
    }
    let names_tls13 = chosen.iter().any(|&i| table[i].is_tls13());
    let mut suites: Vec<SupportedCipherSuite> = if names_tls13 {
        chosen
            .iter()
            .filter(|&&i| table[i].is_tls13())
            .map(|&i| table[i].suite)
            .collect()
    } else {
        table.iter().filter(|s| s.is_tls13()).map(|s| s.suite).collect()
    };
    suites.extend(
        chosen
            .iter()
            .filter(|&&i| !table[i].is_tls13())
            .map(|&i| table[i].suite),
    );
    Some(suites)
}

/// Whether `mosquitto_tls_opts_set` accepts this cipher list: true when it selects at least one
/// cipher suite this library supports.
///
/// The list is split at `:`, `,` and spaces. Each item is one of
/// - an OpenSSL suite name: `ECDHE-ECDSA-AES256-GCM-SHA384`, `ECDHE-ECDSA-AES128-GCM-SHA256`,
///   `ECDHE-ECDSA-CHACHA20-POLY1305`, `ECDHE-RSA-AES256-GCM-SHA384`,
///   `ECDHE-RSA-AES128-GCM-SHA256`, `ECDHE-RSA-CHACHA20-POLY1305` (TLS 1.2) and
///   `TLS_AES_256_GCM_SHA384`, `TLS_AES_128_GCM_SHA256`, `TLS_CHACHA20_POLY1305_SHA256`
///   (TLS 1.3), or the IANA name of one of those (`TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`);
/// - a keyword for a group of the TLS 1.2 suites: `ALL`, `DEFAULT`, `HIGH`, `ECDHE`, `EECDH`,
///   `kECDHE`, `kEECDH`, `AEAD`, `TLSv1.2` (all six), `aECDSA`/`ECDSA`, `aRSA`, `AESGCM`, `AES`,
///   `AES128`, `AES256`, `CHACHA20`;
/// - names and keywords joined with `+`, selecting the suites that match all of them
///   (`ECDHE+AESGCM`).
///
/// A plain item adds its suites; `!item` removes them for good, `-item` removes them (a later
/// item may add them back), `+item` moves them to the end; `@STRENGTH` and `@SECLEVEL=n` are
/// ignored, and so is any other name (it selects nothing: `!aNULL`, `!MD5`, `RC4`, ...), as
/// OpenSSL does. Matching ignores case. The order of the list is the order of preference.
///
/// As with OpenSSL, a list that names no TLS 1.3 suite leaves all TLS 1.3 suites enabled;
/// naming TLS 1.3 suites restricts TLS 1.3 to those. The TLS 1.2 suites are exactly those
/// selected (none, if the list names only TLS 1.3 suites).
pub fn check_ciphers(list: &str) -> bool {
    select_suites(list).is_some()
}

// ---------------------------------------------------------------------------------------------
// Errors while building the configuration

/// Why the client key could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The file could not be read.
    Unreadable(String),
    /// No private key in the file.
    NoKey,
    /// The file or the key in it is malformed.
    Malformed(String),
    /// The key type is not supported.
    Unsupported(String),
    /// The key is encrypted and the application gave no password.
    PasswordRequired,
    /// The key is encrypted and the password is wrong.
    WrongPassword,
    /// The key is encrypted with an algorithm this library does not support.
    UnsupportedEncryption(String),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreadable(e) => write!(f, "cannot read the file: {e}"),
            Self::NoKey => f.write_str("no PEM private key found in the file"),
            Self::Malformed(e) => write!(f, "the private key is malformed: {e}"),
            Self::Unsupported(e) => write!(f, "unsupported private key: {e}"),
            Self::PasswordRequired => f.write_str("the private key is encrypted and no password was given"),
            Self::WrongPassword => f.write_str("wrong password for the encrypted private key (bad decrypt)"),
            Self::UnsupportedEncryption(e) => {
                write!(
                    f,
                    "the private key is encrypted with an unsupported algorithm: {e}"
                )
            }
        }
    }
}

/// Why a [`ClientConfig`] could not be built. `Display` gives libmosquitto's log line where it
/// has one; [`TlsSetupError::detail`] gives a second line with the reason.
#[derive(Debug)]
#[non_exhaustive]
pub enum TlsSetupError {
    CaFile {
        path: PathBuf,
        reason: String,
    },
    CaPath {
        path: PathBuf,
        reason: String,
    },
    /// The operating system's store gave no usable certificate (and nothing else was given).
    OsCerts {
        reason: String,
    },
    /// Verification is on and there is no trust anchor at all.
    NoTrustAnchors,
    CertFile {
        path: PathBuf,
        reason: String,
    },
    KeyFile {
        path: PathBuf,
        reason: KeyError,
    },
    /// The private key does not belong to the client certificate.
    KeyMismatch,
    /// The cipher list selects no supported suite.
    Ciphers {
        list: String,
    },
    /// The host is neither a valid DNS name nor an IP address.
    ServerName {
        host: String,
    },
    /// rustls refused the configuration.
    Context {
        reason: String,
    },
    /// The application set an OpenSSL context (`MOSQ_OPT_SSL_CTX`).
    ForeignContext,
}

impl TlsSetupError {
    /// A second log line saying why, when there is more to say than [`fmt::Display`] does.
    pub fn detail(&self) -> Option<String> {
        match self {
            Self::CaFile { reason, .. }
            | Self::CaPath { reason, .. }
            | Self::OsCerts { reason }
            | Self::CertFile { reason, .. }
            | Self::Context { reason } => Some(format!("Error: {reason}.")),
            Self::KeyFile { reason, .. } => Some(format!("Error: {reason}.")),
            Self::NoTrustAnchors
            | Self::KeyMismatch
            | Self::Ciphers { .. }
            | Self::ServerName { .. }
            | Self::ForeignContext => None,
        }
    }

    /// The log lines to show: [`fmt::Display`], then [`Self::detail`] if any.
    pub fn log_lines(&self) -> Vec<String> {
        let mut lines = vec![self.to_string()];
        lines.extend(self.detail());
        lines
    }
}

impl fmt::Display for TlsSetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CaFile { path, .. } => write!(
                f,
                "Error: Unable to load CA certificates, check cafile \"{}\".",
                path.display()
            ),
            Self::CaPath { path, .. } => write!(
                f,
                "Error: Unable to load CA certificates, check capath \"{}\".",
                path.display()
            ),
            Self::OsCerts { .. } => {
                f.write_str("Error: Unable to load the operating system's CA certificates.")
            }
            Self::NoTrustAnchors => f.write_str(
                "Error: No CA certificates to verify the server with: set a cafile or capath, \
                 or use the operating system's certificates.",
            ),
            Self::CertFile { path, .. } => {
                write!(
                    f,
                    "Error: Unable to load client certificate \"{}\".",
                    path.display()
                )
            }
            Self::KeyFile { path, .. } => {
                write!(f, "Error: Unable to load client key file \"{}\".", path.display())
            }
            Self::KeyMismatch => f.write_str("Error: Client certificate/key are inconsistent."),
            Self::Ciphers { list } => {
                write!(
                    f,
                    "Error: Unable to set TLS ciphers. Check cipher list \"{list}\"."
                )
            }
            Self::ServerName { host } => {
                write!(
                    f,
                    "Error: \"{host}\" is not a valid host name or address for TLS."
                )
            }
            Self::Context { .. } => f.write_str("Error: Unable to create TLS context."),
            Self::ForeignContext => f.write_str(
                "Error: MOSQ_OPT_SSL_CTX was set, but this library has no OpenSSL and cannot \
                 use an SSL_CTX; not connecting (use mosquitto_tls_set instead).",
            ),
        }
    }
}

impl std::error::Error for TlsSetupError {}

// ---------------------------------------------------------------------------------------------
// Building the configuration

/// The rustls configuration for these settings. Reads the CA, certificate and key files (and
/// asks for the key's password) now, as libmosquitto does when it connects.
pub fn client_config(settings: &TlsSettings) -> Result<Arc<ClientConfig>, TlsSetupError> {
    if settings.foreign_context {
        return Err(TlsSetupError::ForeignContext);
    }
    let mut provider = ring::default_provider();
    if let Some(list) = &settings.ciphers {
        provider.cipher_suites =
            select_suites(list).ok_or_else(|| TlsSetupError::Ciphers { list: list.clone() })?;
    }
    let provider = Arc::new(provider);

    let roots = load_roots(settings)?;
    let verifier: Arc<dyn ServerCertVerifier> = if settings.verify_peer {
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| TlsSetupError::Context {
                reason: e.to_string(),
            })?;
        if settings.insecure {
            Arc::new(SkipHostName(webpki))
        } else {
            Arc::new(CommonNameFallback(webpki))
        }
    } else {
        Arc::new(AcceptAnyCertificate(provider.signature_verification_algorithms))
    };

    let versions: &[&'static rustls::SupportedProtocolVersion] = match settings.version {
        TlsVersion::Tls12 => &[&rustls::version::TLS12, &rustls::version::TLS13],
        TlsVersion::Tls13 => &[&rustls::version::TLS13],
    };
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .map_err(|e| match &settings.ciphers {
            Some(list) => TlsSetupError::Ciphers { list: list.clone() },
            None => TlsSetupError::Context {
                reason: e.to_string(),
            },
        })?
        .dangerous()
        .with_custom_certificate_verifier(verifier);

    let mut config = match client_identity(settings, &provider)? {
        Some(key) => builder.with_client_cert_resolver(Arc::new(SingleCertAndKey::from(key))),
        None => builder.with_no_client_auth(),
    };
    if let Some(alpn) = settings.alpn.as_ref().filter(|a| !a.is_empty()) {
        config.alpn_protocols = vec![alpn.clone()];
    }
    Ok(Arc::new(config))
}

/// The name the server's certificate is checked against (and sent as SNI unless it is an IP
/// address): a DNS name or an IPv4/IPv6 literal (IPv6 may be in brackets).
pub fn server_name(host: &str) -> Result<ServerName<'static>, TlsSetupError> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    ServerName::try_from(bare.to_owned()).map_err(|_| TlsSetupError::ServerName {
        host: host.to_owned(),
    })
}

fn read_pem_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let data = fs::read(path).map_err(|e| format!("cannot read the file: {e}"))?;
    CertificateDer::pem_slice_iter(&data)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("malformed PEM: {}", pem_error(&e)))
}

fn pem_error(e: &pem::Error) -> String {
    match e {
        pem::Error::MissingSectionEnd { .. } => "a PEM section has no end line".into(),
        pem::Error::IllegalSectionStart { .. } => "a PEM section has a malformed start line".into(),
        pem::Error::Base64Decode(_) => "bad base64 data".into(),
        pem::Error::NoItemsFound => "nothing found".into(),
        other => format!("{other:?}"),
    }
}

/// Adds the certificates not seen yet that webpki accepts as trust anchors; returns how many.
fn add_roots(
    roots: &mut RootCertStore,
    seen: &mut HashSet<Vec<u8>>,
    certs: Vec<CertificateDer<'static>>,
) -> usize {
    let mut added = 0;
    for cert in certs {
        if seen.contains(cert.as_ref()) {
            continue;
        }
        let bytes = cert.as_ref().to_vec();
        if roots.add(cert).is_ok() {
            seen.insert(bytes);
            added += 1;
        }
    }
    added
}

fn load_roots(settings: &TlsSettings) -> Result<RootCertStore, TlsSetupError> {
    let mut roots = RootCertStore::empty();
    let mut seen = HashSet::new();

    if let Some(path) = &settings.cafile {
        let ca_err = |reason: String| TlsSetupError::CaFile {
            path: path.clone(),
            reason,
        };
        let certs = read_pem_certs(path).map_err(ca_err)?;
        if certs.is_empty() {
            return Err(ca_err("no PEM certificate in the file".into()));
        }
        let count = certs.len();
        if add_roots(&mut roots, &mut seen, certs) == 0 {
            return Err(ca_err(format!(
                "none of the {count} certificate(s) could be used"
            )));
        }
    }

    // As with OpenSSL, whose directory lookups happen during verification, a capath problem
    // only matters when it leaves nothing to verify with.
    let mut capath_problem = None;
    if let Some(path) = &settings.capath {
        capath_problem = Some(match fs::read_dir(path) {
            Err(e) => format!("cannot read the directory: {e}"),
            Ok(entries) => {
                let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                files.sort();
                let mut found = 0;
                for file in files {
                    if !fs::metadata(&file).is_ok_and(|m| m.is_file()) {
                        continue;
                    }
                    if let Ok(certs) = read_pem_certs(&file) {
                        found += certs.len();
                        add_roots(&mut roots, &mut seen, certs);
                    }
                }
                if found == 0 {
                    "no PEM certificate in the directory".to_owned()
                } else {
                    "none of the certificates in the directory could be used".to_owned()
                }
            }
        });
    }

    let mut os_problem = None;
    if settings.os_certs() {
        let found = rustls_native_certs::load_native_certs();
        if found.certs.is_empty() {
            os_problem = Some(match found.errors.first() {
                Some(e) => e.to_string(),
                None => "no certificates found".to_owned(),
            });
        }
        add_roots(&mut roots, &mut seen, found.certs);
    }

    if settings.verify_peer && roots.is_empty() {
        if let (Some(path), Some(reason)) = (&settings.capath, capath_problem) {
            return Err(TlsSetupError::CaPath {
                path: path.clone(),
                reason,
            });
        }
        if let Some(reason) = os_problem {
            return Err(TlsSetupError::OsCerts { reason });
        }
        return Err(TlsSetupError::NoTrustAnchors);
    }
    Ok(roots)
}

/// The client certificate chain and key, checked against each other, if one is configured.
fn client_identity(
    settings: &TlsSettings,
    provider: &CryptoProvider,
) -> Result<Option<CertifiedKey>, TlsSetupError> {
    let Some(certfile) = &settings.certfile else {
        return Ok(None);
    };
    let cert_err = |reason: String| TlsSetupError::CertFile {
        path: certfile.clone(),
        reason,
    };
    let chain = read_pem_certs(certfile).map_err(cert_err)?;
    if chain.is_empty() {
        return Err(cert_err("no PEM certificate in the file".into()));
    }

    let keyfile = settings.keyfile.as_ref().unwrap_or(certfile);
    let key_err = |reason: KeyError| TlsSetupError::KeyFile {
        path: keyfile.clone(),
        reason,
    };
    let key_der = load_key(keyfile, settings.password.as_ref()).map_err(key_err)?;
    let signing_key = provider
        .key_provider
        .load_private_key(key_der)
        .map_err(|e| key_err(KeyError::Unsupported(e.to_string())))?;

    let key = CertifiedKey::new(chain, signing_key);
    match key.keys_match() {
        Err(rustls::Error::InconsistentKeys(InconsistentKeys::KeyMismatch)) => {
            Err(TlsSetupError::KeyMismatch)
        }
        // Anything else, including a certificate the checker cannot parse (an X.509 v1
        // certificate, say), is for the server to judge, as OpenSSL leaves it.
        _ => Ok(Some(key)),
    }
}

// ---------------------------------------------------------------------------------------------
// Private keys

/// One PEM block, with its RFC 1421 header lines (as used by OpenSSL's legacy encryption).
struct PemBlock<'a> {
    label: &'a [u8],
    headers: Vec<(&'a [u8], &'a [u8])>,
    base64: Vec<u8>,
}

impl PemBlock<'_> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| *v)
    }
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

fn pem_blocks(data: &[u8]) -> Vec<PemBlock<'_>> {
    let mut blocks = Vec::new();
    let mut current: Option<PemBlock<'_>> = None;
    for line in data.split(|&b| b == b'\n').map(trim_ascii) {
        if let Some(rest) = line.strip_prefix(b"-----BEGIN ") {
            current = rest.strip_suffix(b"-----").map(|label| PemBlock {
                label,
                headers: Vec::new(),
                base64: Vec::new(),
            });
        } else if let Some(rest) = line.strip_prefix(b"-----END ") {
            if let Some(block) = current.take()
                && rest.strip_suffix(b"-----") == Some(block.label)
            {
                blocks.push(block);
            }
        } else if let Some(block) = current.as_mut() {
            let colon = line.iter().position(|&b| b == b':');
            match colon {
                Some(at) if block.base64.is_empty() => {
                    block
                        .headers
                        .push((trim_ascii(&line[..at]), trim_ascii(&line[at + 1..])));
                }
                _ => block.base64.extend_from_slice(line),
            }
        }
    }
    blocks
}

fn hex_decode(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    text.chunks(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}

/// Whether `der` is exactly one DER SEQUENCE: what a correctly decrypted key looks like.
fn is_der_sequence(der: &[u8]) -> bool {
    let (Some(&0x30), Some(&first)) = (der.first(), der.get(1)) else {
        return false;
    };
    let (len, header) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return false;
        }
        let Some(bytes) = der.get(2..2 + n) else {
            return false;
        };
        (
            bytes.iter().fold(0usize, |acc, &b| (acc << 8) | b as usize),
            2 + n,
        )
    };
    header + len == der.len()
}

fn ask_password(callback: Option<&PasswordCallback>) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let callback = callback.ok_or(KeyError::PasswordRequired)?;
    let mut password = Zeroizing::new(callback(PASSWORD_MAX).ok_or(KeyError::PasswordRequired)?);
    password.truncate(PASSWORD_MAX);
    Ok(password)
}

/// Reads the first private key in `path`, decrypting it if needed.
fn load_key(path: &Path, password: Option<&PasswordCallback>) -> Result<PrivateKeyDer<'static>, KeyError> {
    let data = Zeroizing::new(fs::read(path).map_err(|e| KeyError::Unreadable(e.to_string()))?);
    for block in pem_blocks(&data) {
        match block.label {
            b"ENCRYPTED PRIVATE KEY" => {
                return decrypt_pkcs8(&block, password);
            }
            b"RSA PRIVATE KEY" | b"EC PRIVATE KEY" | b"PRIVATE KEY"
                if block
                    .header("Proc-Type")
                    .is_some_and(|v| v.ends_with(b"ENCRYPTED")) =>
            {
                return decrypt_legacy(&block, password);
            }
            _ => {}
        }
    }
    match PrivateKeyDer::from_pem_slice(&data) {
        Ok(key) => Ok(key),
        Err(pem::Error::NoItemsFound) => Err(KeyError::NoKey),
        Err(e) => Err(KeyError::Malformed(pem_error(&e))),
    }
}

fn decrypt_pkcs8(
    block: &PemBlock<'_>,
    password: Option<&PasswordCallback>,
) -> Result<PrivateKeyDer<'static>, KeyError> {
    use pkcs8::pkcs5;
    let der = crate::base64::decode(&block.base64).ok_or_else(|| KeyError::Malformed("bad base64".into()))?;
    let info = pkcs8::EncryptedPrivateKeyInfo::try_from(der.as_slice())
        .map_err(|e| KeyError::Malformed(e.to_string()))?;
    let password = ask_password(password)?;
    match info.decrypt(password.as_slice()) {
        Ok(doc) => Ok(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            doc.as_bytes().to_vec(),
        ))),
        // pkcs5 0.7 reports bad padding after decryption as `EncryptFailed`.
        Err(pkcs8::Error::EncryptedPrivateKey(pkcs5::Error::DecryptFailed | pkcs5::Error::EncryptFailed))
        | Err(pkcs8::Error::Asn1(_)) => Err(KeyError::WrongPassword),
        Err(pkcs8::Error::EncryptedPrivateKey(e)) => Err(KeyError::UnsupportedEncryption(e.to_string())),
        Err(e) => Err(KeyError::Malformed(e.to_string())),
    }
}

/// OpenSSL's `EVP_BytesToKey` with MD5 and one iteration, as its legacy PEM encryption uses.
fn legacy_key(password: &[u8], salt: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(Vec::with_capacity(len + 16));
    let mut prev: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::new());
    while key.len() < len {
        let mut md5 = Md5::new();
        md5.update(prev.as_slice());
        md5.update(password);
        md5.update(salt);
        *prev = md5.finalize().to_vec();
        key.extend_from_slice(&prev);
    }
    key.truncate(len);
    key
}

/// CBC decryption with PKCS#7 padding in place; the plaintext length, or `None` on bad padding.
fn cbc_decrypt<C>(key: &[u8], iv: &[u8], buf: &mut [u8]) -> Option<usize>
where
    C: BlockCipher + BlockDecryptMut + KeyInit,
{
    let decryptor = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    decryptor
        .decrypt_padded_mut::<Pkcs7>(buf)
        .ok()
        .map(|plain| plain.len())
}

fn decrypt_legacy(
    block: &PemBlock<'_>,
    password: Option<&PasswordCallback>,
) -> Result<PrivateKeyDer<'static>, KeyError> {
    let dek = block
        .header("DEK-Info")
        .ok_or_else(|| KeyError::Malformed("encrypted key without DEK-Info".into()))?;
    let comma = dek
        .iter()
        .position(|&b| b == b',')
        .ok_or_else(|| KeyError::Malformed("bad DEK-Info".into()))?;
    let algorithm = String::from_utf8_lossy(trim_ascii(&dek[..comma])).to_ascii_uppercase();
    let iv = hex_decode(trim_ascii(&dek[comma + 1..]))
        .ok_or_else(|| KeyError::Malformed("bad DEK-Info".into()))?;
    let (key_len, iv_len) = match algorithm.as_str() {
        "AES-128-CBC" => (16, 16),
        "AES-192-CBC" => (24, 16),
        "AES-256-CBC" => (32, 16),
        "DES-EDE3-CBC" => (24, 8),
        _ => return Err(KeyError::UnsupportedEncryption(algorithm)),
    };
    if iv.len() != iv_len {
        return Err(KeyError::Malformed("bad DEK-Info".into()));
    }
    let mut buf = Zeroizing::new(
        crate::base64::decode(&block.base64).ok_or_else(|| KeyError::Malformed("bad base64".into()))?,
    );
    let password = ask_password(password)?;
    let key = legacy_key(&password, &iv[..8], key_len);
    let plain_len = match key_len {
        16 => cbc_decrypt::<aes::Aes128>(&key, &iv, &mut buf),
        32 => cbc_decrypt::<aes::Aes256>(&key, &iv, &mut buf),
        _ if iv_len == 16 => cbc_decrypt::<aes::Aes192>(&key, &iv, &mut buf),
        _ => cbc_decrypt::<des::TdesEde3>(&key, &iv, &mut buf),
    };
    let plain = match plain_len {
        Some(len) if is_der_sequence(&buf[..len]) => buf[..len].to_vec(),
        _ => return Err(KeyError::WrongPassword),
    };
    Ok(match block.label {
        b"RSA PRIVATE KEY" => PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(plain)),
        b"EC PRIVATE KEY" => PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(plain)),
        _ => PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(plain)),
    })
}

// ---------------------------------------------------------------------------------------------
// Verifiers

/// `tls_insecure_set(true)`: the webpki verifier, except that a certificate not issued for the
/// host name (or IP address) is accepted. Everything else (chain, dates, signatures) is checked.
#[derive(Debug)]
struct SkipHostName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for SkipHostName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // webpki checks the chain before the name, so a name error means the chain is good.
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }

    fn root_hint_subjects(&self) -> Option<&[rustls::DistinguishedName]> {
        self.0.root_hint_subjects()
    }
}

/// The host-name check OpenSSL-based libmosquitto makes: the webpki verifier checks the chain
/// and the subject alternative names; a certificate without any DNS name among them is also
/// accepted when a common name of its subject names the host (also as a `*.` wildcard of the
/// left-most label). IP addresses are checked against the IP addresses of the certificate only.
#[derive(Debug)]
struct CommonNameFallback(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for CommonNameFallback {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let result = self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now);
        // webpki checks the chain before the name, so a name error means the chain is good.
        if let (
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )),
            ServerName::DnsName(host),
        ) = (&result, server_name)
        {
            let names = super::x509::names(end_entity.as_ref()).unwrap_or_default();
            if names.dns.is_empty()
                && names
                    .common_names
                    .iter()
                    .any(|cn| super::x509::name_matches(cn, host.as_ref()))
            {
                return Ok(ServerCertVerified::assertion());
            }
        }
        result
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }

    fn root_hint_subjects(&self) -> Option<&[rustls::DistinguishedName]> {
        self.0.root_hint_subjects()
    }
}

/// cert_reqs 0: any certificate is accepted, but the server must still prove it holds the
/// certificate's key (the handshake signatures are verified).
#[derive(Debug)]
struct AcceptAnyCertificate(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

// ---------------------------------------------------------------------------------------------
// Handshake errors

/// What kind of failure a handshake error is (both are reported with libmosquitto's TLS codes;
/// the distinction words the log line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The server's certificate failed our verification.
    Tls,
    /// Any other handshake failure, including the server rejecting us.
    Handshake,
}

/// The log line for a failed handshake and its class.
pub fn describe_error(e: &rustls::Error) -> (String, ErrorClass) {
    use rustls::Error as E;
    let verify = |reason: &str| {
        (
            format!("Error: certificate verify failed: {reason}."),
            ErrorClass::Tls,
        )
    };
    let handshake = |reason: &str| {
        (
            format!("Error: TLS handshake failed: {reason}."),
            ErrorClass::Handshake,
        )
    };
    match e {
        E::InvalidCertificate(ce) => match ce {
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => (
                "Error: host name verification failed.".to_owned(),
                ErrorClass::Tls,
            ),
            other => verify(&certificate_reason(other)),
        },
        E::NoCertificatesPresented => verify("the server sent no certificate"),
        E::UnsupportedNameType => verify("the server name is of a type that cannot be verified"),
        E::InvalidCertRevocationList(r) => verify(&format!("invalid revocation list ({r:?})")),
        E::AlertReceived(alert) => handshake(&alert_reason(*alert)),
        E::PeerIncompatible(p) => handshake(&match p {
            PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig
            | PeerIncompatible::SupportedVersionsExtensionRequired => {
                "protocol version mismatch: the server chose a TLS version that is not enabled".to_owned()
            }
            PeerIncompatible::NoCipherSuitesInCommon => {
                "no cipher suite in common with the server".to_owned()
            }
            PeerIncompatible::NoKxGroupsInCommon => {
                "no key exchange group in common with the server".to_owned()
            }
            PeerIncompatible::NoSignatureSchemesInCommon
            | PeerIncompatible::NoCertificateRequestSignatureSchemesInCommon => {
                "no signature scheme in common with the server".to_owned()
            }
            other => format!("the server is incompatible ({other:?})"),
        }),
        E::InvalidMessage(rustls::InvalidMessage::InvalidContentType)
        | E::InvalidMessage(rustls::InvalidMessage::UnknownProtocolVersion) => {
            handshake("the server did not answer with TLS (is this a TLS port?)")
        }
        E::InvalidMessage(m) => handshake(&format!("the server sent an invalid message ({m:?})")),
        E::PeerMisbehaved(m) => handshake(&format!("the server broke the TLS protocol ({m:?})")),
        E::NoApplicationProtocol => {
            handshake("the server did not accept the ALPN protocol (no application protocol)")
        }
        E::DecryptError => handshake("decrypt error"),
        E::FailedToGetCurrentTime => handshake("cannot read the current time"),
        other => handshake(&other.to_string()),
    }
}

fn certificate_reason(e: &CertificateError) -> String {
    match e {
        CertificateError::UnknownIssuer => "unknown CA (the server's certificate is not signed \
                                            by a trusted CA, or it is self-signed)"
            .to_owned(),
        CertificateError::Expired => "certificate has expired".to_owned(),
        CertificateError::ExpiredContext { not_after, .. } => {
            format!(
                "certificate has expired (valid until {})",
                format_time(*not_after)
            )
        }
        CertificateError::NotValidYet => "certificate is not yet valid".to_owned(),
        CertificateError::NotValidYetContext { not_before, .. } => {
            format!(
                "certificate is not yet valid (valid from {})",
                format_time(*not_before)
            )
        }
        CertificateError::Revoked => "certificate revoked".to_owned(),
        CertificateError::BadSignature => "certificate signature failure".to_owned(),
        CertificateError::BadEncoding => "the server's certificate is malformed".to_owned(),
        CertificateError::UnsupportedSignatureAlgorithmContext { .. }
        | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            "the certificate is signed with an unsupported algorithm".to_owned()
        }
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "unsupported certificate purpose (not a TLS server certificate)".to_owned()
        }
        CertificateError::UnhandledCriticalExtension => {
            "the certificate has an unhandled critical extension".to_owned()
        }
        CertificateError::UnknownRevocationStatus => {
            "the certificate's revocation status is unknown".to_owned()
        }
        CertificateError::ExpiredRevocationList | CertificateError::ExpiredRevocationListContext { .. } => {
            "the revocation list has expired".to_owned()
        }
        CertificateError::InvalidOcspResponse => "invalid OCSP response".to_owned(),
        other => format!("{other:?}"),
    }
}

/// A TLS alert's name as the RFCs write it ("handshake failure"), from its Rust name.
fn alert_name(alert: AlertDescription) -> String {
    let mut out = String::new();
    let mut after_lower = false;
    for c in format!("{alert:?}").chars() {
        if c.is_ascii_uppercase() {
            if after_lower {
                out.push(' ');
            }
            out.push(c.to_ascii_lowercase());
            after_lower = false;
        } else {
            out.push(c);
            after_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

fn alert_reason(alert: AlertDescription) -> String {
    use AlertDescription as A;
    let what = match alert {
        A::CertificateRequired => "the server requires a client certificate",
        A::HandshakeFailure => {
            "the server refused the handshake (no cipher suite in common, or it requires a \
             client certificate)"
        }
        A::ProtocolVersion => {
            "protocol version mismatch: the server does not support the TLS versions offered"
        }
        A::BadCertificate
        | A::UnsupportedCertificate
        | A::CertificateRevoked
        | A::CertificateExpired
        | A::CertificateUnknown
        | A::UnknownCA
        | A::AccessDenied => "the server rejected the client certificate",
        A::InsufficientSecurity => "the server requires stronger cipher suites",
        A::NoApplicationProtocol => "the server does not support the ALPN protocol offered",
        A::UnrecognisedName => "the server does not know the host name sent (SNI)",
        A::DecryptError | A::BadRecordMac => "the server could not decrypt or verify our data",
        _ => "the server sent an alert",
    };
    format!("{what} (alert \"{}\", {})", alert_name(alert), u8::from(alert))
}

/// A certificate time as `YYYY-MM-DD hh:mm:ss UTC`.
fn format_time(t: UnixTime) -> String {
    let secs = t.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (proleptic Gregorian calendar).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::io::{Read, Write};
    use std::process::Command;
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use rustls::server::WebPkiClientVerifier;
    use rustls::{ClientConnection, ServerConfig, ServerConnection};

    /// A directory that is removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> Self {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir().join(format!("mosq-tls-{}-{tag}-{n}", std::process::id()));
            fs::create_dir_all(&path).unwrap();
            Self(path)
        }

        fn path(&self, name: &str) -> PathBuf {
            self.0.join(name)
        }

        /// Writes fixture file `name` into the directory and returns its path.
        fn put(&self, name: &str) -> PathBuf {
            self.put_bytes(name, &fixture()[name])
        }

        fn put_bytes(&self, name: &str, data: &[u8]) -> PathBuf {
            let path = self.path(name);
            fs::write(&path, data).unwrap();
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    const OPENSSL_CNF: &str = "\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
[wrongname]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example, IP:10.9.9.9
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
[cnonly]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
[iponly]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
[ca]
default_ca = ca_sect
[ca_sect]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy
unique_subject = no
[policy]
commonName = supplied
";

    /// Runs the openssl tool in `dir` with the space-separated `args`.
    fn openssl(dir: &Path, args: &str) {
        let args: Vec<&str> = args.split_whitespace().collect();
        let out = Command::new("openssl")
            .args(&args)
            .current_dir(dir)
            .output()
            .expect("the openssl command-line tool is needed for these tests");
        assert!(
            out.status.success(),
            "openssl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    const FIXTURE_FILES: &[&str] = &[
        "ca.crt",
        "other-ca.crt",
        "server.key",
        "server-rsa.key",
        "server.crt",
        "server-rsa.crt",
        "expired.crt",
        "notyet.crt",
        "wrongname.crt",
        "other.crt",
        "client.key",
        "client.crt",
        "client-ec.key",
        "client-ec.crt",
        "client-pkcs1.key",
        "client-sec1.key",
        "client-enc.key",
        "client-enc-des3.key",
        "client-enc-scrypt.key",
        "client-legacy.key",
        "client-legacy-des3.key",
        "client-ec-legacy.key",
        "cn-localhost.crt",
        "cn-wildcard.crt",
        "cn-ip.crt",
        "cn-with-ip-san.crt",
        "cn-with-dns-san.crt",
    ];

    /// Certificates and keys made once per test run with the openssl tool, kept in memory (the
    /// files are deleted at once).
    fn fixture() -> &'static HashMap<&'static str, Vec<u8>> {
        static FIXTURE: OnceLock<HashMap<&'static str, Vec<u8>>> = OnceLock::new();
        FIXTURE.get_or_init(|| {
            let tmp = TempDir::new("fixture");
            let d = tmp.0.as_path();
            fs::write(d.join("cnf"), OPENSSL_CNF).unwrap();
            fs::write(d.join("index.txt"), "").unwrap();
            fs::write(d.join("serial"), "1000\n").unwrap();
            let ec = "-pkeyopt ec_paramgen_curve:P-256";
            let rsa = "-pkeyopt rsa_keygen_bits:2048";
            for name in ["ca", "other-ca"] {
                openssl(d, &format!("genpkey -algorithm EC {ec} -out {name}.key"));
                openssl(
                    d,
                    &format!(
                        "req -x509 -config cnf -extensions v3_ca -key {name}.key -days 3650 \
                         -subj /CN={name} -out {name}.crt"
                    ),
                );
            }
            openssl(d, &format!("genpkey -algorithm EC {ec} -out server.key"));
            openssl(d, &format!("genpkey -algorithm RSA {rsa} -out server-rsa.key"));
            openssl(d, &format!("genpkey -algorithm RSA {rsa} -out client.key"));
            openssl(d, &format!("genpkey -algorithm EC {ec} -out client-ec.key"));
            let (always, expired, later) = (
                "20200101000000Z 20991231000000Z",
                "20200101000000Z 20200201000000Z",
                "20900101000000Z 20991231000000Z",
            );
            // certificate, key, common name, extensions, issuer, validity
            let leaves = [
                ("server", "server", "localhost", "server", "ca", always),
                ("server-rsa", "server-rsa", "localhost", "server", "ca", always),
                ("expired", "server", "localhost", "server", "ca", expired),
                ("notyet", "server", "localhost", "server", "ca", later),
                ("wrongname", "server", "wrong.example", "wrongname", "ca", always),
                ("other", "server", "localhost", "server", "other-ca", always),
                ("client", "client", "client", "client", "ca", always),
                ("client-ec", "client-ec", "client-ec", "client", "ca", always),
                // Names in the common name only (and in IP or other DNS SANs).
                ("cn-localhost", "server", "localhost", "cnonly", "ca", always),
                ("cn-wildcard", "server", "*.example.test", "cnonly", "ca", always),
                ("cn-ip", "server", "127.0.0.1", "cnonly", "ca", always),
                ("cn-with-ip-san", "server", "localhost", "iponly", "ca", always),
                (
                    "cn-with-dns-san",
                    "server",
                    "localhost",
                    "wrongname",
                    "ca",
                    always,
                ),
            ];
            for (crt, key, cn, ext, ca, validity) in leaves {
                let (start, end) = validity.split_once(' ').unwrap();
                openssl(
                    d,
                    &format!("req -new -config cnf -key {key}.key -subj /CN={cn} -out {crt}.csr"),
                );
                openssl(
                    d,
                    &format!(
                        "ca -batch -config cnf -extfile cnf -extensions {ext} -notext \
                         -cert {ca}.crt -keyfile {ca}.key -in {crt}.csr -out {crt}.crt \
                         -startdate {start} -enddate {end}"
                    ),
                );
            }
            // Other formats and encryptions of the client keys.
            let pass = "-passout pass:secret";
            let topk8 = "pkcs8 -topk8 -in client.key";
            openssl(d, "rsa -in client.key -traditional -out client-pkcs1.key");
            openssl(d, "ec -in client-ec.key -out client-sec1.key");
            openssl(d, &format!("{topk8} -v2 aes256 {pass} -out client-enc.key"));
            openssl(
                d,
                &format!("{topk8} -v2 des3 -v2prf hmacWithSHA1 {pass} -out client-enc-des3.key"),
            );
            openssl(d, &format!("{topk8} -scrypt {pass} -out client-enc-scrypt.key"));
            let rsa_legacy = "rsa -in client.key -traditional";
            openssl(d, &format!("{rsa_legacy} -aes256 {pass} -out client-legacy.key"));
            openssl(
                d,
                &format!("{rsa_legacy} -des3 {pass} -out client-legacy-des3.key"),
            );
            openssl(
                d,
                &format!("ec -in client-ec.key -aes128 {pass} -out client-ec-legacy.key"),
            );
            FIXTURE_FILES
                .iter()
                .map(|&n| (n, fs::read(d.join(n)).unwrap()))
                .collect()
        })
    }

    fn password(pw: &'static str) -> Option<PasswordCallback> {
        Some(Arc::new(move |max| {
            assert_eq!(max, PASSWORD_MAX);
            Some(pw.as_bytes().to_vec())
        }))
    }

    fn with_ca(dir: &TempDir) -> TlsSettings {
        TlsSettings {
            cafile: Some(dir.put("ca.crt")),
            ..TlsSettings::default()
        }
    }

    fn with_client(dir: &TempDir, cert: &str, key: &str) -> TlsSettings {
        TlsSettings {
            certfile: Some(dir.put(cert)),
            keyfile: Some(dir.put(key)),
            ..with_ca(dir)
        }
    }

    fn setup_error(settings: &TlsSettings) -> TlsSetupError {
        client_config(settings).expect_err("the configuration should be refused")
    }

    fn key_error(settings: &TlsSettings) -> KeyError {
        match setup_error(settings) {
            TlsSetupError::KeyFile { reason, .. } => reason,
            other => panic!("expected a key file error, got {other:?}"),
        }
    }

    static TLS12_ONLY: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS12];
    static TLS13_ONLY: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13];

    // --- the test server ---------------------------------------------------------------------

    struct Server {
        cert: &'static str,
        key: &'static str,
        versions: &'static [&'static rustls::SupportedProtocolVersion],
        client_ca: bool,
        alpn: Vec<Vec<u8>>,
    }

    impl Default for Server {
        fn default() -> Self {
            Self {
                cert: "server.crt",
                key: "server.key",
                versions: rustls::DEFAULT_VERSIONS,
                client_ca: false,
                alpn: Vec::new(),
            }
        }
    }

    impl Server {
        fn config(&self) -> Arc<ServerConfig> {
            let f = fixture();
            let mut chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&f[self.cert])
                .map(|c| c.unwrap())
                .collect();
            let ca = if self.cert == "other.crt" {
                "other-ca.crt"
            } else {
                "ca.crt"
            };
            chain.push(CertificateDer::from_pem_slice(&f[ca]).unwrap());
            let key = PrivateKeyDer::from_pem_slice(&f[self.key]).unwrap();
            let provider = Arc::new(ring::default_provider());
            let builder = ServerConfig::builder_with_provider(provider.clone())
                .with_protocol_versions(self.versions)
                .unwrap();
            let builder = if self.client_ca {
                let mut roots = RootCertStore::empty();
                roots
                    .add(CertificateDer::from_pem_slice(&f["ca.crt"]).unwrap())
                    .unwrap();
                let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                    .build()
                    .unwrap();
                builder.with_client_cert_verifier(verifier)
            } else {
                builder.with_no_client_auth()
            };
            let mut config = builder.with_single_cert(chain, key).unwrap();
            config.alpn_protocols = self.alpn.clone();
            Arc::new(config)
        }
    }

    /// Moves everything `from` wants to send into `to`; whether anything moved.
    fn transfer(
        from: &mut impl std::ops::DerefMut<Target = rustls::ConnectionCommon<impl Sized>>,
        to: &mut impl std::ops::DerefMut<Target = rustls::ConnectionCommon<impl Sized>>,
    ) -> (bool, Result<(), rustls::Error>) {
        let mut buf = Vec::new();
        while from.wants_write() {
            if from.write_tls(&mut buf).unwrap() == 0 {
                break;
            }
        }
        if buf.is_empty() {
            return (false, Ok(()));
        }
        let mut rd = buf.as_slice();
        while !rd.is_empty() {
            match to.read_tls(&mut rd) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            if let Err(e) = to.process_new_packets() {
                return (true, Err(e));
            }
        }
        (true, Ok(()))
    }

    /// A handshake in memory between a client made from `settings` for `host` and `server`,
    /// then one message each way. The client's error if it fails.
    fn connect(
        settings: &TlsSettings,
        host: &str,
        server: &Server,
    ) -> Result<ClientConnection, rustls::Error> {
        let config = client_config(settings).expect("client configuration");
        let mut client = ClientConnection::new(config, server_name(host).unwrap()).unwrap();
        let mut srv = ServerConnection::new(server.config()).unwrap();
        client.writer().write_all(b"ping").unwrap();
        let mut server_failed = false;
        for _ in 0..32 {
            let (moved_c, server_result) = transfer(&mut client, &mut srv);
            server_failed |= server_result.is_err();
            let (moved_s, client_result) = transfer(&mut srv, &mut client);
            client_result?;
            if !moved_c && !moved_s {
                break;
            }
        }
        assert!(!server_failed, "the server failed but the client saw no error");
        assert!(!client.is_handshaking() && !srv.is_handshaking());
        let mut got = [0u8; 4];
        srv.reader().read_exact(&mut got).unwrap();
        assert_eq!(&got, b"ping");
        srv.writer().write_all(b"pong").unwrap();
        transfer(&mut srv, &mut client).1?;
        client.reader().read_exact(&mut got).unwrap();
        assert_eq!(&got, b"pong");
        Ok(client)
    }

    fn connect_err(settings: &TlsSettings, host: &str, server: &Server) -> (String, ErrorClass) {
        match connect(settings, host, server) {
            Ok(_) => panic!("the handshake should fail"),
            Err(e) => describe_error(&e),
        }
    }

    // --- settings parsing --------------------------------------------------------------------

    #[test]
    fn versions() {
        assert_eq!(parse_version("tlsv1.3"), Some(TlsVersion::Tls13));
        assert_eq!(parse_version("TLSv1.3"), Some(TlsVersion::Tls13));
        assert_eq!(parse_version("tlsv1.2"), Some(TlsVersion::Tls12));
        assert_eq!(parse_version("TLSV1.1"), Some(TlsVersion::Tls12));
        assert_eq!(parse_version("tlsv1"), None);
        assert_eq!(parse_version("tlsv1.0"), None);
        assert_eq!(parse_version(""), None);
        let d = TlsSettings::default();
        assert!(d.verify_peer && !d.insecure && d.version == TlsVersion::Tls12);
        assert!(!d.enabled());
    }

    fn names(list: &str) -> Vec<String> {
        select_suites(list)
            .unwrap_or_default()
            .iter()
            .map(|s| format!("{:?}", s.suite()))
            .collect()
    }

    #[test]
    fn cipher_lists() {
        const ALL13: [&str; 3] = [
            "TLS13_AES_256_GCM_SHA384",
            "TLS13_AES_128_GCM_SHA256",
            "TLS13_CHACHA20_POLY1305_SHA256",
        ];
        let with13 =
            |rest: &[&str]| -> Vec<String> { ALL13.iter().chain(rest).map(|s| s.to_string()).collect() };
        assert_eq!(
            names("ECDHE-RSA-AES256-GCM-SHA384"),
            with13(&["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"])
        );
        // Order of the list, separators, case, IANA names.
        assert_eq!(
            names(
                "ECDHE-ECDSA-CHACHA20-POLY1305, ecdhe-rsa-aes128-gcm-sha256 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
            ),
            with13(&[
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            ])
        );
        // TLS 1.3 names restrict TLS 1.3 and, alone, leave no TLS 1.2 suite.
        assert_eq!(names("TLS_AES_128_GCM_SHA256"), ["TLS13_AES_128_GCM_SHA256"]);
        assert_eq!(
            names("TLS_CHACHA20_POLY1305_SHA256:ECDHE-RSA-CHACHA20-POLY1305"),
            [
                "TLS13_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
            ]
        );
        // Keywords, exclusions and the usual OpenSSL noise.
        assert_eq!(names("HIGH:!aNULL:!MD5").len(), 9);
        assert_eq!(names("DEFAULT").len(), 9);
        assert_eq!(names("ALL:@STRENGTH:@SECLEVEL=2").len(), 9);
        assert_eq!(
            names("HIGH:!CHACHA20:!aRSA"),
            with13(&[
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            ])
        );
        assert_eq!(
            names("ECDHE+AESGCM+aRSA"),
            with13(&[
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            ])
        );
        // `!` is final, `-` is not; `+` moves to the end.
        assert_eq!(
            names("!AES256:AES"),
            with13(&[
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            ])
        );
        assert_eq!(
            names("-AES256:AES256+aRSA"),
            with13(&["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"])
        );
        assert_eq!(
            names("AES128+aRSA:CHACHA20+aRSA:+AES128"),
            with13(&[
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            ])
        );
        // Unknown names select nothing; a list that selects nothing is refused.
        assert_eq!(names("RC4-SHA:ECDHE-RSA-AES128-GCM-SHA256").len(), 4);
        for bad in [
            "",
            "RC4-SHA",
            "AES128-SHA256:DES-CBC3-SHA",
            "PSK",
            "!ALL",
            "HIGH:!HIGH",
            "eNULL",
            "::",
        ] {
            assert!(!check_ciphers(bad), "{bad:?}");
        }
        assert!(check_ciphers("ECDHE-RSA-AES256-GCM-SHA384"));
        assert!(check_ciphers("TLS_AES_256_GCM_SHA384"));

        let dir = TempDir::new("ciphers");
        let e = setup_error(&TlsSettings {
            ciphers: Some("RC4-MD5".into()),
            ..with_ca(&dir)
        });
        assert_eq!(
            e.to_string(),
            "Error: Unable to set TLS ciphers. Check cipher list \"RC4-MD5\"."
        );
        let config = client_config(&TlsSettings {
            ciphers: Some("ECDHE-RSA-AES128-GCM-SHA256".into()),
            ..with_ca(&dir)
        })
        .unwrap();
        assert_eq!(config.crypto_provider().cipher_suites.len(), 4);
    }

    #[test]
    fn server_names() {
        assert!(matches!(server_name("localhost"), Ok(ServerName::DnsName(_))));
        assert!(matches!(
            server_name("broker.example.com"),
            Ok(ServerName::DnsName(_))
        ));
        assert!(matches!(server_name("127.0.0.1"), Ok(ServerName::IpAddress(_))));
        assert!(matches!(server_name("::1"), Ok(ServerName::IpAddress(_))));
        assert!(matches!(server_name("[::1]"), Ok(ServerName::IpAddress(_))));
        for bad in ["", "bad name", "under_score!", "a..b"] {
            let e = server_name(bad).unwrap_err();
            assert!(matches!(e, TlsSetupError::ServerName { .. }), "{bad:?}");
        }
    }

    // --- configuration building --------------------------------------------------------------

    #[test]
    fn ca_files() {
        let dir = TempDir::new("ca");
        client_config(&with_ca(&dir)).unwrap();

        let missing = dir.path("missing.crt");
        let e = setup_error(&TlsSettings {
            cafile: Some(missing.clone()),
            ..TlsSettings::default()
        });
        assert_eq!(
            e.to_string(),
            format!(
                "Error: Unable to load CA certificates, check cafile \"{}\".",
                missing.display()
            )
        );
        assert!(e.detail().unwrap().contains("No such file"), "{:?}", e.detail());
        assert_eq!(e.log_lines().len(), 2);

        let garbage = dir.put_bytes("garbage.crt", b"this is not a certificate\n");
        let e = setup_error(&TlsSettings {
            cafile: Some(garbage),
            ..TlsSettings::default()
        });
        assert!(matches!(e, TlsSetupError::CaFile { .. }), "{e:?}");
        let broken = dir.put_bytes(
            "broken.crt",
            b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        );
        let e = setup_error(&TlsSettings {
            cafile: Some(broken),
            ..TlsSettings::default()
        });
        assert!(matches!(e, TlsSetupError::CaFile { .. }), "{e:?}");
        // A key where the CA should be.
        let e = setup_error(&TlsSettings {
            cafile: Some(dir.put("server.key")),
            ..TlsSettings::default()
        });
        assert!(matches!(e, TlsSetupError::CaFile { .. }), "{e:?}");

        // Several CAs in one file all count.
        let mut both = fixture()["other-ca.crt"].clone();
        both.extend_from_slice(&fixture()["ca.crt"]);
        let settings = TlsSettings {
            cafile: Some(dir.put_bytes("both.crt", &both)),
            ..TlsSettings::default()
        };
        connect(&settings, "localhost", &Server::default()).unwrap();
        connect(
            &settings,
            "localhost",
            &Server {
                cert: "other.crt",
                ..Server::default()
            },
        )
        .unwrap();

        // No trust anchor at all.
        let e = setup_error(&TlsSettings::default());
        assert!(matches!(e, TlsSetupError::NoTrustAnchors));
        assert!(e.to_string().starts_with("Error: No CA certificates"));
        // ... is fine when nothing is verified.
        client_config(&TlsSettings {
            verify_peer: false,
            ..TlsSettings::default()
        })
        .unwrap();
    }

    #[test]
    fn ca_directory() {
        let dir = TempDir::new("capath");
        let cadir = dir.path("certs");
        fs::create_dir(&cadir).unwrap();
        let settings = TlsSettings {
            capath: Some(cadir.clone()),
            ..TlsSettings::default()
        };

        let e = setup_error(&settings);
        assert_eq!(
            e.to_string(),
            format!(
                "Error: Unable to load CA certificates, check capath \"{}\".",
                cadir.display()
            )
        );
        fs::write(cadir.join("README"), "not a certificate").unwrap();
        fs::create_dir(cadir.join("subdir")).unwrap();
        fs::write(cadir.join("0badc0de.0"), &fixture()["server.key"]).unwrap();
        assert!(matches!(setup_error(&settings), TlsSetupError::CaPath { .. }));

        // OpenSSL's hashed layout: a file and a symbolic link to it; the name does not matter.
        fs::write(cadir.join("test-ca.pem"), &fixture()["ca.crt"]).unwrap();
        std::os::unix::fs::symlink(cadir.join("test-ca.pem"), cadir.join("12345678.0")).unwrap();
        connect(&settings, "localhost", &Server::default()).unwrap();
        assert!(
            connect(
                &settings,
                "localhost",
                &Server {
                    cert: "other.crt",
                    ..Server::default()
                }
            )
            .is_err()
        );

        let missing = dir.path("nowhere");
        let e = setup_error(&TlsSettings {
            capath: Some(missing),
            ..TlsSettings::default()
        });
        assert!(matches!(e, TlsSetupError::CaPath { .. }), "{e:?}");
        assert!(e.detail().unwrap().contains("directory"));

        // An empty or missing capath does not matter when the cafile has a CA, or when nothing
        // is verified.
        for capath in [dir.path("certs/subdir"), dir.path("nowhere")] {
            client_config(&TlsSettings {
                capath: Some(capath.clone()),
                ..with_ca(&dir)
            })
            .unwrap();
            let unverified = TlsSettings {
                capath: Some(capath),
                verify_peer: false,
                ..TlsSettings::default()
            };
            client_config(&unverified).unwrap();
        }
    }

    #[test]
    fn client_certificates_and_keys() {
        let dir = TempDir::new("keys");
        for (cert, key) in [
            ("client.crt", "client.key"),
            ("client.crt", "client-pkcs1.key"),
            ("client-ec.crt", "client-ec.key"),
            ("client-ec.crt", "client-sec1.key"),
        ] {
            client_config(&with_client(&dir, cert, key)).unwrap_or_else(|e| panic!("{key}: {e}"));
        }

        // Certificate and key in one file, no keyfile.
        let mut combined = fixture()["client.crt"].clone();
        combined.extend_from_slice(&fixture()["client.key"]);
        let settings = TlsSettings {
            certfile: Some(dir.put_bytes("combined.pem", &combined)),
            ..with_ca(&dir)
        };
        client_config(&settings).unwrap();

        let missing = dir.path("missing.crt");
        let e = setup_error(&TlsSettings {
            certfile: Some(missing.clone()),
            ..with_client(&dir, "client.crt", "client.key")
        });
        assert_eq!(
            e.to_string(),
            format!(
                "Error: Unable to load client certificate \"{}\".",
                missing.display()
            )
        );
        let e = setup_error(&with_client(&dir, "client.key", "client.key"));
        assert!(matches!(e, TlsSetupError::CertFile { .. }), "{e:?}");

        let missing = dir.path("missing.key");
        let e = setup_error(&TlsSettings {
            keyfile: Some(missing.clone()),
            ..with_client(&dir, "client.crt", "client.key")
        });
        assert_eq!(
            e.to_string(),
            format!("Error: Unable to load client key file \"{}\".", missing.display())
        );
        assert!(matches!(
            key_error(&TlsSettings {
                keyfile: Some(missing),
                ..with_client(&dir, "client.crt", "client.key")
            }),
            KeyError::Unreadable(_)
        ));
        assert_eq!(
            key_error(&with_client(&dir, "client.crt", "client.crt")),
            KeyError::NoKey
        );
        let broken = dir.put_bytes(
            "broken.key",
            b"-----BEGIN PRIVATE KEY-----\n%%%%\n-----END PRIVATE KEY-----\n",
        );
        let e = key_error(&TlsSettings {
            keyfile: Some(broken),
            ..with_client(&dir, "client.crt", "client.key")
        });
        assert!(matches!(e, KeyError::Malformed(_)), "{e:?}");

        // The key of another certificate.
        let e = setup_error(&with_client(&dir, "client.crt", "client-ec.key"));
        assert!(matches!(e, TlsSetupError::KeyMismatch));
        assert_eq!(e.to_string(), "Error: Client certificate/key are inconsistent.");
        assert!(e.detail().is_none());
        let e = setup_error(&with_client(&dir, "server-rsa.crt", "client.key"));
        assert!(matches!(e, TlsSetupError::KeyMismatch));
    }

    #[test]
    fn encrypted_keys() {
        let dir = TempDir::new("encrypted");
        let encrypted = [
            ("client.crt", "client-enc.key"),
            ("client.crt", "client-enc-des3.key"),
            ("client.crt", "client-enc-scrypt.key"),
            ("client.crt", "client-legacy.key"),
            ("client.crt", "client-legacy-des3.key"),
            ("client-ec.crt", "client-ec-legacy.key"),
        ];
        for (cert, key) in encrypted {
            let good = TlsSettings {
                password: password("secret"),
                ..with_client(&dir, cert, key)
            };
            client_config(&good).unwrap_or_else(|e| panic!("{key}: {e} {:?}", e.detail()));

            let wrong = TlsSettings {
                password: password("wrong"),
                ..with_client(&dir, cert, key)
            };
            let e = setup_error(&wrong);
            assert!(
                matches!(
                    &e,
                    TlsSetupError::KeyFile {
                        reason: KeyError::WrongPassword,
                        ..
                    }
                ),
                "{key}: {e:?}"
            );
            assert!(
                e.to_string()
                    .starts_with("Error: Unable to load client key file \"")
            );
            assert_eq!(
                e.detail().unwrap(),
                "Error: wrong password for the encrypted private key (bad decrypt)."
            );

            let none = with_client(&dir, cert, key);
            assert_eq!(key_error(&none), KeyError::PasswordRequired, "{key}");
            let declined = TlsSettings {
                password: Some(Arc::new(|_| None)),
                ..with_client(&dir, cert, key)
            };
            assert_eq!(key_error(&declined), KeyError::PasswordRequired, "{key}");
        }
        // A legacy key with an unknown cipher.
        let text = String::from_utf8(fixture()["client-legacy.key"].clone()).unwrap();
        let odd = text.replace("AES-256-CBC", "CAMELLIA-256-CBC");
        let settings = TlsSettings {
            keyfile: Some(dir.put_bytes("odd.key", odd.as_bytes())),
            password: password("secret"),
            ..with_client(&dir, "client.crt", "client.key")
        };
        assert_eq!(
            key_error(&settings),
            KeyError::UnsupportedEncryption("CAMELLIA-256-CBC".into())
        );

        // The decrypted key really is the client's: it authenticates.
        let settings = TlsSettings {
            password: password("secret"),
            ..with_client(&dir, "client.crt", "client-legacy.key")
        };
        connect(
            &settings,
            "localhost",
            &Server {
                client_ca: true,
                ..Server::default()
            },
        )
        .unwrap();
    }

    #[test]
    fn small_decoders() {
        assert_eq!(hex_decode(b"00fF10").unwrap(), [0, 255, 16]);
        assert!(hex_decode(b"0").is_none() && hex_decode(b"zz").is_none());
        assert!(is_der_sequence(&[0x30, 0x01, 0x00]));
        assert!(is_der_sequence(&[0x30, 0x81, 0x01, 0x00]));
        assert!(!is_der_sequence(&[0x30, 0x02, 0x00]));
        assert!(!is_der_sequence(&[0x30, 0x85, 0, 0, 0, 0, 1]));
        assert!(!is_der_sequence(&[0x04, 0x00]));
        assert!(!is_der_sequence(&[0x30]));
        assert_eq!(
            format_time(UnixTime::since_unix_epoch(std::time::Duration::ZERO)),
            "1970-01-01 00:00:00 UTC"
        );
        assert_eq!(
            format_time(UnixTime::since_unix_epoch(std::time::Duration::from_secs(
                1_580_515_200 + 3_723
            ))),
            "2020-02-01 01:02:03 UTC"
        );
        assert_eq!(
            format_time(UnixTime::since_unix_epoch(std::time::Duration::from_secs(
                951_782_400
            ))),
            "2000-02-29 00:00:00 UTC"
        );
        assert_eq!(
            alert_name(AlertDescription::HandshakeFailure),
            "handshake failure"
        );
        assert_eq!(alert_name(AlertDescription::UnknownCA), "unknown ca");
        assert_eq!(
            alert_name(AlertDescription::CertificateRequired),
            "certificate required"
        );
    }

    // --- handshakes ---------------------------------------------------------------------------

    #[test]
    fn handshake_succeeds() {
        let dir = TempDir::new("ok");
        let settings = with_ca(&dir);
        assert!(settings.enabled());
        let client = connect(&settings, "localhost", &Server::default()).unwrap();
        assert_eq!(client.protocol_version(), Some(rustls::ProtocolVersion::TLSv1_3));
        // By IP address: checked against the IP SAN.
        connect(&settings, "127.0.0.1", &Server::default()).unwrap();
        // RSA server, TLS 1.2 only, one chosen suite.
        let rsa12 = Server {
            cert: "server-rsa.crt",
            key: "server-rsa.key",
            versions: TLS12_ONLY,
            ..Server::default()
        };
        let settings12 = TlsSettings {
            ciphers: Some("ECDHE-RSA-CHACHA20-POLY1305".into()),
            ..with_ca(&dir)
        };
        let client = connect(&settings12, "localhost", &rsa12).unwrap();
        assert_eq!(client.protocol_version(), Some(rustls::ProtocolVersion::TLSv1_2));
        assert_eq!(
            client.negotiated_cipher_suite().map(|s| s.suite()),
            Some(rustls::CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256)
        );
        // A TLS 1.3 suite chosen by name.
        let settings13 = TlsSettings {
            ciphers: Some("TLS_CHACHA20_POLY1305_SHA256".into()),
            ..with_ca(&dir)
        };
        let client = connect(&settings13, "localhost", &Server::default()).unwrap();
        assert_eq!(
            client.negotiated_cipher_suite().map(|s| s.suite()),
            Some(rustls::CipherSuite::TLS13_CHACHA20_POLY1305_SHA256)
        );
        // ... and a TLS 1.2 server then has nothing in common with us.
        let (msg, class) = connect_err(&settings13, "localhost", &rsa12);
        assert_eq!(class, ErrorClass::Handshake);
        assert!(msg.starts_with("Error: TLS handshake failed: "), "{msg}");
    }

    #[test]
    fn unknown_ca() {
        let dir = TempDir::new("unknown");
        let other = Server {
            cert: "other.crt",
            ..Server::default()
        };
        let (msg, class) = connect_err(&with_ca(&dir), "localhost", &other);
        assert_eq!(class, ErrorClass::Tls);
        assert!(
            msg.starts_with("Error: certificate verify failed: unknown CA"),
            "{msg}"
        );
        // tls_insecure does not skip the chain.
        let insecure = TlsSettings {
            insecure: true,
            ..with_ca(&dir)
        };
        let (msg, class) = connect_err(&insecure, "localhost", &other);
        assert_eq!(class, ErrorClass::Tls);
        assert!(msg.contains("unknown CA"), "{msg}");
        // cert_reqs 0 accepts it.
        let none = TlsSettings {
            verify_peer: false,
            ..with_ca(&dir)
        };
        connect(&none, "localhost", &other).unwrap();
        connect(
            &none,
            "somewhere.else",
            &Server {
                cert: "expired.crt",
                ..Server::default()
            },
        )
        .unwrap();
    }

    #[test]
    fn host_name_mismatch() {
        let dir = TempDir::new("name");
        let settings = with_ca(&dir);
        let wrong = Server {
            cert: "wrongname.crt",
            ..Server::default()
        };
        for host in ["localhost", "127.0.0.1"] {
            let (msg, class) = connect_err(&settings, host, &wrong);
            assert_eq!(msg, "Error: host name verification failed.");
            assert_eq!(class, ErrorClass::Tls);
        }
        let (msg, _) = connect_err(&settings, "127.0.0.2", &Server::default());
        assert_eq!(msg, "Error: host name verification failed.");
        let (msg, _) = connect_err(&settings, "other.localhost", &Server::default());
        assert_eq!(msg, "Error: host name verification failed.");

        let insecure = TlsSettings {
            insecure: true,
            ..with_ca(&dir)
        };
        connect(&insecure, "localhost", &wrong).unwrap();
        connect(&insecure, "127.0.0.1", &wrong).unwrap();
        connect(&insecure, "127.0.0.2", &Server::default()).unwrap();
    }

    #[test]
    fn common_name_when_there_is_no_dns_name() {
        let dir = TempDir::new("cn");
        let settings = with_ca(&dir);
        let server = |cert| Server {
            cert,
            ..Server::default()
        };
        // No subject alternative name at all: the common name counts.
        connect(&settings, "localhost", &server("cn-localhost.crt")).unwrap();
        connect(&settings, "LOCALHOST", &server("cn-localhost.crt")).unwrap();
        let (msg, class) = connect_err(&settings, "other.localhost", &server("cn-localhost.crt"));
        assert_eq!(
            (msg.as_str(), class),
            ("Error: host name verification failed.", ErrorClass::Tls)
        );
        // A wildcard in the left-most label, for exactly one label.
        connect(&settings, "broker.example.test", &server("cn-wildcard.crt")).unwrap();
        for host in ["example.test", "a.broker.example.test", "broker.example.other"] {
            let (msg, _) = connect_err(&settings, host, &server("cn-wildcard.crt"));
            assert_eq!(msg, "Error: host name verification failed.", "{host}");
        }
        // IP addresses are checked against IP SANs only, never the common name.
        let (msg, _) = connect_err(&settings, "127.0.0.1", &server("cn-ip.crt"));
        assert_eq!(msg, "Error: host name verification failed.");
        // Only IP SANs: no DNS name, so the common name counts for a host name...
        connect(&settings, "localhost", &server("cn-with-ip-san.crt")).unwrap();
        connect(&settings, "127.0.0.1", &server("cn-with-ip-san.crt")).unwrap();
        // ...but with a DNS SAN the common name is ignored.
        let (msg, _) = connect_err(&settings, "localhost", &server("cn-with-dns-san.crt"));
        assert_eq!(msg, "Error: host name verification failed.");
        // The chain is still checked.
        let (msg, _) = connect_err(
            &TlsSettings {
                cafile: Some(dir.put("other-ca.crt")),
                ..TlsSettings::default()
            },
            "localhost",
            &server("cn-localhost.crt"),
        );
        assert!(msg.contains("unknown CA"), "{msg}");
        // The names are read from the certificates as expected.
        let der = |name: &str| {
            CertificateDer::pem_slice_iter(&fixture()[name])
                .next()
                .unwrap()
                .unwrap()
        };
        let names = crate::transport::x509::names(&der("cn-with-dns-san.crt")).unwrap();
        assert_eq!(names.dns, ["wrong.example"]);
        assert_eq!(names.common_names, ["localhost"]);
        let names = crate::transport::x509::names(&der("cn-wildcard.crt")).unwrap();
        assert!(names.dns.is_empty());
        assert_eq!(names.common_names, ["*.example.test"]);
    }

    #[test]
    fn certificate_dates() {
        let dir = TempDir::new("dates");
        let settings = with_ca(&dir);
        let (msg, class) = connect_err(
            &settings,
            "localhost",
            &Server {
                cert: "expired.crt",
                ..Server::default()
            },
        );
        assert_eq!(class, ErrorClass::Tls);
        assert_eq!(
            msg,
            "Error: certificate verify failed: certificate has expired (valid until 2020-02-01 00:00:00 UTC)."
        );
        let insecure = TlsSettings {
            insecure: true,
            ..with_ca(&dir)
        };
        let (msg, _) = connect_err(
            &insecure,
            "localhost",
            &Server {
                cert: "expired.crt",
                ..Server::default()
            },
        );
        assert!(msg.contains("expired"), "{msg}");
        let (msg, class) = connect_err(
            &settings,
            "localhost",
            &Server {
                cert: "notyet.crt",
                ..Server::default()
            },
        );
        assert_eq!(class, ErrorClass::Tls);
        assert_eq!(
            msg,
            "Error: certificate verify failed: certificate is not yet valid (valid from 2090-01-01 00:00:00 UTC)."
        );
    }

    #[test]
    fn protocol_versions() {
        let dir = TempDir::new("versions");
        let only12 = Server {
            versions: TLS12_ONLY,
            ..Server::default()
        };
        let only13 = TlsSettings {
            version: TlsVersion::Tls13,
            ..with_ca(&dir)
        };
        let (msg, class) = connect_err(&only13, "localhost", &only12);
        assert_eq!(class, ErrorClass::Handshake);
        assert!(msg.contains("protocol version mismatch"), "{msg}");
        let client = connect(&with_ca(&dir), "localhost", &only12).unwrap();
        assert_eq!(client.protocol_version(), Some(rustls::ProtocolVersion::TLSv1_2));
        let only13_server = Server {
            versions: TLS13_ONLY,
            ..Server::default()
        };
        connect(&only13, "localhost", &only13_server).unwrap();
    }

    #[test]
    fn client_certificate_auth() {
        let dir = TempDir::new("clientauth");
        let requires = Server {
            client_ca: true,
            ..Server::default()
        };
        for version in [TlsVersion::Tls12, TlsVersion::Tls13] {
            let server = if version == TlsVersion::Tls12 {
                Server {
                    versions: TLS12_ONLY,
                    ..requires.clone_config()
                }
            } else {
                requires.clone_config()
            };
            for (cert, key) in [("client.crt", "client.key"), ("client-ec.crt", "client-sec1.key")] {
                let settings = TlsSettings {
                    version,
                    ..with_client(&dir, cert, key)
                };
                connect(&settings, "localhost", &server).unwrap_or_else(|e| panic!("{key}: {e}"));
            }
            let settings = TlsSettings {
                version,
                ..with_ca(&dir)
            };
            let (msg, class) = connect_err(&settings, "localhost", &server);
            assert_eq!(class, ErrorClass::Handshake);
            if version == TlsVersion::Tls13 {
                assert_eq!(
                    msg,
                    "Error: TLS handshake failed: the server requires a client certificate \
                     (alert \"certificate required\", 116)."
                );
            } else {
                assert!(msg.contains("requires a client certificate"), "{msg}");
            }
        }
    }

    impl Server {
        fn clone_config(&self) -> Self {
            Self {
                cert: self.cert,
                key: self.key,
                versions: self.versions,
                client_ca: self.client_ca,
                alpn: self.alpn.clone(),
            }
        }
    }

    #[test]
    fn alpn() {
        let dir = TempDir::new("alpn");
        let settings = TlsSettings {
            alpn: Some(b"mqtt".to_vec()),
            ..with_ca(&dir)
        };
        let server = Server {
            alpn: vec![b"x-other".to_vec(), b"mqtt".to_vec()],
            ..Server::default()
        };
        let client = connect(&settings, "localhost", &server).unwrap();
        assert_eq!(client.alpn_protocol(), Some(&b"mqtt"[..]));
        // A server without ALPN ignores it.
        let client = connect(&settings, "localhost", &Server::default()).unwrap();
        assert_eq!(client.alpn_protocol(), None);
        // A server with other protocols refuses.
        let (msg, class) = connect_err(
            &settings,
            "localhost",
            &Server {
                alpn: vec![b"h2".to_vec()],
                ..Server::default()
            },
        );
        assert_eq!(class, ErrorClass::Handshake);
        assert!(msg.contains("ALPN"), "{msg}");
    }

    #[test]
    fn error_descriptions() {
        use rustls::Error as E;
        let cases: Vec<(E, ErrorClass, &str)> = vec![
            (
                E::InvalidCertificate(CertificateError::NotValidForName),
                ErrorClass::Tls,
                "Error: host name verification failed.",
            ),
            (
                E::InvalidCertificate(CertificateError::UnknownIssuer),
                ErrorClass::Tls,
                "unknown CA",
            ),
            (
                E::InvalidCertificate(CertificateError::Expired),
                ErrorClass::Tls,
                "certificate has expired.",
            ),
            (
                E::InvalidCertificate(CertificateError::NotValidYet),
                ErrorClass::Tls,
                "not yet valid.",
            ),
            (
                E::InvalidCertificate(CertificateError::BadSignature),
                ErrorClass::Tls,
                "signature failure",
            ),
            (
                E::InvalidCertificate(CertificateError::Revoked),
                ErrorClass::Tls,
                "revoked",
            ),
            (
                E::InvalidCertificate(CertificateError::InvalidPurpose),
                ErrorClass::Tls,
                "purpose",
            ),
            (E::NoCertificatesPresented, ErrorClass::Tls, "no certificate"),
            (
                E::AlertReceived(AlertDescription::HandshakeFailure),
                ErrorClass::Handshake,
                "\"handshake failure\", 40",
            ),
            (
                E::AlertReceived(AlertDescription::ProtocolVersion),
                ErrorClass::Handshake,
                "protocol version mismatch",
            ),
            (
                E::AlertReceived(AlertDescription::BadCertificate),
                ErrorClass::Handshake,
                "rejected the client certificate",
            ),
            (
                E::PeerIncompatible(PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig),
                ErrorClass::Handshake,
                "protocol version mismatch",
            ),
            (
                E::PeerIncompatible(PeerIncompatible::NoCipherSuitesInCommon),
                ErrorClass::Handshake,
                "no cipher suite in common",
            ),
            (
                E::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
                ErrorClass::Handshake,
                "is this a TLS port?",
            ),
            (E::General("boom".into()), ErrorClass::Handshake, "boom"),
        ];
        for (e, class, text) in cases {
            let (msg, got) = describe_error(&e);
            assert_eq!(got, class, "{e:?}");
            assert!(msg.contains(text), "{e:?}: {msg}");
            assert!(msg.starts_with("Error: ") && msg.ends_with('.'), "{msg}");
        }
    }

    #[test]
    fn os_certificates() {
        // The system store may be empty on a build machine: either it loads, or the error says so.
        let settings = TlsSettings {
            use_os_certs: true,
            ..TlsSettings::default()
        };
        assert!(settings.enabled());
        match client_config(&settings) {
            Ok(_) => {}
            Err(e) => assert!(matches!(e, TlsSetupError::OsCerts { .. }), "{e:?}"),
        }
    }
}
