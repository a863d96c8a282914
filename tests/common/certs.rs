//! Certificates and keys for the TLS tests, made with the `openssl` command-line tool once per
//! test binary and kept in memory. Each test writes them into a directory of its own
//! ([`CertDir`]), which is deleted when the test ends, so no key outlives the test run.
//!
//! What there is (`*.crt` certificates, `*.key` private keys, all PEM):
//!
//! | file | what |
//! |---|---|
//! | `ca.crt` | the test CA |
//! | `server.crt`, `server.key` | RSA server certificate from the CA for `localhost`, `127.0.0.1` and `::1` |
//! | `expired.crt` | the same names and key, but valid only in January 2020 |
//! | `wrong-host.crt` | the same key, for the name `wrong-host.invalid` only |
//! | `cn-only.crt` | the same key, `localhost` in the subject's common name and no alternative names |
//! | `other-ca.crt` | a second CA, which the tests do not trust |
//! | `other-server.crt` | the server's names and key, certified by the second CA |
//! | `client.crt`, `client.key` | EC client certificate (X.509 v3, client authentication) from the CA |
//! | `client-enc.key` | `client.key` in encrypted PKCS#8 (AES-256), password [`KEY_PASSWORD`] |
//! | `client-legacy-enc.key` | `client.key` with OpenSSL's traditional PEM encryption, same password |
//! | `no-cert.pem` | a text file without any certificate |

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use super::{TempDir, run};

/// The password of the encrypted client keys.
pub const KEY_PASSWORD: &str = "open sesame 42";

/// The configuration the openssl tool works with: request defaults, the extensions of each kind
/// of certificate, and a minimal CA database for `openssl ca` (the only way the installed
/// OpenSSL has to issue a certificate with chosen validity dates, here an expired one).
const OPENSSL_CONFIG: &str = "\
[req]
distinguished_name = req_dn
[req_dn]

[ext_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ext_server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ext_wrong_host]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong-host.invalid
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ext_cn_only]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ext_client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ca]
default_ca = issuer
[issuer]
database = index.txt
new_certs_dir = issued
serial = serial.txt
default_md = sha256
policy = any_name
unique_subject = no
[any_name]
commonName = supplied
";

/// Valid from 2020 to 2099.
const LONG_AGO: &str = "20200101000000Z";
const FAR_AHEAD: &str = "20991231235959Z";

fn openssl(dir: &Path, args: &[&str]) {
    let out = run(
        Command::new("openssl").args(args).current_dir(dir),
        Duration::from_secs(60),
        None,
    )
    .expect("the openssl command-line tool is needed for the TLS tests");
    out.assert_success(&format!("openssl {}", args.join(" ")));
}

/// Issue a certificate for `key` with `subject`, signed by the CA `ca` (its `.crt` and `.key`),
/// with the extension section `ext`, valid from `start` to `end`.
#[allow(clippy::too_many_arguments)]
fn issue(dir: &Path, out: &str, key: &str, subject: &str, ca: &str, ext: &str, start: &str, end: &str) {
    let csr = format!("{out}.csr");
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-config",
            "openssl.cnf",
            "-key",
            key,
            "-subj",
            subject,
            "-out",
            &csr,
        ],
    );
    openssl(
        dir,
        &[
            "ca",
            "-batch",
            "-notext",
            "-config",
            "openssl.cnf",
            "-cert",
            &format!("{ca}.crt"),
            "-keyfile",
            &format!("{ca}.key"),
            "-extensions",
            ext,
            "-startdate",
            start,
            "-enddate",
            end,
            "-in",
            &csr,
            "-out",
            out,
        ],
    );
}

