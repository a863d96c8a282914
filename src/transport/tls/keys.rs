//! Private keys: PEM blocks, PKCS#8, PKCS#1 and SEC1 keys, and their decryption (encrypted
//! PKCS#8 and OpenSSL's legacy PEM encryption).

#[cfg(feature = "tls-legacy-keys")]
use super::pbes2::cbc_decrypt;
use super::*;

/// One PEM block, with its RFC 1421 header lines (as used by OpenSSL's legacy encryption).
struct PemBlock<'a> {
    label: &'a [u8],
    headers: Vec<(&'a [u8], &'a [u8])>,
    base64: Vec<u8>,
}

impl PemBlock<'_> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| *v)
    }
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

fn pem_blocks(data: &[u8]) -> Vec<PemBlock<'_>> {
    let mut blocks = Vec::new();
    let mut current: Option<PemBlock<'_>> = None;
    for line in data.split(|&b| b == b'\n').map(trim_ascii) {
        if let Some(rest) = line.strip_prefix(b"-----BEGIN ") {
            current = rest.strip_suffix(b"-----").map(|label| PemBlock {
                label,
                headers: Vec::new(),
                base64: Vec::new(),
            });
        } else if let Some(rest) = line.strip_prefix(b"-----END ") {
            if let Some(block) = current.take()
                && rest.strip_suffix(b"-----") == Some(block.label)
            {
                blocks.push(block);
            }
        } else if let Some(block) = current.as_mut() {
            let colon = line.iter().position(|&b| b == b':');
            match colon {
                Some(at) if block.base64.is_empty() => {
                    block
                        .headers
                        .push((trim_ascii(&line[..at]), trim_ascii(&line[at + 1..])));
                }
                _ => block.base64.extend_from_slice(line),
            }
        }
    }
    blocks
}

#[cfg_attr(not(feature = "tls-legacy-keys"), allow(dead_code))]
pub(super) fn hex_decode(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}

/// Whether `der` is exactly one DER SEQUENCE: what a correctly decrypted key looks like.
pub(super) fn is_der_sequence(der: &[u8]) -> bool {
    let (Some(&0x30), Some(&first)) = (der.first(), der.get(1)) else {
        return false;
    };
    let (len, header) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return false;
        }
        let Some(bytes) = der.get(2..2 + n) else {
            return false;
        };
        (
            bytes.iter().fold(0usize, |acc, &b| (acc << 8) | b as usize),
            2 + n,
        )
    };
    header + len == der.len()
}

fn ask_password(callback: Option<&PasswordCallback>) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let callback = callback.ok_or(KeyError::PasswordRequired)?;
    let mut password = Zeroizing::new(callback(PASSWORD_MAX).ok_or(KeyError::PasswordRequired)?);
    password.truncate(PASSWORD_MAX);
    Ok(password)
}

/// Reads the first private key in `path`, decrypting it if needed.
pub(super) fn load_key(
    path: &Path,
    password: Option<&PasswordCallback>,
) -> Result<PrivateKeyDer<'static>, KeyError> {
    let data = Zeroizing::new(fs::read(path).map_err(|e| KeyError::Unreadable(e.to_string()))?);
    for block in pem_blocks(&data) {
        match block.label {
            b"ENCRYPTED PRIVATE KEY" => {
                return decrypt_pkcs8(&block, password);
            }
            b"RSA PRIVATE KEY" | b"EC PRIVATE KEY" | b"PRIVATE KEY"
                if block
                    .header("Proc-Type")
                    .is_some_and(|v| v.ends_with(b"ENCRYPTED")) =>
            {
                return decrypt_legacy(&block, password);
            }
            _ => {}
        }
    }
    match PrivateKeyDer::from_pem_slice(&data) {
        Ok(key) => Ok(key),
        Err(pem::Error::NoItemsFound) => Err(KeyError::NoKey),
        Err(e) => Err(KeyError::Malformed(pem_error(&e))),
    }
}

fn decrypt_pkcs8(
    block: &PemBlock<'_>,
    password: Option<&PasswordCallback>,
) -> Result<PrivateKeyDer<'static>, KeyError> {
    let der = crate::base64::decode(&block.base64).ok_or_else(|| KeyError::Malformed("bad base64".into()))?;
    let password = ask_password(password)?;
    let plain = pbes2::decrypt(&der, &password)?;
    Ok(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(plain.to_vec())))
}

/// OpenSSL's `EVP_BytesToKey` with MD5 and one iteration, as its legacy PEM encryption uses.
#[cfg(feature = "tls-legacy-keys")]
fn legacy_key(password: &[u8], salt: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(Vec::with_capacity(len + 16));
    let mut prev: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::new());
    while key.len() < len {
        let mut md5 = Md5::new();
        md5.update(prev.as_slice());
        md5.update(password);
        md5.update(salt);
        *prev = md5.finalize().to_vec();
        key.extend_from_slice(&prev);
    }
    key.truncate(len);
    key
}

#[cfg(not(feature = "tls-legacy-keys"))]
fn decrypt_legacy(
    _block: &PemBlock<'_>,
    _password: Option<&PasswordCallback>,
) -> Result<PrivateKeyDer<'static>, KeyError> {
    Err(KeyError::UnsupportedEncryption(
        "OpenSSL's traditional PEM encryption (this build has no legacy key support)".into(),
    ))
}

#[cfg(feature = "tls-legacy-keys")]
fn decrypt_legacy(
    block: &PemBlock<'_>,
    password: Option<&PasswordCallback>,
) -> Result<PrivateKeyDer<'static>, KeyError> {
    let dek = block
        .header("DEK-Info")
        .ok_or_else(|| KeyError::Malformed("encrypted key without DEK-Info".into()))?;
    let comma = dek
        .iter()
        .position(|&b| b == b',')
        .ok_or_else(|| KeyError::Malformed("bad DEK-Info".into()))?;
    let algorithm = String::from_utf8_lossy(trim_ascii(&dek[..comma])).to_ascii_uppercase();
    let iv = hex_decode(trim_ascii(&dek[comma + 1..]))
        .ok_or_else(|| KeyError::Malformed("bad DEK-Info".into()))?;
    let (key_len, iv_len) = match algorithm.as_str() {
        "AES-128-CBC" => (16, 16),
        "AES-192-CBC" => (24, 16),
        "AES-256-CBC" => (32, 16),
        "DES-EDE3-CBC" => (24, 8),
        _ => return Err(KeyError::UnsupportedEncryption(algorithm)),
    };
    if iv.len() != iv_len {
        return Err(KeyError::Malformed("bad DEK-Info".into()));
    }
    let mut buf = Zeroizing::new(
        crate::base64::decode(&block.base64).ok_or_else(|| KeyError::Malformed("bad base64".into()))?,
    );
    let password = ask_password(password)?;
    let key = legacy_key(&password, &iv[..8], key_len);
    let plain_len = match key_len {
        16 => cbc_decrypt::<aes::Aes128>(&key, &iv, &mut buf),
        32 => cbc_decrypt::<aes::Aes256>(&key, &iv, &mut buf),
        _ if iv_len == 16 => cbc_decrypt::<aes::Aes192>(&key, &iv, &mut buf),
        _ => cbc_decrypt::<des::TdesEde3>(&key, &iv, &mut buf),
    };
    let plain = match plain_len {
        Some(len) if is_der_sequence(&buf[..len]) => buf[..len].to_vec(),
        _ => return Err(KeyError::WrongPassword),
    };
    Ok(match block.label {
        b"RSA PRIVATE KEY" => PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(plain)),
        b"EC PRIVATE KEY" => PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(plain)),
        _ => PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(plain)),
    })
}
