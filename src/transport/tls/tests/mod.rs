//! In-memory handshakes against certificates made in memory (see `tests/common/pki.rs`).

use super::errors::{alert_name, format_time};
use super::keys::{hex_decode, is_der_sequence};
use super::*;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConnection, ServerConfig, ServerConnection};

/// A directory that is removed when dropped.
pub(super) struct TempDir(pub(super) PathBuf);

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

pub(super) const FIXTURE_FILES: &[&str] = &[
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

/// The certificate and key makers shared with the integration tests.
#[allow(dead_code)]
#[path = "../../../../tests/common/pki.rs"]
mod pki;

/// Certificates and keys made once per test run in memory (see [`pki`]), by file name.
pub(super) fn fixture() -> &'static HashMap<&'static str, Vec<u8>> {
    use pki::{ALWAYS, Ca, EXPIRED, LATER, Leaf, LegacyCipher, Pkcs8Cipher};
    use rcgen::ExtendedKeyUsagePurpose::{ClientAuth, ServerAuth};

    static FIXTURE: OnceLock<HashMap<&'static str, Vec<u8>>> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let ca = Ca::new("ca");
        let other_ca = Ca::new("other-ca");
        let server_key = pki::ec_key();
        let server_rsa_key = pki::rsa_key(pki::TEST_RSA_KEY_1);
        let client_key = pki::rsa_key(pki::TEST_RSA_KEY_2);
        let client_ec_key = pki::ec_key();
        let names: &[&str] = &["localhost", "127.0.0.1"];
        let wrong_names: &[&str] = &["wrong.example", "10.9.9.9"];
        let leaf = |cn, sans, usage, validity| Leaf {
            cn,
            sans,
            usage,
            key_encipherment: true,
            validity,
        };
        let server = |cn, sans| leaf(cn, sans, ServerAuth, ALWAYS);
        let mut files: HashMap<&'static str, String> = HashMap::new();
        files.insert("ca.crt", ca.pem.clone());
        files.insert("other-ca.crt", other_ca.pem.clone());
        files.insert("server.key", server_key.serialize_pem());
        files.insert("server-rsa.key", server_rsa_key.serialize_pem());
        files.insert("client.key", client_key.serialize_pem());
        files.insert("client-ec.key", client_ec_key.serialize_pem());
        // certificate, issuer, what it says, key
        let leaves = [
            ("server", &ca, server("localhost", names), &server_key),
            ("server-rsa", &ca, server("localhost", names), &server_rsa_key),
            (
                "expired",
                &ca,
                leaf("localhost", names, ServerAuth, EXPIRED),
                &server_key,
            ),
            (
                "notyet",
                &ca,
                leaf("localhost", names, ServerAuth, LATER),
                &server_key,
            ),
            (
                "wrongname",
                &ca,
                server("wrong.example", wrong_names),
                &server_key,
            ),
            ("other", &other_ca, server("localhost", names), &server_key),
            (
                "client",
                &ca,
                leaf("client", &[], ClientAuth, ALWAYS),
                &client_key,
            ),
            (
                "client-ec",
                &ca,
                leaf("client-ec", &[], ClientAuth, ALWAYS),
                &client_ec_key,
            ),
            // Names in the common name only (and in IP or other DNS SANs).
            ("cn-localhost", &ca, server("localhost", &[]), &server_key),
            ("cn-wildcard", &ca, server("*.example.test", &[]), &server_key),
            ("cn-ip", &ca, server("127.0.0.1", &[]), &server_key),
            (
                "cn-with-ip-san",
                &ca,
                server("localhost", &["127.0.0.1"]),
                &server_key,
            ),
            (
                "cn-with-dns-san",
                &ca,
                server("localhost", wrong_names),
                &server_key,
            ),
        ];
        for (name, issuer, what, key) in leaves {
            let file = FIXTURE_FILES
                .iter()
                .find(|f| **f == format!("{name}.crt"))
                .expect("a fixture file name");
            files.insert(file, issuer.issue(&what, key));
        }
        // Other formats and encryptions of the client keys.
        let pass = "secret";
        let pkcs1 = pki::pkcs1_der(&client_key);
        let sec1 = pki::sec1_der(&client_ec_key);
        files.insert("client-pkcs1.key", pki::pem("RSA PRIVATE KEY", &pkcs1));
        files.insert("client-sec1.key", pki::pem("EC PRIVATE KEY", &sec1));
        for (file, cipher) in [
            ("client-enc.key", Pkcs8Cipher::Aes256),
            ("client-enc-des3.key", Pkcs8Cipher::Des3Sha1),
            ("client-enc-scrypt.key", Pkcs8Cipher::ScryptAes256),
        ] {
            files.insert(file, pki::encrypted_pkcs8_pem(&client_key, pass, cipher));
        }
        for (file, label, der, cipher) in [
            (
                "client-legacy.key",
                "RSA PRIVATE KEY",
                &pkcs1,
                LegacyCipher::Aes256,
            ),
            (
                "client-legacy-des3.key",
                "RSA PRIVATE KEY",
                &pkcs1,
                LegacyCipher::Des3,
            ),
            (
                "client-ec-legacy.key",
                "EC PRIVATE KEY",
                &sec1,
                LegacyCipher::Aes128,
            ),
        ] {
            files.insert(file, pki::legacy_encrypted_pem(label, der, pass, cipher));
        }
        assert_eq!(files.len(), FIXTURE_FILES.len());
        files
            .into_iter()
            .map(|(n, text)| (n, text.into_bytes()))
            .collect()
    })
}

pub(super) fn password(pw: &'static str) -> Option<PasswordCallback> {
    Some(Arc::new(move |max| {
        assert_eq!(max, PASSWORD_MAX);
        Some(pw.as_bytes().to_vec())
    }))
}

pub(super) fn with_ca(dir: &TempDir) -> TlsSettings {
    TlsSettings {
        cafile: Some(dir.put("ca.crt")),
        ..TlsSettings::default()
    }
}

pub(super) fn with_client(dir: &TempDir, cert: &str, key: &str) -> TlsSettings {
    TlsSettings {
        certfile: Some(dir.put(cert)),
        keyfile: Some(dir.put(key)),
        ..with_ca(dir)
    }
}

pub(super) fn setup_error(settings: &TlsSettings) -> TlsSetupError {
    client_config(settings).expect_err("the configuration should be refused")
}

pub(super) fn key_error(settings: &TlsSettings) -> KeyError {
    match setup_error(settings) {
        TlsSetupError::KeyFile { reason, .. } => reason,
        other => panic!("expected a key file error, got {other:?}"),
    }
}

pub(super) static TLS12_ONLY: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS12];
pub(super) static TLS13_ONLY: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13];

// --- the test server ---------------------------------------------------------------------

pub(super) struct Server {
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
pub(super) fn transfer(
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
pub(super) fn connect(
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

pub(super) fn connect_err(settings: &TlsSettings, host: &str, server: &Server) -> (String, ErrorClass) {
    match connect(settings, host, server) {
        Ok(_) => panic!("the handshake should fail"),
        Err(e) => describe_error(&e),
    }
}

// --- settings parsing --------------------------------------------------------------------

mod config;
mod handshake;
