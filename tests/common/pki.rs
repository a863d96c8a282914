//! Certificates and private keys for the TLS tests, made in memory: certificates with rcgen
//! (fixed validity dates, so nothing depends on today's date), keys in the formats the library
//! reads (PKCS#8, PKCS#1, SEC1, encrypted PKCS#8, OpenSSL's legacy PEM encryption). No
//! command-line tool is involved.
//!
//! This file is shared: the integration tests have it as `common::pki`, and the library's unit
//! tests (`src/transport/tls/tests`) include it with a `#[path]` attribute, so it uses nothing
//! but its own dependencies.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
    KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, SerialNumber, date_time_ymd,
};

/// An RSA key (2048 bits, PKCS#8) that exists only for these tests and protects nothing. It is
/// fixed here because ring, which rcgen uses, cannot generate RSA keys; the servers of the tests
/// use RSA so that the ECDHE-RSA cipher suites apply.
pub(crate) const TEST_RSA_KEY_1: &str = "\
-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC8p8MYnN9o5TjP
/V6M3KfAs6nf5zwhuM+QRIQrxWZErakFo771AKiNIDKLZMA5yifhQDl905XH9NG1
qk2XFkMQRiQMx0C3FBJIOa3KVNYMht+XMrSx5kb5REm4GMzszwxj3zieT6hXDidk
cG0eexghxmffRnJ9ruVSCOS4naC9acoMT+4mpBjMZ8YpKehDvfDBMmOrLZjMldXd
sCh+xnW9nzcY/S/lbGZteZOLMONrEWSr6umg1Z/xRzkItrIPYLMXlOEi0tISipOq
pxytJAc4lq4/jES9W7EQwNyag0M5WqPhl2Jty8hq3ucB8ZDciitfC13xPRAeIALI
PiUZdgWxAgMBAAECggEAKNsoHD90/rGNsTWM8XKj/c6q/muEkUUF5peADD6u3DbD
wQ3qQAMJfa64Y4nJO3q1UknnaYGWEXzKoc4lCZBvq6mVCxNnx35YSz36jjP7OzFG
YOdBTLmzKy6HzI/KaYqZg1OHXnmf2mKdU1opt40u97mRK0CFcQScczyr0/OHKR3N
TC4V19OYK7ZnqxL5ffPLNf+3qb3OmHJ1kSnxX1LmBPUgC1/fF7DsmiFPbyjkhXOn
htt84EdduLcgHZuU1YWpjwr9kfVL70zo4XD/rm5627bTsEOZoUV++fM5+inRjCyT
9xNcDV1roUW/NQ+Ph3gALQtOyDmY+BoQ+lF1VCP4NQKBgQDzj4SAXUnxXsq5zgeL
ZaE2Nj5/hAbQbWFKuWlNxkzMFv2M6nFJXZ6UHa4A2eTI0Tze8P3LbBgoMqLafef+
d2LTsNDTrQNJNJwg1ghWZzPafOtj/eWTDUbHBmon4ygjEL1GmytOJlG0bMAHAO+P
TLlJy1UXBOGtFrmOF9a9Aqfj2wKBgQDGSl/Ig7ih1xV08btqQKAgL3O1OvKdCtOv
KyPDO0ZuZtmPxDzRTwqCzajOMDfaoqELhRXZuTfLixzp/dXRdhK0OdyXB5/rMbdl
bDSyQyhWQDqozhm8gyrJ6IiZBbZvNxigiqHq4518JOlZtBV+V3VnUiy2JfFFdBvj
oMtEIWM4YwKBgQCkNVmXFc5ZjphNZyvM/ssO+sluPXw+n9Adih4GErEKVGHD1Phm
B1l38P60kjNedTt976qcsJck2ubTOlnkRWd649YXMKlrfK3asZLTdicOonQtaSuT
1jqmyptdoxgXdBy4crtiqBEj/MIGtsnMqmSt7QnESEVC5nRZ6ZacviKlSwKBgDYB
IY8h2NIzGwPrpkhs6294nQHZ2SPORBLsI+RTK358Anr2Tj4PUeSIEJZ/aWbhbg0O
JQJUQI7uB2TvHiHbD4MIUzzK9dH/i1xTGRMH2V+MRK2e3EGMU8YDz9glRyeJEOsA
dtLbRRP/lZI5yrTLKw2Fwumk8c4hrkrTiyi2EyjTAoGAXZZfv9qcA6AiUGAJYDum
IRK5e2BVgV0niD17+MUEETppZSXZ0Q+m4zhidDFnyc/cAlAdwvCeYb64Hpr9hArT
GY8RJHfoUv/S0c7uXpt2WgjHmhxcP2SiAy4D3rkaT6ITS4zQ97KufEWlXep5dTtp
LI1WiwSTQ5dpTz6KOAH+MQ8=
-----END PRIVATE KEY-----
";

