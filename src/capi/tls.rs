//! TLS settings. TLS is provided by rustls: no OpenSSL is linked or loaded, so the functions that
//! hand out or take OpenSSL objects are not supported, and TLS-PSK (which rustls does not
//! offer) neither. Built without the `tls` feature, every function here returns
//! `MOSQ_ERR_NOT_SUPPORTED` (`mosquitto_ssl_get` NULL), as libmosquitto built without TLS does.

use std::ffi::{c_char, c_int, c_void};
use std::path::PathBuf;
use std::sync::Arc;

use super::error::code;
use super::handle::shared;
use super::types::*;
use super::util::cstr_bytes;
use crate::client::Error;
use crate::transport::tls::{self, PasswordCallback};

/// The C form of the private key password callback.
type PwCallback = unsafe extern "C" fn(*mut c_char, c_int, c_int, *mut c_void) -> c_int;

/// A path from C, after checking that the file can be opened for reading.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
unsafe fn readable(path: *const c_char) -> Option<Option<PathBuf>> {
    // SAFETY: forwarded contract.
    let Some(bytes) = (unsafe { cstr_bytes(path) }) else {
        return Some(None);
    };
    let path = path_from(bytes);
    std::fs::File::open(&path).ok().map(|_| Some(path))
}

/// A file path from the bytes of a C string.
fn path_from(bytes: &[u8]) -> PathBuf {
    PathBuf::from(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(
        bytes,
    ))
}

/// Wrap the application's password callback. It is called, without any lock held, when a
/// connection loads an encrypted private key, with the client pointer as its userdata.
fn password_callback(f: PwCallback, mosq: *mut mosquitto) -> PasswordCallback {
    let client = mosq as usize;
    Arc::new(move |max: usize| {
        let size = max.clamp(1, 1024);
        let mut buf = vec![0u8; size];
        // SAFETY: the application's callback, given a writable buffer of `size` bytes.
        let n = unsafe { f(buf.as_mut_ptr().cast(), size as c_int, 0, client as *mut c_void) };
        let n = usize::try_from(n).ok().filter(|&n| n > 0)?;
        buf.truncate(n.min(size));
        Some(buf)
    })
}

/// Whether an OpenSSL cipher list names a suite this library offers.
#[cfg(feature = "tls")]
fn ciphers_ok(list: &str) -> bool {
    tls::check_ciphers(list)
}

#[cfg(not(feature = "tls"))]
fn ciphers_ok(_: &str) -> bool {
    false
}

/// Use TLS for the next connections, trusting the CA certificates in `cafile` (PEM) and/or the
/// directory `capath`, and optionally presenting the client certificate `certfile` with its
/// private key `keyfile` (both PEM). An encrypted key is decrypted with the password
/// `pw_callback` writes into its buffer (returning the length); its last argument is the client.
///
/// The files are read when connecting; failures then make the connection fail with
/// `MOSQ_ERR_TLS` and an error log line that names the file and the problem.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` (NULL client, neither `cafile` nor `capath`,
/// only one of `certfile` and `keyfile`, or a file that cannot be opened);
/// `MOSQ_ERR_NOT_SUPPORTED` from a build without TLS.
///
/// # Safety
/// `mosq` is NULL or a valid client; the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_tls_set(
    mosq: *mut mosquitto,
    cafile: *const c_char,
    capath: *const c_char,
    certfile: *const c_char,
    keyfile: *const c_char,
    pw_callback: Option<
        unsafe extern "C" fn(buf: *mut c_char, size: c_int, rwflag: c_int, userdata: *mut c_void) -> c_int,
    >,
) -> c_int {
    ffi_boundary! {
        if !cfg!(feature = "tls") {
            return MOSQ_ERR_NOT_SUPPORTED;
        }
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        if (cafile.is_null() && capath.is_null()) || certfile.is_null() != keyfile.is_null() {
            return code(&Error::Inval);
        }
        // SAFETY: forwarded contract (each readable() call).
        let (Some(cafile), Some(certfile), Some(keyfile)) =
            (unsafe { readable(cafile) }, unsafe { readable(certfile) }, unsafe { readable(keyfile) })
        else {
            return code(&Error::Inval);
        };
        // SAFETY: forwarded contract.
        let capath = unsafe { cstr_bytes(capath) }.map(path_from);
        let mut settings = s.client.settings();
        let t = settings.tls();
        t.cafile = cafile;
        t.capath = capath;
        t.certfile = certfile;
        t.keyfile = keyfile;
        t.password = pw_callback.map(|f| password_callback(f, mosq));
        MOSQ_ERR_SUCCESS
    }
}

