//! The C entry points of the embedded broker (`include/mosquitto_embed.h`).
//!
//! The same rules as the client API apply: every function is wrapped in `ffi_boundary!`,
//! pointers are checked, C strings are copied at once, and no lock is held while the
//! program's log function runs.

#![allow(non_camel_case_types)]

use std::ffi::{CString, OsString, c_char, c_int, c_void};
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;
use std::sync::Arc;

use parking_lot::Mutex;

use super::server::{Broker, BrokerBuilder, LogCallback, StartError};
use crate::capi::error::set_errno;
use crate::capi::ffi_boundary;
use crate::capi::types::mosq_err_t;
use crate::capi::util::cstr_bytes;

/// An embedded broker: its configuration, and the running broker once started.
///
/// Made by `mosquitto_embed_new`, freed by `mosquitto_embed_destroy`. The functions may be
/// called from any thread, but not from the log function.
pub struct mosquitto_embed {
    state: Mutex<State>,
}

/// A configuration given to the handle, read again at each start.
#[derive(Clone)]
enum Config {
    File(PathBuf),
    Text(Vec<u8>),
}

struct State {
    configs: Vec<Config>,
    callback: Option<LogCallback>,
    broker: Option<Broker>,
}

/// The program's log function and its pointer, called from the broker's threads.
struct ForeignLog {
    on_log: unsafe extern "C" fn(userdata: *mut c_void, level: c_int, line: *const c_char),
    userdata: *mut c_void,
}

// SAFETY: the program hands its function and pointer over to the broker's threads when it
// sets them (the header says the function is called from those threads).
unsafe impl Send for ForeignLog {}
// SAFETY: as above; the broker never touches the pointer itself.
unsafe impl Sync for ForeignLog {}

impl ForeignLog {
    fn call(&self, level: u32, line: &str) {
        let text = CString::new(line.replace('\0', "")).unwrap_or_default();
        // SAFETY: the function was given by the program for exactly this call; the line is a
        // valid NUL-terminated string for the duration of the call.
        unsafe { (self.on_log)(self.userdata, level as c_int, text.as_ptr()) };
    }
}

const SUCCESS: c_int = mosq_err_t::MOSQ_ERR_SUCCESS as c_int;
const INVAL: c_int = mosq_err_t::MOSQ_ERR_INVAL as c_int;
const NO_CONN: c_int = mosq_err_t::MOSQ_ERR_NO_CONN as c_int;
const ERRNO: c_int = mosq_err_t::MOSQ_ERR_ERRNO as c_int;
const NOT_SUPPORTED: c_int = mosq_err_t::MOSQ_ERR_NOT_SUPPORTED as c_int;
const ALREADY_EXISTS: c_int = mosq_err_t::MOSQ_ERR_ALREADY_EXISTS as c_int;
const TLS: c_int = mosq_err_t::MOSQ_ERR_TLS as c_int;

/// The handle behind a pointer from C.
///
/// # Safety
/// `e` is NULL or a pointer returned by `mosquitto_embed_new` and not yet destroyed.
unsafe fn handle<'a>(e: *mut mosquitto_embed) -> Option<&'a mosquitto_embed> {
    // SAFETY: the caller's promise.
    unsafe { e.as_ref() }
}

/// A builder with a handle's configuration and log function; `Err` is the error code.
fn builder(configs: &[Config], callback: Option<&LogCallback>) -> Result<BrokerBuilder, c_int> {
    let mut b = BrokerBuilder::new();
    if let Some(cb) = callback {
        b.log_callback(cb.clone());
    }
    for c in configs {
        let result = match c {
            Config::File(p) => b.config_file(p).map(|_| ()),
            Config::Text(t) => b.config_bytes(t).map(|_| ()),
        };
        if result.is_err() {
            return Err(INVAL);
        }
    }
    Ok(b)
}

/// Create an embedded broker handle with mosquitto's defaults: until a configuration names a
/// listener, the broker runs in local-only mode (127.0.0.1 and ::1, port 1883, anonymous
/// clients allowed). Nothing is started.
///
/// Returns the handle, or NULL if it could not be made.
#[unsafe(no_mangle)]
pub extern "C" fn mosquitto_embed_new() -> *mut mosquitto_embed {
    ffi_boundary! {
        Box::into_raw(Box::new(mosquitto_embed {
            state: Mutex::new(State {
                configs: Vec::new(),
                callback: None,
                broker: None,
            }),
        }))
    }
}