/// A second RSA key for tests only (PKCS#8), for where two RSA keys must differ.
pub(crate) const TEST_RSA_KEY_2: &str = "\
-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDTyvcXmh+ueNy1
jUHesSx9G+sxtaFicyAJU491B5jAgRIkoe953dVfAW2R3NwnmznTFLAfP94QSikG
rY9Gf3z8ppn9uunH1iO+Oj6efqUI0b/5OlLnpJsAPXvgVSsIAziDe5hcEErF/AFE
ExeiE8dZAvXgJ6A1S8DJ0+b8Zz5bFPayNawtN9KFWaEL21l36BkVopL6LsvzTga3
KeGY/9DnJRk8ZSNi4Mo/PvzFGmFTKJiIHO5rzqHmu/MVQUJpYYp9dEgKhd21L4TQ
AvdrAeic73t0SLLpArgrubpmUYrtyjhTEzZWPfxi3FqvTgXaTPxq9oVscve//lZS
biZPDt8LAgMBAAECggEAAPL6mxn40cZySSpm/nfK/1jvlTG/SLQp+bC5ecJJ20Iy
a4SbdwkMXdhUfkaMzznUXAK00vPT0gnePjMeUcGpGzuNGoR+BYQk29zh9Y7gVkMU
xt0Nv9w04tIW6u3zlLeC+myq3zq/3KKtx/k37jHqS+O5NPYO5nFxxAj7+R4zVHAo
OYX/16+3IE7YfrgbXctZjHE8ihK1MZJJAiBYCstBOK6EValhZWtAMLb+aSTgcNy7
48fXrDurB9UmOXUCzCnjmY0IfGDsdto5ARcp+bAMzYc1u3m48hYQjatPq4bV2TBt
iUTRb/vxT/Sqh/48JXKXB0sdI8lEtz9VykXTKu2+CQKBgQDwS08GYHmB420CDnhv
n/ztZIqSTKoP1SdZSKeGppUZBR2sTT2ml7si9YoEZooYyXT0t4sCDvJom+lp8Vg8
hnGwWgT/zzjvl689agQp/wrQvWICTV2HSsHtnW4ZMqsYcTSqVuxQm2ny3qBs8wJP
zm+rWtc/YM3AyxfPA/ESAvtgEwKBgQDhosLwr5SNc9bT13fuuTkOwqBuD1zBc/BO
EIBKcKH3ew4fdtroRFnbRH2vpE458pTptRXXuepgQP2LfPX2ewyl5HlGISSfg6sd
Mx6PUOwebfeWBBexUeN90n0EcsCH6FbcnAzUeCpVFsZxebtrtfoDrRE2GDCWeW6l
SLkDQOkUKQKBgQDB9cff+deahJzk4BFO6PEcHd/Mn51WElQkuYSgJ66J95swDVkK
M8eWPGQfkTU/NL33GoBWNQJudgs+vNTgZhU2qDMI2Ze3rdSB2iVqULfGLlgCS7iH
EEzhJAZOyJtaq2Y7aNZvakNnC1SrHKxtBtEUm8rLGbR7PnQFYcUhKM8HiQKBgAdW
NoaC/w6WbK7Yu8KcbTmIpJTPlRGJRpATQ0ioXuvgKXZmc/nHdzCFCp0yd4S02Zi7
1aj9F5znoBbwCkNofuHKCxN3smwpaN/7MIwycmsO4lUTbv3KDt6hgIUrgg0pReHI
hTZHbgD0S6GW9rwq36VM9FlQ8guCiVGAituLOcj5AoGBAJm/xfv3ExFwoK5U7PUS
1bWDb0uI5IkUjaQMm+KBEeD/BdmhE2QtoJlabY1XocZcdT2x7ztnoe6vf7ZIMiuX
IrsnUAv7dNOd+4akNL5LBngbFbDhdfO8YJHiAx0E1GNVyuJHfa+SZzHVxvlVN5VH
0apf6Mc0KoRuCXzQ4vrJHqGs
-----END PRIVATE KEY-----
";