/// With `value` true, do not check that the server's certificate names the host connected to
/// (the certificate chain is still verified). For testing only: it allows a man in the middle.
///
/// Returns `MOSQ_ERR_SUCCESS` or `MOSQ_ERR_INVAL` (NULL client); `MOSQ_ERR_NOT_SUPPORTED` from a
/// build without TLS.
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_tls_insecure_set(mosq: *mut mosquitto, value: bool) -> c_int {
    ffi_boundary! {
        if !cfg!(feature = "tls") {
            return MOSQ_ERR_NOT_SUPPORTED;
        }
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        s.client.settings().tls().insecure = value;
        MOSQ_ERR_SUCCESS
    }
}

/// Advanced TLS options. `cert_reqs` 0 turns verification of the server's certificate off
/// entirely (anything else: verify it, the default). `tls_version` is the lowest TLS version
/// allowed: `"tlsv1.2"` (the default, for NULL) allows TLS 1.2 and 1.3, `"tlsv1.3"` only 1.3;
/// `"tlsv1.1"` is accepted and treated as `"tlsv1.2"`, since TLS 1.1 is not available. `ciphers`
/// is an OpenSSL-style list of cipher suite names (NULL for the defaults).
///
/// Returns `MOSQ_ERR_SUCCESS` or `MOSQ_ERR_INVAL` (NULL client, unknown version, or a cipher list
/// that names no supported suite); `MOSQ_ERR_NOT_SUPPORTED` from a build without TLS.
///
/// # Safety
/// `mosq` is NULL or a valid client; the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_tls_opts_set(
    mosq: *mut mosquitto,
    cert_reqs: c_int,
    tls_version: *const c_char,
    ciphers: *const c_char,
) -> c_int {
    ffi_boundary! {
        if !cfg!(feature = "tls") {
            return MOSQ_ERR_NOT_SUPPORTED;
        }
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        // SAFETY: forwarded contract.
        let (version, ciphers) = unsafe { (cstr_bytes(tls_version), cstr_bytes(ciphers)) };
        let mut settings = s.client.settings();
        settings.tls().verify_peer = cert_reqs != 0;
        let version = match version {
            None => tls::TlsVersion::Tls12,
            Some(v) => match std::str::from_utf8(v).ok().and_then(tls::parse_version) {
                Some(v) => v,
                None => return code(&Error::Inval),
            },
        };
        let ciphers = match ciphers {
            None => None,
            Some(c) => match std::str::from_utf8(c) {
                Ok(c) if ciphers_ok(c) => Some(c.to_owned()),
                _ => return code(&Error::Inval),
            },
        };
        settings.tls().version = version;
        settings.tls().ciphers = ciphers;
        MOSQ_ERR_SUCCESS
    }
}

/// Not supported: TLS with a pre-shared key is not available with rustls. Returns
/// `MOSQ_ERR_NOT_SUPPORTED`, as a libmosquitto built without PSK support does.
///
/// # Safety
/// Any pointers; they are not used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_tls_psk_set(
    mosq: *mut mosquitto,
    psk: *const c_char,
    identity: *const c_char,
    ciphers: *const c_char,
) -> c_int {
    ffi_boundary! {
        let _ = (mosq, psk, identity, ciphers);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not supported: this library does not use OpenSSL, so there is no `SSL *` to hand out; always
/// NULL, as from a libmosquitto built without TLS.
///
/// # Safety
/// Any pointer; it is not used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_ssl_get(mosq: *mut mosquitto) -> *mut c_void {
    ffi_boundary! {
        let _ = mosq;
        std::ptr::null_mut()
    }
}
