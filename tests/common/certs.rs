//! Certificates and keys for the TLS tests, made in memory once per test binary (see
//! [`super::pki`]: rcgen, fixed dates, no command-line tool). Each test writes them into a
//! directory of its own ([`CertDir`]), which is deleted when the test ends, so no key outlives
//! the test run.
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
//! | `client-v1.crt` | the same client and key in the X.509 version 1 format (no extensions) |
//! | `other-client.crt` | the client's key, certified by the second CA |
//! | `client-enc.key` | `client.key` in encrypted PKCS#8 (AES-256), password [`KEY_PASSWORD`] |
//! | `client-legacy-enc.key` | `client.key` with OpenSSL's traditional PEM encryption, same password |
//! | `no-cert.pem` | a text file without any certificate |

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rcgen::ExtendedKeyUsagePurpose::{ClientAuth, ServerAuth};

use super::TempDir;
use super::pki::{self, ALWAYS, Ca, EXPIRED, Leaf, LegacyCipher, Pkcs8Cipher};

/// The password of the encrypted client keys.
pub const KEY_PASSWORD: &str = "open sesame 42";

/// Make every file once and keep them.
fn generated() -> &'static BTreeMap<&'static str, Vec<u8>> {
    static FILES: OnceLock<BTreeMap<&'static str, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let ca = Ca::new("Test CA");
        let other_ca = Ca::new("Other Test CA");
        // RSA for the server, so that ECDHE-RSA cipher suites apply.
        let server_key = pki::rsa_key(pki::TEST_RSA_KEY_1);
        let client_key = pki::ec_key();
        let server = |cn, sans, validity| Leaf {
            cn,
            sans,
            usage: ServerAuth,
            key_encipherment: true,
            validity,
        };
        let names: &[&str] = &["localhost", "127.0.0.1", "::1"];
        let client = Leaf {
            cn: "test-client",
            sans: &[],
            usage: ClientAuth,
            key_encipherment: false,
            validity: ALWAYS,
        };
        let files: [(&'static str, String); 15] = [
            ("ca.crt", ca.pem.clone()),
            (
                "server.crt",
                ca.issue(&server("localhost", names, ALWAYS), &server_key),
            ),
            ("server.key", server_key.serialize_pem()),
            (
                "expired.crt",
                ca.issue(&server("localhost", names, EXPIRED), &server_key),
            ),
            (
                "wrong-host.crt",
                ca.issue(
                    &server("wrong-host.invalid", &["wrong-host.invalid"], ALWAYS),
                    &server_key,
                ),
            ),
            (
                "cn-only.crt",
                ca.issue(&server("localhost", &[], ALWAYS), &server_key),
            ),
            ("other-ca.crt", other_ca.pem.clone()),
            (
                "other-server.crt",
                other_ca.issue(&server("localhost", names, ALWAYS), &server_key),
            ),
            ("client.crt", ca.issue(&client, &client_key)),
            ("client-v1.crt", ca.issue_v1(&client, &client_key)),
            ("other-client.crt", other_ca.issue(&client, &client_key)),
            ("client.key", client_key.serialize_pem()),
            (
                "client-enc.key",
                pki::encrypted_pkcs8_pem(&client_key, KEY_PASSWORD, Pkcs8Cipher::Aes256),
            ),
            (
                "client-legacy-enc.key",
                pki::legacy_encrypted_pem(
                    "EC PRIVATE KEY",
                    &pki::sec1_der(&client_key),
                    KEY_PASSWORD,
                    LegacyCipher::Aes256,
                ),
            ),
            ("no-cert.pem", "This file holds no certificate.\n".to_string()),
        ];
        files
            .into_iter()
            .map(|(n, text)| (n, text.into_bytes()))
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