/// A new P-256 key.
pub(crate) fn ec_key() -> KeyPair {
    KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("generate a P-256 key")
}

/// One of the fixed RSA keys above.
pub(crate) fn rsa_key(pem: &str) -> KeyPair {
    KeyPair::from_pem(pem).expect("parse a test RSA key")
}

/// A calendar date (year, month, day); certificates start and end at midnight UTC.
pub(crate) type Date = (i32, u8, u8);

/// From 2020 to the end of 2099.
pub(crate) const ALWAYS: (Date, Date) = ((2020, 1, 1), (2099, 12, 31));
/// January 2020 only.
pub(crate) const EXPIRED: (Date, Date) = ((2020, 1, 1), (2020, 2, 1));
/// From 2090 on.
pub(crate) const LATER: (Date, Date) = ((2090, 1, 1), (2099, 12, 31));

/// What an end-entity certificate says.
pub(crate) struct Leaf<'a> {
    /// The subject's common name.
    pub(crate) cn: &'a str,
    /// Subject alternative names: IP addresses where they parse as one, DNS names otherwise; none
    /// leaves the extension out.
    pub(crate) sans: &'a [&'a str],
    /// The extended key usage: server or client authentication.
    pub(crate) usage: ExtendedKeyUsagePurpose,
    /// Key usage keyEncipherment besides digitalSignature.
    pub(crate) key_encipherment: bool,
    /// Not before, not after.
    pub(crate) validity: (Date, Date),
}

fn validity(params: &mut CertificateParams, (from, until): (Date, Date)) {
    params.not_before = date_time_ymd(from.0, from.1, from.2);
    params.not_after = date_time_ymd(until.0, until.1, until.2);
}

fn subject(cn: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    dn
}

/// A certificate authority: a self-signed P-256 certificate valid from 2020 to 2099.
pub(crate) struct Ca {
    issuer: Issuer<'static, KeyPair>,
    /// The CA certificate, PEM.
    pub(crate) pem: String,
    next_serial: std::cell::Cell<u64>,
}

impl Ca {
    pub(crate) fn new(cn: &str) -> Ca {
        let key = ec_key();
        let mut params = CertificateParams::default();
        params.distinguished_name = subject(cn);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.serial_number = Some(SerialNumber::from_slice(&[1]));
        validity(&mut params, ALWAYS);
        let pem = params.self_signed(&key).expect("self-sign the CA").pem();
        Ca {
            issuer: Issuer::new(params, key),
            pem,
            next_serial: std::cell::Cell::new(0x1000),
        }
    }

    /// A certificate for `key` as `leaf` describes it, signed by this CA; PEM.
    pub(crate) fn issue(&self, leaf: &Leaf<'_>, key: &KeyPair) -> String {
        let sans: Vec<String> = leaf.sans.iter().map(|s| s.to_string()).collect();
        let mut params = CertificateParams::new(sans).expect("subject alternative names");
        params.distinguished_name = subject(leaf.cn);
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = if leaf.key_encipherment {
            vec![
                KeyUsagePurpose::DigitalSignature,
                KeyUsagePurpose::KeyEncipherment,
            ]
        } else {
            vec![KeyUsagePurpose::DigitalSignature]
        };
        params.extended_key_usages = vec![leaf.usage.clone()];
        params.use_authority_key_identifier_extension = true;
        let serial = self.next_serial.get();
        self.next_serial.set(serial + 1);
        params.serial_number = Some(SerialNumber::from_slice(&serial.to_be_bytes()));
        validity(&mut params, leaf.validity);
        params
            .signed_by(key, &self.issuer)
            .expect("sign a certificate")
            .pem()
    }
}

impl Ca {
    /// [`Ca::issue`] in the X.509 version 1 format (no version field, no extensions), as
    /// `openssl x509 -req` makes certificates when it is given no extensions; PEM.
    pub(crate) fn issue_v1(&self, leaf: &Leaf<'_>, key: &KeyPair) -> String {
        use rcgen::SigningKey;
        let v3 = self.issue(leaf, key);
        let v3_der = pem_body(&v3);
        let (_, cert, _) = der_element(&v3_der);
        let (_, tbs, rest) = der_element(cert);
        let (_, algorithm, _) = der_element(rest);
        let mut fields = Vec::new();
        let mut data = tbs;
        while !data.is_empty() {
            let (tag, contents, next) = der_element(data);
            // [0] version and [3] extensions are left out.
            if tag != 0xa0 && tag != 0xa3 {
                fields.extend(der(tag, contents));
            }
            data = next;
        }
        let tbs = der(0x30, &fields);
        let signature = self.issuer.key().sign(&tbs).expect("sign");
        let mut bits = vec![0u8];
        bits.extend(signature);
        let mut body = tbs;
        body.extend(der(0x30, algorithm));
        body.extend(der(0x03, &bits));
        pem("CERTIFICATE", &der(0x30, &body))
    }
}

