//! Why a TLS configuration could not be built, and the log lines for failed handshakes.

use super::*;

/// Why the client key could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum KeyError {
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
pub(crate) enum TlsSetupError {
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
    pub(crate) fn detail(&self) -> Option<String> {
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
    pub(crate) fn log_lines(&self) -> Vec<String> {
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

/// What kind of failure a handshake error is (both are reported with libmosquitto's TLS codes;
/// the distinction words the log line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorClass {
    /// The server's certificate failed our verification.
    Tls,
    /// Any other handshake failure, including the server rejecting us.
    Handshake,
}

/// The log line for a failed handshake and its class.
pub(crate) fn describe_error(e: &rustls::Error) -> (String, ErrorClass) {
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
pub(super) fn alert_name(alert: AlertDescription) -> String {
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
pub(super) fn format_time(t: UnixTime) -> String {
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
