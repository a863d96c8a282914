//! Encrypted PKCS#8 keys (`ENCRYPTED PRIVATE KEY`): PBES2 of RFC 8018, as OpenSSL writes it.
//!
//! The key derivation is PBKDF2 with HMAC-SHA1, -SHA256, -SHA384 or -SHA512 (ring), or scrypt
//! with the `tls-scrypt-keys` feature; the cipher AES-128/192/256-CBC, or DES-EDE3-CBC with the
//! `tls-legacy-keys` feature. The structure is read with the small DER reader of [`super::x509`].

#![forbid(unsafe_code)]

use std::num::NonZeroU32;

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockCipher, BlockDecryptMut, KeyInit, KeyIvInit};
use zeroize::Zeroizing;

use super::errors::KeyError;
use super::keys::is_der_sequence;
use super::x509::{Tlv, children, tlv};

const SEQUENCE: u8 = 0x30;
const OID: u8 = 0x06;
const OCTET_STRING: u8 = 0x04;
const INTEGER: u8 = 0x02;

/// `id-PBES2` (1.2.840.113549.1.5.13).
const OID_PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
/// `id-PBKDF2` (1.2.840.113549.1.5.12).
const OID_PBKDF2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c];
/// `id-scrypt` (1.3.6.1.4.1.11591.4.11).
const OID_SCRYPT: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b];
/// `id-hmacWithSHA1` (1.2.840.113549.2.7), PBKDF2's default PRF.
const OID_HMAC_SHA1: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x07];
/// `id-hmacWithSHA256` (1.2.840.113549.2.9).
const OID_HMAC_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09];
/// `id-hmacWithSHA384` (1.2.840.113549.2.10).
const OID_HMAC_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x0a];
/// `id-hmacWithSHA512` (1.2.840.113549.2.11).
const OID_HMAC_SHA512: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x0b];
/// `aes128-CBC` (2.16.840.1.101.3.4.1.2).
const OID_AES128_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x02];
/// `aes192-CBC` (2.16.840.1.101.3.4.1.22).
const OID_AES192_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x16];
/// `aes256-CBC` (2.16.840.1.101.3.4.1.42).
const OID_AES256_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a];
/// `des-ede3-cbc` (1.2.840.113549.3.7).
const OID_DES_EDE3_CBC: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x03, 0x07];

/// The key derivation function and its parameters.
enum Kdf<'a> {
    Pbkdf2 {
        salt: &'a [u8],
        iterations: NonZeroU32,
        prf: ring::pbkdf2::Algorithm,
    },
    // Read without the feature too, so that the error names what is missing.
    #[cfg_attr(not(feature = "tls-scrypt-keys"), allow(dead_code))]
    Scrypt {
        salt: &'a [u8],
        log_n: u8,
        r: u32,
        p: u32,
    },
}

/// The cipher: its key length and the IV.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cipher {
    Aes128,
    Aes192,
    Aes256,
    DesEde3,
}

impl Cipher {
    fn key_len(self) -> usize {
        match self {
            Self::Aes128 => 16,
            Self::Aes192 | Self::DesEde3 => 24,
            Self::Aes256 => 32,
        }
    }

    fn iv_len(self) -> usize {
        if self == Self::DesEde3 { 8 } else { 16 }
    }
}

/// Everything read from an `EncryptedPrivateKeyInfo`.
struct Encrypted<'a> {
    kdf: Kdf<'a>,
    cipher: Cipher,
    iv: &'a [u8],
    data: &'a [u8],
}

fn malformed(what: &str) -> KeyError {
    KeyError::Malformed(format!("encrypted PKCS#8: {what}"))
}

fn unsupported(what: &str) -> KeyError {
    KeyError::UnsupportedEncryption(what.to_owned())
}

/// The elements of a SEQUENCE.
fn sequence<'a>(t: &Tlv<'a>, what: &str) -> Result<Vec<Tlv<'a>>, KeyError> {
    if t.tag != SEQUENCE {
        return Err(malformed(what));
    }
    children(t.value).ok_or_else(|| malformed(what))
}

/// A non-negative DER INTEGER that fits in a `u64`.
fn integer(t: &Tlv<'_>, what: &str) -> Result<u64, KeyError> {
    let bytes = match t.value {
        [0, rest @ ..] if !rest.is_empty() => rest,
        v => v,
    };
    if t.tag != INTEGER
        || bytes.is_empty()
        || bytes.len() > 8
        || (bytes[0] & 0x80 != 0 && bytes.len() == t.value.len())
    {
        return Err(malformed(what));
    }
    Ok(bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

fn octets<'a>(t: &Tlv<'a>, what: &str) -> Result<&'a [u8], KeyError> {
    if t.tag == OCTET_STRING {
        Ok(t.value)
    } else {
        Err(malformed(what))
    }
}

