//! Client certificates in the X.509 version 1 format, which `openssl x509 -req` makes when no
//! extensions are given and which OpenSSL (so mosquitto) accepts, but webpki does not.
//!
//! [`V1Tolerant`] checks a client certificate with webpki first. Only a version 1 certificate
//! that webpki refused is then checked here: it must be signed directly by one of the trust
//! anchors (by exact issuer name and signature), be within its validity dates, and not be
//! subject to a CRL check (a listener with `crlfile` refuses it, since it cannot be looked up).
//! The handshake signature of such a certificate is checked here too, with ring.

use super::*;

use ::ring::signature::{self as sig, UnparsedPublicKey, VerificationAlgorithm};
use rustls::DistinguishedName;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};

const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
const SHA256_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
const SHA384_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c];
const SHA512_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d];
const ECDSA_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
const ECDSA_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];

/// A trust anchor as this check needs it: its subject name and public key, whole DER elements.
#[derive(Debug, Clone)]
pub(crate) struct Anchor {
    subject: Vec<u8>,
    spki: Vec<u8>,
}

impl Anchor {
    /// The anchor of a CA certificate, if it can be read.
    pub(crate) fn from_cert(der: &[u8]) -> Option<Self> {
        let parts = x509::cert_parts(der)?;
        Some(Self {
            subject: parts.subject.to_vec(),
            spki: parts.spki.to_vec(),
        })
    }
}

/// The signature algorithm ring needs for a certificate signature, from the signature's OID
/// and the signer's key.
fn certificate_algorithm(oid: &[u8], signer_spki: &[u8]) -> Option<&'static dyn VerificationAlgorithm> {
    let (key_type, curve, _) = x509::spki_parts(signer_spki)?;
    Some(match (oid, key_type, curve) {
        (SHA256_RSA, RSA_ENCRYPTION, _) => &sig::RSA_PKCS1_2048_8192_SHA256,
        (SHA384_RSA, RSA_ENCRYPTION, _) => &sig::RSA_PKCS1_2048_8192_SHA384,
        (SHA512_RSA, RSA_ENCRYPTION, _) => &sig::RSA_PKCS1_2048_8192_SHA512,
        (ECDSA_SHA256, EC_PUBLIC_KEY, P256) => &sig::ECDSA_P256_SHA256_ASN1,
        (ECDSA_SHA256, EC_PUBLIC_KEY, P384) => &sig::ECDSA_P384_SHA256_ASN1,
        (ECDSA_SHA384, EC_PUBLIC_KEY, P256) => &sig::ECDSA_P256_SHA384_ASN1,
        (ECDSA_SHA384, EC_PUBLIC_KEY, P384) => &sig::ECDSA_P384_SHA384_ASN1,
        (ED25519, ED25519, _) => &sig::ED25519,
        _ => return None,
    })
}

/// The algorithm ring needs for a handshake signature with `scheme` by a key of `spki`.
fn handshake_algorithm(scheme: SignatureScheme, spki: &[u8]) -> Option<&'static dyn VerificationAlgorithm> {
    let (key_type, curve, _) = x509::spki_parts(spki)?;
    Some(match (scheme, key_type, curve) {
        (SignatureScheme::RSA_PKCS1_SHA256, RSA_ENCRYPTION, _) => &sig::RSA_PKCS1_2048_8192_SHA256,
        (SignatureScheme::RSA_PKCS1_SHA384, RSA_ENCRYPTION, _) => &sig::RSA_PKCS1_2048_8192_SHA384,
        (SignatureScheme::RSA_PKCS1_SHA512, RSA_ENCRYPTION, _) => &sig::RSA_PKCS1_2048_8192_SHA512,
        (SignatureScheme::RSA_PSS_SHA256, RSA_ENCRYPTION, _) => &sig::RSA_PSS_2048_8192_SHA256,
        (SignatureScheme::RSA_PSS_SHA384, RSA_ENCRYPTION, _) => &sig::RSA_PSS_2048_8192_SHA384,
        (SignatureScheme::RSA_PSS_SHA512, RSA_ENCRYPTION, _) => &sig::RSA_PSS_2048_8192_SHA512,
        (SignatureScheme::ECDSA_NISTP256_SHA256, EC_PUBLIC_KEY, P256) => &sig::ECDSA_P256_SHA256_ASN1,
        (SignatureScheme::ECDSA_NISTP384_SHA384, EC_PUBLIC_KEY, P384) => &sig::ECDSA_P384_SHA384_ASN1,
        (SignatureScheme::ED25519, ED25519, _) => &sig::ED25519,
        _ => return None,
    })
}

