//! TLS for the broker's listeners: mosquitto's listener options turned into a rustls
//! [`ServerConfig`], and the identity of a client certificate.
//!
//! - `certfile` (a PEM chain, leaf first) and `keyfile` (PEM PKCS#8, PKCS#1 or SEC1, without a
//!   password) are the server's identity.
//! - `require_certificate true`: clients must present a certificate that chains to `cafile` /
//!   `capath` (and is not revoked by `crlfile`); otherwise no certificate is asked for.
//! - `tls_version`: the lowest version (`tlsv1.2`, the default, or `tlsv1.3`; `tlsv1.1`
//!   means 1.2 here, as rustls has no 1.1).
//! - `ciphers` (TLS 1.2 suites) and `ciphers_tls1.3` (TLS 1.3 suites), OpenSSL lists.

use super::*;

use rustls::ServerConfig;
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::ClientCertVerifier;

use super::v1::{Anchor, V1Tolerant};

/// A listener's TLS options, as the configuration gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ServerTlsSettings {
    pub(crate) cafile: Option<PathBuf>,
    pub(crate) capath: Option<PathBuf>,
    pub(crate) certfile: PathBuf,
    pub(crate) keyfile: PathBuf,
    pub(crate) crlfile: Option<PathBuf>,
    pub(crate) require_certificate: bool,
    pub(crate) tls_version: Option<String>,
    pub(crate) ciphers: Option<String>,
    pub(crate) ciphers_tls13: Option<String>,
}

/// The rustls configuration of a listener; the error is the line mosquitto logs.
pub(crate) fn server_config(s: &ServerTlsSettings) -> Result<Arc<ServerConfig>, String> {
    let versions: &[&'static rustls::SupportedProtocolVersion] = match s.tls_version.as_deref() {
        None | Some("tlsv1.2" | "tlsv1.1") => &[&rustls::version::TLS12, &rustls::version::TLS13],
        Some("tlsv1.3") => &[&rustls::version::TLS13],
        Some(other) => return Err(format!("Error: Unsupported tls_version \"{other}\".")),
    };

    let mut provider = ring::default_provider();
    let defaults = provider.cipher_suites.clone();
    let (default13, default12): (Vec<_>, Vec<_>) = defaults
        .into_iter()
        .partition(|suite| matches!(suite, SupportedCipherSuite::Tls13(_)));
    let tls12 = match &s.ciphers {
        Some(list) => select_suites(list)
            .map(|v| {
                v.into_iter()
                    .filter(|x| matches!(x, SupportedCipherSuite::Tls12(_)))
                    .collect()
            })
            .ok_or_else(|| format!("Error: Unable to set server ciphers to \"{list}\"."))?,
        None => default12,
    };
    let tls13 = match &s.ciphers_tls13 {
        Some(list) => select_suites(list)
            .map(|v| {
                v.into_iter()
                    .filter(|x| matches!(x, SupportedCipherSuite::Tls13(_)))
                    .collect()
            })
            .ok_or_else(|| format!("Error: Unable to set TLS 1.3 ciphersuites to \"{list}\"."))?,
        None => default13,
    };
    provider.cipher_suites = tls13.into_iter().chain(tls12).collect();
    let provider = Arc::new(provider);

    let verifier: Arc<dyn ClientCertVerifier> = if s.require_certificate {
        let settings = TlsSettings {
            cafile: s.cafile.clone(),
            capath: s.capath.clone(),
            verify_peer: true,
            ..TlsSettings::default()
        };
        let roots = load_roots(&settings).map_err(|_| {
            let place = s
                .cafile
                .as_ref()
                .or(s.capath.as_ref())
                .map_or_else(String::new, |p| p.display().to_string());
            format!("Error: Unable to load CA certificates. Check cafile \"{place}\".")
        })?;
        let mut builder = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone());
        if let Some(path) = &s.crlfile {
            let data = fs::read(path).map_err(|_| {
                format!(
                    "Error: Unable to load certificate revocation file \"{}\".",
                    path.display()
                )
            })?;
            let crls = rustls::pki_types::CertificateRevocationListDer::pem_slice_iter(&data)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| {
                    format!(
                        "Error: Unable to load certificate revocation file \"{}\".",
                        path.display()
                    )
                })?;
            builder = builder.with_crls(crls);
        }
        let webpki = builder
            .build()
            .map_err(|e| format!("Error: Unable to set up client certificate checks: {e}."))?;
        Arc::new(V1Tolerant {
            inner: webpki,
            anchors: anchors(s),
            crl: s.crlfile.is_some(),
        })
    } else {
        WebPkiClientVerifier::no_client_auth()
    };

    let chain = read_pem_certs(&s.certfile)
        .ok()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            format!(
                "Error: Unable to load server certificate \"{}\". Check certfile.",
                s.certfile.display()
            )
        })?;
    let key_error = || {
        format!(
            "Error: Unable to load server key file \"{}\". Check keyfile.",
            s.keyfile.display()
        )
    };
    let key = load_key(&s.keyfile, None).map_err(|_| key_error())?;
    let config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .map_err(|e| format!("Error: Unable to create TLS context: {e}."))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|e| match e {
            rustls::Error::InconsistentKeys(_) => {
                "Error: Server certificate/key are inconsistent.".to_owned()
            }
            _ => key_error(),
        })?;
    Ok(Arc::new(config))
}

/// The CA certificates of `cafile` and `capath`, for version 1 client certificates.
fn anchors(s: &ServerTlsSettings) -> Vec<Anchor> {
    let mut files: Vec<PathBuf> = s.cafile.iter().cloned().collect();
    if let Some(dir) = &s.capath {
        if let Ok(entries) = fs::read_dir(dir) {
            let mut found: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            found.sort();
            files.extend(found);
        }
    }
    files
        .iter()
        .filter_map(|f| read_pem_certs(f).ok())
        .flatten()
        .filter_map(|c| Anchor::from_cert(c.as_ref()))
        .collect()
}

/// The client certificate's first common name (`use_identity_as_username`).
pub(crate) fn peer_common_name(der: &[u8]) -> Option<String> {
    x509::common_name(der)
}

/// The client certificate's subject in RFC 2253 form (`use_subject_as_username`).
pub(crate) fn peer_subject(der: &[u8]) -> Option<String> {
    x509::subject_rfc2253(der)
}