/// The DER inside the first PEM block of `text`.
fn pem_body(text: &str) -> Vec<u8> {
    let b64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = b64.bytes().filter(|c| *c != b'=').map(value).collect();
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &v)| n | u32::from(v) << (18 - 6 * i));
        for i in 0..chunk.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

// --- key formats ------------------------------------------------------------------------------

/// `der` as a PEM block labelled `label`, with RFC 1421 header lines if any.
pub(crate) fn pem_with_headers(label: &str, headers: &[(&str, String)], der: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for chunk in der.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                b64.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                b64.push('=');
            }
        }
    }
    let mut out = format!("-----BEGIN {label}-----\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\n"));
    }
    if !headers.is_empty() {
        out.push('\n');
    }
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// `der` as a PEM block labelled `label`.
pub(crate) fn pem(label: &str, der: &[u8]) -> String {
    pem_with_headers(label, &[], der)
}

/// One DER element: its tag, its contents and what follows it.
fn der_element(input: &[u8]) -> (u8, &[u8], &[u8]) {
    let tag = input[0];
    let (len, start) = match input[1] {
        n if n < 0x80 => (usize::from(n), 2),
        n => {
            let count = usize::from(n & 0x7f);
            let len = input[2..2 + count]
                .iter()
                .fold(0usize, |len, &b| len << 8 | usize::from(b));
            (len, 2 + count)
        }
    };
    (tag, &input[start..start + len], &input[start + len..])
}

/// A DER element with `tag` and `contents`.
fn der(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match contents.len() {
        n if n < 0x80 => out.push(n as u8),
        n if n <= 0xff => out.extend([0x81, n as u8]),
        n => out.extend([0x82, (n >> 8) as u8, n as u8]),
    }
    out.extend_from_slice(contents);
    out
}

/// The key inside a PKCS#8 document (RSAPrivateKey for RSA, ECPrivateKey for EC).
fn pkcs8_inner(key: &KeyPair) -> Vec<u8> {
    let der = key.serialize_der();
    let info = pkcs8::PrivateKeyInfo::try_from(der.as_slice()).expect("parse PKCS#8");
    info.private_key.to_vec()
}

/// An RSA key as PKCS#1 (OpenSSL's "traditional" `RSA PRIVATE KEY`), DER.
pub(crate) fn pkcs1_der(key: &KeyPair) -> Vec<u8> {
    pkcs8_inner(key)
}

/// A P-256 key as SEC1 (OpenSSL's "traditional" `EC PRIVATE KEY`, with the curve named in it),
/// DER.
pub(crate) fn sec1_der(key: &KeyPair) -> Vec<u8> {
    // The OID of prime256v1, as the [0] parameters element.
    const P256: &[u8] = &[
        0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
    ];
    let inner = pkcs8_inner(key);
    let (tag, mut rest, _) = der_element(&inner);
    assert_eq!(tag, 0x30, "ECPrivateKey is a sequence");
    let mut body = Vec::new();
    // version and privateKey, then the parameters unless they are there already.
    for _ in 0..2 {
        let (tag, contents, next) = der_element(rest);
        body.extend(der(tag, contents));
        rest = next;
    }
    if rest.first() != Some(&0xa0) {
        body.extend_from_slice(P256);
    }
    body.extend_from_slice(rest);
    der(0x30, &body)
}

/// The PKCS#8 encryptions of the tests (PBES2).
#[derive(Clone, Copy)]
pub(crate) enum Pkcs8Cipher {
    /// PBKDF2 with HMAC-SHA256, AES-256-CBC.
    Aes256,
    /// PBKDF2 with HMAC-SHA1, DES-EDE3-CBC.
    Des3Sha1,
    /// scrypt (N = 2^14, r = 8, p = 1), AES-256-CBC.
    ScryptAes256,
}