/// Stop the broker if it runs (as `mosquitto_embed_stop` does) and free the handle. NULL is
/// ignored.
///
/// # Safety
/// `embed` is NULL or a handle from `mosquitto_embed_new`, not used again afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_embed_destroy(embed: *mut mosquitto_embed) {
    ffi_boundary! {
        if embed.is_null() {
            return;
        }
        // SAFETY: the caller gives up the handle, which came from Box::into_raw.
        let e = unsafe { Box::from_raw(embed) };
        let broker = e.state.lock().broker.take();
        if let Some(b) = broker {
            b.stop();
        }
    }
}

/// Read a configuration file in `mosquitto.conf` syntax. It may be called several times
/// before the broker starts: the files are read in order, as if they were one.
///
/// Returns MOSQ_ERR_SUCCESS; MOSQ_ERR_INVAL for NULL arguments or a configuration error (the
/// error is logged as mosquitto prints it, naming the file, line and option, and the handle
/// keeps the configuration it had); MOSQ_ERR_ALREADY_EXISTS while the broker runs.
///
/// # Safety
/// `embed` is NULL or a live handle; `path` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_embed_config_file(
    embed: *mut mosquitto_embed,
    path: *const c_char,
) -> c_int {
    ffi_boundary! {
        // SAFETY: the caller's promises.
        let (Some(e), Some(path)) = (unsafe { handle(embed) }, unsafe { cstr_bytes(path) }) else {
            return INVAL;
        };
        let path = PathBuf::from(OsString::from_vec(path.to_vec()));
        add_config(e, Config::File(path))
    }
}

/// Read configuration text in `mosquitto.conf` syntax (lines separated by newlines; messages
/// call it `<string>`). It may be called several times, with files too, before the broker
/// starts.
///
/// Returns as `mosquitto_embed_config_file` does.
///
/// # Safety
/// `embed` is NULL or a live handle; `text` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_embed_config_string(
    embed: *mut mosquitto_embed,
    text: *const c_char,
) -> c_int {
    ffi_boundary! {
        // SAFETY: the caller's promises.
        let (Some(e), Some(text)) = (unsafe { handle(embed) }, unsafe { cstr_bytes(text) }) else {
            return INVAL;
        };
        add_config(e, Config::Text(text.to_vec()))
    }
}

fn add_config(e: &mosquitto_embed, config: Config) -> c_int {
    let state = e.state.lock();
    if state.broker.is_some() {
        return ALREADY_EXISTS;
    }
    let mut configs = state.configs.clone();
    configs.push(config);
    let callback = state.callback.clone();
    // The log function may run while the configuration is read: no lock is held then.
    drop(state);
    match builder(&configs, callback.as_ref()) {
        Ok(_) => {
            let mut state = e.state.lock();
            if state.broker.is_some() {
                return ALREADY_EXISTS;
            }
            state.configs = configs;
            SUCCESS
        }
        Err(code) => code,
    }
}

/// Send the broker's log lines to `on_log` instead of where `log_dest` says: `level` is one
/// of the MOSQ_LOG_* values, `line` the text without timestamp (valid during the call only).
/// `on_log` is called from the broker's threads, possibly several at once; it must not call
/// the `mosquitto_embed_*` functions. NULL restores `log_dest`. Takes effect at the next start.
///
/// # Safety
/// `embed` is NULL or a live handle; `on_log` may be called with `userdata` from any thread
/// until the broker stops.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_embed_log_callback_set(
    embed: *mut mosquitto_embed,
    on_log: Option<unsafe extern "C" fn(userdata: *mut c_void, level: c_int, line: *const c_char)>,
    userdata: *mut c_void,
) {
    ffi_boundary! {
        // SAFETY: the caller's promise.
        let Some(e) = (unsafe { handle(embed) }) else {
            return;
        };
        let callback: Option<LogCallback> = on_log.map(|on_log| {
            let f = ForeignLog { on_log, userdata };
            Arc::new(move |level: u32, line: &str| f.call(level, line)) as LogCallback
        });
        e.state.lock().callback = callback;
    }
}

