//! In-memory handshakes against certificates made with the openssl tool.

use super::errors::{alert_name, format_time};
use super::keys::{hex_decode, is_der_sequence};
use super::*;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::process::Command;
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

pub(super) const OPENSSL_CNF: &str = "\
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
pub(super) fn openssl(dir: &Path, args: &str) {
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

/// Certificates and keys made once per test run with the openssl tool, kept in memory (the
/// files are deleted at once).
pub(super) fn fixture() -> &'static HashMap<&'static str, Vec<u8>> {
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