/// Generate every file once and keep the ones the tests use.
fn generated() -> &'static BTreeMap<&'static str, Vec<u8>> {
    static FILES: OnceLock<BTreeMap<&'static str, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let tmp = TempDir::new("certgen");
        let d = tmp.path();
        std::fs::write(d.join("openssl.cnf"), OPENSSL_CONFIG).expect("write openssl.cnf");
        std::fs::write(d.join("index.txt"), "").expect("write index.txt");
        std::fs::write(d.join("serial.txt"), "01\n").expect("write serial.txt");
        std::fs::create_dir(d.join("issued")).expect("create issued/");
        let ec = [
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
        ];
        for (name, cn) in [("ca", "/CN=Test CA"), ("other-ca", "/CN=Other Test CA")] {
            let key = format!("{name}.key");
            openssl(d, &[&ec[..], &[key.as_str()]].concat());
            openssl(
                d,
                &[
                    "req",
                    "-new",
                    "-x509",
                    "-config",
                    "openssl.cnf",
                    "-extensions",
                    "ext_ca",
                    "-key",
                    &key,
                    "-subj",
                    cn,
                    "-days",
                    "3650",
                    "-out",
                    &format!("{name}.crt"),
                ],
            );
        }
        // RSA for the server, so that ECDHE-RSA cipher suites apply.
        openssl(
            d,
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
                "server.key",
            ],
        );
        openssl(d, &[&ec[..], &["client.key"]].concat());
        let server = "/CN=localhost";
        issue(
            d,
            "server.crt",
            "server.key",
            server,
            "ca",
            "ext_server",
            LONG_AGO,
            FAR_AHEAD,
        );
        issue(
            d,
            "expired.crt",
            "server.key",
            server,
            "ca",
            "ext_server",
            LONG_AGO,
            "20200201000000Z",
        );
        issue(
            d,
            "wrong-host.crt",
            "server.key",
            "/CN=wrong-host.invalid",
            "ca",
            "ext_wrong_host",
            LONG_AGO,
            FAR_AHEAD,
        );
        issue(
            d,
            "cn-only.crt",
            "server.key",
            server,
            "ca",
            "ext_cn_only",
            LONG_AGO,
            FAR_AHEAD,
        );
        issue(
            d,
            "other-server.crt",
            "server.key",
            server,
            "other-ca",
            "ext_server",
            LONG_AGO,
            FAR_AHEAD,
        );
        issue(
            d,
            "client.crt",
            "client.key",
            "/CN=test-client",
            "ca",
            "ext_client",
            LONG_AGO,
            FAR_AHEAD,
        );
        let pass = format!("pass:{KEY_PASSWORD}");
        openssl(
            d,
            &[
                "pkcs8",
                "-topk8",
                "-v2",
                "aes-256-cbc",
                "-in",
                "client.key",
                "-passout",
                &pass,
                "-out",
                "client-enc.key",
            ],
        );
        openssl(
            d,
            &[
                "ec",
                "-aes256",
                "-in",
                "client.key",
                "-passout",
                &pass,
                "-out",
                "client-legacy-enc.key",
            ],
        );
        std::fs::write(d.join("no-cert.pem"), "This file holds no certificate.\n")
            .expect("write no-cert.pem");
        let names = [
            "ca.crt",
            "server.crt",
            "server.key",
            "expired.crt",
            "wrong-host.crt",
            "cn-only.crt",
            "other-ca.crt",
            "other-server.crt",
            "client.crt",
            "client.key",
            "client-enc.key",
            "client-legacy-enc.key",
            "no-cert.pem",
        ];
        names
            .into_iter()
            .map(|n| {
                let data = std::fs::read(d.join(n)).unwrap_or_else(|e| panic!("read generated {n}: {e}"));
                (n, data)
            })
            .collect()
    })
}

/// A directory holding every certificate and key, deleted on drop.
pub struct CertDir {
    dir: TempDir,
}

impl CertDir {
    /// Write the files (generated on first use) into a new directory.
    pub fn new() -> CertDir {
        let dir = TempDir::new("certs");
        for (name, data) in generated() {
            std::fs::write(dir.join(name), data).unwrap_or_else(|e| panic!("write {name}: {e}"));
        }
        CertDir { dir }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The path of one of the files (see the module documentation); panics for an unknown name.
    pub fn path(&self, name: &str) -> PathBuf {
        assert!(generated().contains_key(name), "no certificate file {name}");
        self.dir.join(name)
    }

    /// [`CertDir::path`] as a string.
    pub fn file(&self, name: &str) -> String {
        self.path(name).to_str().expect("UTF-8 temporary path").to_owned()
    }

    /// An OpenSSL configuration file that caps every TLS context of a program at TLS 1.2, for a
    /// broker run with `OPENSSL_CONF` pointing at it (its own `tls_version` option only sets the
    /// lowest version).
    pub fn openssl_conf_tls12_only(&self) -> PathBuf {
        let path = self.dir.join("openssl-tls12.cnf");
        std::fs::write(
            &path,
            "openssl_conf = settings\n[settings]\nssl_conf = ssl\n[ssl]\nsystem_default = caps\n\
             [caps]\nMaxProtocol = TLSv1.2\n",
        )
        .expect("write the OpenSSL configuration");
        path
    }

    /// The configuration lines of a broker TLS listener presenting the certificate `cert` (with
    /// `server.key`) and trusting the test CA for client certificates.
    pub fn listener(&self, cert: &str) -> String {
        format!(
            "cafile {}\ncertfile {}\nkeyfile {}\n",
            self.file("ca.crt"),
            self.file(cert),
            self.file("server.key")
        )
    }
}

impl Default for CertDir {
    fn default() -> Self {
        Self::new()
    }
}