fn oid<'a>(t: &Tlv<'a>, what: &str) -> Result<&'a [u8], KeyError> {
    if t.tag == OID {
        Ok(t.value)
    } else {
        Err(malformed(what))
    }
}

fn read_kdf<'a>(algorithm: &Tlv<'a>) -> Result<Kdf<'a>, KeyError> {
    let parts = sequence(algorithm, "key derivation")?;
    let [id, params, ..] = parts.as_slice() else {
        return Err(malformed("key derivation"));
    };
    let id = oid(id, "key derivation")?;
    let fields = sequence(params, "key derivation parameters")?;
    if id == OID_PBKDF2 {
        // salt, iterationCount, keyLength OPTIONAL, prf DEFAULT hmacWithSHA1
        let [salt, count, rest @ ..] = fields.as_slice() else {
            return Err(malformed("PBKDF2 parameters"));
        };
        let salt = octets(salt, "PBKDF2 salt (only a specified salt is supported)")?;
        let iterations = u32::try_from(integer(count, "PBKDF2 iteration count")?)
            .ok()
            .and_then(NonZeroU32::new)
            .ok_or_else(|| malformed("PBKDF2 iteration count"))?;
        let prf_field = rest.iter().find(|t| t.tag == SEQUENCE);
        let prf = match prf_field {
            None => ring::pbkdf2::PBKDF2_HMAC_SHA1,
            Some(t) => {
                let parts = sequence(t, "PBKDF2 PRF")?;
                let prf_id = parts.first().ok_or_else(|| malformed("PBKDF2 PRF"))?;
                match oid(prf_id, "PBKDF2 PRF")? {
                    OID_HMAC_SHA1 => ring::pbkdf2::PBKDF2_HMAC_SHA1,
                    OID_HMAC_SHA256 => ring::pbkdf2::PBKDF2_HMAC_SHA256,
                    OID_HMAC_SHA384 => ring::pbkdf2::PBKDF2_HMAC_SHA384,
                    OID_HMAC_SHA512 => ring::pbkdf2::PBKDF2_HMAC_SHA512,
                    _ => return Err(unsupported("PBKDF2 with a PRF other than HMAC-SHA1/256/384/512")),
                }
            }
        };
        Ok(Kdf::Pbkdf2 {
            salt,
            iterations,
            prf,
        })
    } else if id == OID_SCRYPT {
        // salt, costParameter, blockSize, parallelizationParameter, keyLength OPTIONAL
        let [salt, n, r, p, ..] = fields.as_slice() else {
            return Err(malformed("scrypt parameters"));
        };
        let salt = octets(salt, "scrypt salt")?;
        let n = integer(n, "scrypt cost")?;
        if !n.is_power_of_two() || n < 2 {
            return Err(malformed("scrypt cost"));
        }
        let small = |t: &Tlv<'_>, what: &str| u32::try_from(integer(t, what)?).map_err(|_| malformed(what));
        Ok(Kdf::Scrypt {
            salt,
            log_n: n.trailing_zeros() as u8,
            r: small(r, "scrypt block size")?,
            p: small(p, "scrypt parallelization")?,
        })
    } else {
        Err(unsupported("a key derivation other than PBKDF2 or scrypt"))
    }
}

fn read_cipher<'a>(scheme: &Tlv<'a>) -> Result<(Cipher, &'a [u8]), KeyError> {
    let parts = sequence(scheme, "encryption scheme")?;
    let [id, iv, ..] = parts.as_slice() else {
        return Err(malformed("encryption scheme"));
    };
    let cipher = match oid(id, "encryption scheme")? {
        OID_AES128_CBC => Cipher::Aes128,
        OID_AES192_CBC => Cipher::Aes192,
        OID_AES256_CBC => Cipher::Aes256,
        OID_DES_EDE3_CBC => Cipher::DesEde3,
        _ => {
            return Err(unsupported(
                "a cipher other than AES-128/192/256-CBC or DES-EDE3-CBC",
            ));
        }
    };
    let iv = octets(iv, "IV")?;
    if iv.len() != cipher.iv_len() {
        return Err(malformed("IV"));
    }
    Ok((cipher, iv))
}