/// `key` as encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`) with `password`, PEM. Salt and IV are
/// fixed: these keys protect nothing.
pub(crate) fn encrypted_pkcs8_pem(key: &KeyPair, password: &str, cipher: Pkcs8Cipher) -> String {
    use pkcs8::pkcs5::{pbes2, scrypt};
    const SALT: [u8; 16] = *b"test salt 16 byt";
    const IV: [u8; 16] = *b"test iv 16 bytes";
    const IV8: [u8; 8] = *b"test iv8";
    let der = key.serialize_der();
    let info = pkcs8::PrivateKeyInfo::try_from(der.as_slice()).expect("parse PKCS#8");
    let params = match cipher {
        Pkcs8Cipher::Aes256 => pbes2::Parameters::pbkdf2_sha256_aes256cbc(2048, &SALT, &IV),
        Pkcs8Cipher::Des3Sha1 => Ok(pbes2::Parameters {
            kdf: pbes2::Kdf::Pbkdf2(pbes2::Pbkdf2Params {
                salt: &SALT,
                iteration_count: 2048,
                key_length: None,
                prf: pbes2::Pbkdf2Prf::HmacWithSha1,
            }),
            encryption: pbes2::EncryptionScheme::DesEde3Cbc { iv: &IV8 },
        }),
        Pkcs8Cipher::ScryptAes256 => pbes2::Parameters::scrypt_aes256cbc(
            scrypt::Params::new(14, 8, 1, 32).expect("scrypt parameters"),
            &SALT,
            &IV,
        ),
    }
    .expect("PBES2 parameters");
    let doc = info
        .encrypt_with_params(params, password)
        .expect("encrypt PKCS#8");
    pem("ENCRYPTED PRIVATE KEY", doc.as_bytes())
}

/// The ciphers of OpenSSL's legacy PEM encryption that the tests use.
#[derive(Clone, Copy)]
pub(crate) enum LegacyCipher {
    Aes128,
    Aes256,
    Des3,
}

/// `der` (a PKCS#1 or SEC1 key) as OpenSSL's legacy encrypted PEM (`Proc-Type: 4,ENCRYPTED` and
/// `DEK-Info`), labelled `label`: the key is derived from the password and the first 8 bytes of
/// the IV as `EVP_BytesToKey` does with MD5 and one round, the DER is CBC-encrypted with PKCS#7
/// padding. The IV is fixed: these keys protect nothing.
pub(crate) fn legacy_encrypted_pem(label: &str, der: &[u8], password: &str, cipher: LegacyCipher) -> String {
    use cbc::cipher::block_padding::Pkcs7;
    use cbc::cipher::{BlockEncryptMut, KeyIvInit};
    use md5::{Digest, Md5};

    let (name, key_len, iv): (&str, usize, &[u8]) = match cipher {
        LegacyCipher::Aes128 => ("AES-128-CBC", 16, b"legacy iv 16 byt"),
        LegacyCipher::Aes256 => ("AES-256-CBC", 32, b"legacy iv 16 byt"),
        LegacyCipher::Des3 => ("DES-EDE3-CBC", 24, b"legacyiv"),
    };
    let mut key = Vec::new();
    let mut prev = Vec::new();
    while key.len() < key_len {
        let mut md5 = Md5::new();
        md5.update(&prev);
        md5.update(password.as_bytes());
        md5.update(&iv[..8]);
        prev = md5.finalize().to_vec();
        key.extend_from_slice(&prev);
    }
    key.truncate(key_len);
    let mut buf = der.to_vec();
    buf.resize(der.len() + 16, 0);
    let sealed = match cipher {
        LegacyCipher::Aes128 => cbc::Encryptor::<aes::Aes128>::new_from_slices(&key, iv)
            .expect("key and IV")
            .encrypt_padded_mut::<Pkcs7>(&mut buf, der.len())
            .map(|c| c.len()),
        LegacyCipher::Aes256 => cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, iv)
            .expect("key and IV")
            .encrypt_padded_mut::<Pkcs7>(&mut buf, der.len())
            .map(|c| c.len()),
        LegacyCipher::Des3 => cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, iv)
            .expect("key and IV")
            .encrypt_padded_mut::<Pkcs7>(&mut buf, der.len())
            .map(|c| c.len()),
    }
    .expect("room for the padding");
    buf.truncate(sealed);
    let iv_hex: String = iv.iter().map(|b| format!("{b:02X}")).collect();
    let headers = [
        ("Proc-Type", "4,ENCRYPTED".to_string()),
        ("DEK-Info", format!("{name},{iv_hex}")),
    ];
    pem_with_headers(label, &headers, &buf)
}