/// Whether a DER certificate is in the version 1 format.
fn is_v1(der: &[u8]) -> bool {
    x509::cert_parts(der).is_some_and(|p| p.version == 0)
}

/// Check a version 1 certificate against the anchors at time `now` (Unix seconds).
fn verify_v1(der: &[u8], anchors: &[Anchor], now: i64) -> bool {
    let Some(parts) = x509::cert_parts(der) else {
        return false;
    };
    if now < parts.not_before || now > parts.not_after {
        return false;
    }
    anchors.iter().filter(|a| a.subject == parts.issuer).any(|a| {
        let Some(algorithm) = certificate_algorithm(parts.signature_algorithm, &a.spki) else {
            return false;
        };
        let Some((_, _, key)) = x509::spki_parts(&a.spki) else {
            return false;
        };
        UnparsedPublicKey::new(algorithm, key)
            .verify(parts.tbs, parts.signature)
            .is_ok()
    })
}

/// Check a handshake signature made with a version 1 certificate's key.
fn verify_handshake(message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct) -> bool {
    let Some(parts) = x509::cert_parts(cert.as_ref()) else {
        return false;
    };
    let Some(algorithm) = handshake_algorithm(dss.scheme, parts.spki) else {
        return false;
    };
    let Some((_, _, key)) = x509::spki_parts(parts.spki) else {
        return false;
    };
    UnparsedPublicKey::new(algorithm, key)
        .verify(message, dss.signature())
        .is_ok()
}

/// A client certificate verifier that also accepts version 1 certificates; see the module
/// documentation.
#[derive(Debug)]
pub(crate) struct V1Tolerant {
    pub(crate) inner: Arc<dyn ClientCertVerifier>,
    pub(crate) anchors: Vec<Anchor>,
    /// A CRL is configured: version 1 certificates are refused.
    pub(crate) crl: bool,
}

impl ClientCertVerifier for V1Tolerant {
    fn offer_client_auth(&self) -> bool {
        self.inner.offer_client_auth()
    }

    fn client_auth_mandatory(&self) -> bool {
        self.inner.client_auth_mandatory()
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        match self.inner.verify_client_cert(end_entity, intermediates, now) {
            Ok(v) => Ok(v),
            Err(e) => {
                let now = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
                if !self.crl
                    && is_v1(end_entity.as_ref())
                    && verify_v1(end_entity.as_ref(), &self.anchors, now)
                {
                    Ok(ClientCertVerified::assertion())
                } else {
                    Err(e)
                }
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        if is_v1(cert.as_ref()) {
            return if verify_handshake(message, cert, dss) {
                Ok(HandshakeSignatureValid::assertion())
            } else {
                Err(rustls::Error::InvalidCertificate(CertificateError::BadSignature))
            };
        }
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        if is_v1(cert.as_ref()) {
            let pkcs1 = matches!(
                dss.scheme,
                SignatureScheme::RSA_PKCS1_SHA256
                    | SignatureScheme::RSA_PKCS1_SHA384
                    | SignatureScheme::RSA_PKCS1_SHA512
            );
            return if !pkcs1 && verify_handshake(message, cert, dss) {
                Ok(HandshakeSignatureValid::assertion())
            } else {
                Err(rustls::Error::InvalidCertificate(CertificateError::BadSignature))
            };
        }
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