/// Start the broker: read the configuration, open every listener, and serve on the broker's
/// own threads. Returns once every listener accepts connections.
///
/// Returns MOSQ_ERR_SUCCESS; MOSQ_ERR_INVAL for NULL or a configuration error (logged);
/// MOSQ_ERR_NOT_SUPPORTED when the configuration uses an option this broker does not
/// implement yet (logged with its file and line); MOSQ_ERR_ERRNO when a listener cannot be
/// opened or a password or ACL file cannot be read (`errno` says why, e.g. EADDRINUSE or
/// EACCES); MOSQ_ERR_TLS when a TLS listener's certificate, key or CA file cannot be used;
/// MOSQ_ERR_ALREADY_EXISTS when it already runs.
///
/// # Safety
/// `embed` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_embed_start(embed: *mut mosquitto_embed) -> c_int {
    ffi_boundary! {
        // SAFETY: the caller's promise.
        let Some(e) = (unsafe { handle(embed) }) else {
            return INVAL;
        };
        let state = e.state.lock();
        if state.broker.is_some() {
            return ALREADY_EXISTS;
        }
        let (configs, callback) = (state.configs.clone(), state.callback.clone());
        drop(state);
        let b = match builder(&configs, callback.as_ref()) {
            Ok(b) => b,
            Err(code) => return code,
        };
        let broker = match b.start() {
            Ok(broker) => broker,
            Err(err) => return start_error_code(&err),
        };
        let mut state = e.state.lock();
        if state.broker.is_some() {
            // Started twice at once from two threads: keep the first.
            drop(state);
            broker.stop();
            return ALREADY_EXISTS;
        }
        state.broker = Some(broker);
        SUCCESS
    }
}

fn start_error_code(err: &StartError) -> c_int {
    match err {
        StartError::Config(_) => INVAL,
        StartError::Unsupported(_) => NOT_SUPPORTED,
        StartError::Security(e) => {
            if e.exit_code() == 13 {
                set_errno(libc::EACCES);
                ERRNO
            } else {
                INVAL
            }
        }
        StartError::Bind(_, errno) => {
            set_errno(errno.unwrap_or(libc::EADDRNOTAVAIL));
            ERRNO
        }
        StartError::Tls(_) => TLS,
        StartError::System(_) => {
            set_errno(libc::EAGAIN);
            ERRNO
        }
    }
}

/// The port a listener is bound to, counting listeners from 0 in the configuration's order
/// (useful with `listener 0`, which takes a free port). In local-only mode the listeners are
/// 127.0.0.1 and ::1 for each port.
///
/// Returns the port (0 for a Unix socket listener), or a negative MOSQ_ERR_* value:
/// -MOSQ_ERR_INVAL for NULL or no such listener, -MOSQ_ERR_NO_CONN when the broker is not
/// running.
///
/// # Safety
/// `embed` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_embed_port(embed: *mut mosquitto_embed, listener_index: c_int) -> c_int {
    ffi_boundary! {
        // SAFETY: the caller's promise.
        let Some(e) = (unsafe { handle(embed) }) else {
            return -INVAL;
        };
        let state = e.state.lock();
        let Some(broker) = state.broker.as_ref() else {
            return -NO_CONN;
        };
        match usize::try_from(listener_index).ok().and_then(|i| broker.port(i)) {
            Some(port) => c_int::from(port),
            None => -INVAL,
        }
    }
}

/// Stop the broker as SIGTERM stops mosquitto: every will is published, every socket closed
/// (without DISCONNECT), every thread joined. The handle may be started again.
///
/// Returns MOSQ_ERR_SUCCESS, MOSQ_ERR_INVAL for NULL, or MOSQ_ERR_NO_CONN when it does not
/// run.
///
/// # Safety
/// `embed` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_embed_stop(embed: *mut mosquitto_embed) -> c_int {
    ffi_boundary! {
        // SAFETY: the caller's promise.
        let Some(e) = (unsafe { handle(embed) }) else {
            return INVAL;
        };
        let broker = e.state.lock().broker.take();
        match broker {
            Some(b) => {
                b.stop();
                SUCCESS
            }
            None => NO_CONN,
        }
    }
}

/// The `mosquitto` command: parse `argv` as mosquitto does (`-c FILE`, `-d`, `-p PORT`, `-v`,
/// `-h`), run the broker until SIGINT or SIGTERM (SIGHUP reloads the configuration), and
/// return the exit status mosquitto would (0, 1, 3 or 13). SIGINT, SIGTERM, SIGHUP, SIGUSR1
/// and SIGUSR2 are blocked in the calling thread and taken by it.
///
/// # Safety
/// `argv` holds `argc` NUL-terminated strings (or `argc` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_embed_main(argc: c_int, argv: *mut *mut c_char) -> c_int {
    ffi_boundary! {
        let count = usize::try_from(argc).unwrap_or(0);
        if count > 0 && argv.is_null() {
            return INVAL;
        }
        let mut args = Vec::with_capacity(count);
        for i in 0..count {
            // SAFETY: argv holds argc pointers.
            let p = unsafe { *argv.add(i) };
            // SAFETY: each is NULL or a NUL-terminated string.
            let bytes = unsafe { cstr_bytes(p) }.unwrap_or_default();
            args.push(OsString::from_vec(bytes.to_vec()));
        }
        if args.is_empty() {
            args.push(OsString::from("mosquitto"));
        }
        super::command::main(&args)
    }
}