fn read(der: &[u8]) -> Result<Encrypted<'_>, KeyError> {
    let outer = tlv(der)
        .filter(|t| t.rest.is_empty())
        .ok_or_else(|| malformed("not one DER element"))?;
    let fields = sequence(&outer, "EncryptedPrivateKeyInfo")?;
    let [algorithm, data] = fields.as_slice() else {
        return Err(malformed("EncryptedPrivateKeyInfo"));
    };
    let algorithm = sequence(algorithm, "encryption algorithm")?;
    let [id, params, ..] = algorithm.as_slice() else {
        return Err(malformed("encryption algorithm"));
    };
    if oid(id, "encryption algorithm")? != OID_PBES2 {
        return Err(unsupported("PKCS#5 v1.5 or PKCS#12 encryption (only PBES2)"));
    }
    let params = sequence(params, "PBES2 parameters")?;
    let [kdf, scheme] = params.as_slice() else {
        return Err(malformed("PBES2 parameters"));
    };
    let kdf = read_kdf(kdf)?;
    let (cipher, iv) = read_cipher(scheme)?;
    Ok(Encrypted {
        kdf,
        cipher,
        iv,
        data: octets(data, "encrypted data")?,
    })
}

fn derive_key(kdf: &Kdf<'_>, password: &[u8], len: usize) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let mut key = Zeroizing::new(vec![0u8; len]);
    match *kdf {
        Kdf::Pbkdf2 {
            salt,
            iterations,
            prf,
        } => {
            ring::pbkdf2::derive(prf, iterations, salt, password, &mut key);
        }
        #[cfg(feature = "tls-scrypt-keys")]
        Kdf::Scrypt { salt, log_n, r, p } => {
            let params = scrypt::Params::new(log_n, r, p, len).map_err(|_| malformed("scrypt parameters"))?;
            scrypt::scrypt(password, salt, &params, &mut key).map_err(|_| malformed("scrypt parameters"))?;
        }
        #[cfg(not(feature = "tls-scrypt-keys"))]
        Kdf::Scrypt { .. } => {
            return Err(unsupported("scrypt (this build has no scrypt support)"));
        }
    }
    Ok(key)
}

/// CBC decryption with PKCS#7 padding in place; the plaintext length, or `None` on bad padding.
pub(super) fn cbc_decrypt<C>(key: &[u8], iv: &[u8], buf: &mut [u8]) -> Option<usize>
where
    C: BlockCipher + BlockDecryptMut + KeyInit,
{
    let decryptor = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    decryptor
        .decrypt_padded_mut::<Pkcs7>(buf)
        .ok()
        .map(|plain| plain.len())
}

/// Decrypt the DER of an `EncryptedPrivateKeyInfo` with `password`: the DER of the
/// `PrivateKeyInfo` inside.
pub(super) fn decrypt(der: &[u8], password: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let info = read(der)?;
    #[cfg(not(feature = "tls-legacy-keys"))]
    if info.cipher == Cipher::DesEde3 {
        return Err(unsupported("DES-EDE3-CBC (this build has no legacy key support)"));
    }
    let key = derive_key(&info.kdf, password, info.cipher.key_len())?;
    let mut buf = Zeroizing::new(info.data.to_vec());
    let plain_len = match info.cipher {
        Cipher::Aes128 => cbc_decrypt::<aes::Aes128>(&key, info.iv, &mut buf),
        Cipher::Aes192 => cbc_decrypt::<aes::Aes192>(&key, info.iv, &mut buf),
        Cipher::Aes256 => cbc_decrypt::<aes::Aes256>(&key, info.iv, &mut buf),
        #[cfg(feature = "tls-legacy-keys")]
        Cipher::DesEde3 => cbc_decrypt::<des::TdesEde3>(&key, info.iv, &mut buf),
        #[cfg(not(feature = "tls-legacy-keys"))]
        Cipher::DesEde3 => None,
    };
    match plain_len {
        Some(len) if is_der_sequence(&buf[..len]) => {
            buf.truncate(len);
            Ok(buf)
        }
        _ => Err(KeyError::WrongPassword),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for der in [
            &[][..],
            &[0x30, 0x00],
            &[0x30, 0x03, 0x30, 0x01, 0x00],
            &[0x04, 0x01, 0xff],
        ] {
            assert!(
                matches!(decrypt(der, b"pw"), Err(KeyError::Malformed(_))),
                "{der:?}"
            );
        }
    }

    #[test]
    fn integers() {
        let t = |v: &'static [u8]| Tlv {
            tag: INTEGER,
            value: v,
            rest: &[],
        };
        assert_eq!(integer(&t(&[0x08, 0x00]), "n").ok(), Some(2048));
        assert_eq!(integer(&t(&[0x00, 0x80]), "n").ok(), Some(128));
        assert!(integer(&t(&[0x80]), "n").is_err());
        assert!(integer(&t(&[]), "n").is_err());
        assert!(integer(&t(&[1, 0, 0, 0, 0, 0, 0, 0, 0]), "n").is_err());
    }
}
