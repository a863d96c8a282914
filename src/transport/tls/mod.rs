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
//!   P-384 or Ed25519; encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`, PBES2 with PBKDF2 and AES-CBC;
//!   DES-EDE3-CBC with the `tls-legacy-keys` feature, scrypt with `tls-scrypt-keys`, see
//!   [`pbes2`]); and, with `tls-legacy-keys`, OpenSSL's traditional encryption (`Proc-Type:
//!   4,ENCRYPTED` with `DEK-Info` AES-128/192/256-CBC or DES-EDE3-CBC). The password comes from the application's
//!   password callback, asked for at most [`PASSWORD_MAX`] bytes.
//! - Cipher lists: see [`check_ciphers`].
//!
//! Verification: with `verify_peer` and not `insecure`, the webpki verifier checks the chain and
//! that the certificate's subject alternative names match the host (DNS name, or IP address for
//! an IP literal); a certificate without DNS names is checked against its subject's common
//! name, as OpenSSL does. With `insecure` the chain is still checked but a host name mismatch is
//! accepted. Without `verify_peer` any certificate is accepted, but the handshake signatures
//! are still checked against the certificate's key.
//!
//! Files: this one holds the settings and builds the configuration; [`ciphers`] reads OpenSSL
//! cipher lists, [`keys`] reads (and decrypts) private keys, [`verify`] has the certificate
//! verifiers, [`errors`] the setup errors and the words for handshake failures.

mod ciphers;
mod errors;
mod keys;
mod pbes2;
#[cfg(feature = "broker")]
mod server;
#[cfg(test)]
mod tests;
#[cfg(feature = "broker")]
mod v1;
mod verify;
// Certificate parts and subjects are read for the broker's listeners only.
#[cfg_attr(not(feature = "broker"), allow(dead_code))]
mod x509;

pub(crate) use ciphers::check_ciphers;
use ciphers::select_suites;
pub(crate) use errors::{ErrorClass, KeyError, TlsSetupError, describe_error};
use keys::load_key;
#[cfg(feature = "broker")]
pub(crate) use server::{ServerTlsSettings, peer_common_name, peer_subject, server_config};
use verify::{AcceptAnyCertificate, CommonNameFallback, SkipHostName};

pub use super::tls_settings::*;

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[cfg(feature = "tls-legacy-keys")]
use md5::{Digest, Md5};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{
    CryptoProvider, WebPkiSupportedAlgorithms, ring, verify_tls12_signature, verify_tls13_signature,
};
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
#[cfg(feature = "tls-legacy-keys")]
use rustls::pki_types::{PrivatePkcs1KeyDer, PrivateSec1KeyDer};
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::{
    AlertDescription, CertificateError, ClientConfig, DigitallySignedStruct, InconsistentKeys,
    PeerIncompatible, RootCertStore, SignatureScheme, SupportedCipherSuite,
};
use zeroize::Zeroizing;

/// The rustls configuration for these settings. Reads the CA, certificate and key files (and
/// asks for the key's password) now, as libmosquitto does when it connects.
pub(crate) fn client_config(settings: &TlsSettings) -> Result<Arc<ClientConfig>, TlsSetupError> {
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
pub(crate) fn server_name(host: &str) -> Result<ServerName<'static>, TlsSetupError> {
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
