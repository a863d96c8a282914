//! One-call helpers: subscribe and hand each message to a function, or collect a number of
//! messages into an array. Both build an ordinary client on the stack of the call and run its
//! loop until done.

use std::ffi::{c_char, c_int, c_void};

use super::client::{mosquitto_destroy, mosquitto_new};
use super::connect::{mosquitto_connect, mosquitto_disconnect};
use super::error::code;
use super::loop_::mosquitto_loop_forever;
use super::message::{mosquitto_message_copy, mosquitto_message_free_contents};
use super::subscribe::mosquitto_subscribe;
use super::tls::{mosquitto_tls_opts_set, mosquitto_tls_set};
use super::types::*;
use crate::client::Error;

/// The application's message function.
type MessageFn = unsafe extern "C" fn(*mut mosquitto, *mut c_void, *const mosquitto_message) -> c_int;

/// What the internal callbacks of `mosquitto_subscribe_callback` need.
struct CallbackState {
    topic: *const c_char,
    qos: c_int,
    callback: MessageFn,
    userdata: *mut c_void,
}

unsafe extern "C" fn subscribe_on_connect(mosq: *mut mosquitto, obj: *mut c_void, _rc: c_int) {
    // SAFETY: `obj` is the CallbackState given to mosquitto_new, alive for the whole loop.
    let state = unsafe { &*obj.cast::<CallbackState>() };
    // SAFETY: `mosq` is the live client; the topic string is the caller's, alive for the call.
    unsafe { mosquitto_subscribe(mosq, std::ptr::null_mut(), state.topic, state.qos) };
}

unsafe extern "C" fn subscribe_on_message(
    mosq: *mut mosquitto,
    obj: *mut c_void,
    message: *const mosquitto_message,
) {
    // SAFETY: as in `subscribe_on_connect`.
    let state = unsafe { &*obj.cast::<CallbackState>() };
    // SAFETY: the application's function, called with its own userdata and a valid message.
    let stop = unsafe { (state.callback)(mosq, state.userdata, message) };
    if stop != 0 {
        // SAFETY: `mosq` is the live client.
        unsafe { mosquitto_disconnect(mosq) };
    }
}

/// Connect to `host`:`port`, subscribe to `topic` with `qos` (again after every reconnection),
/// and call `callback(mosq, userdata, message)` for each message until it returns non-zero;
/// then disconnect and return.
///
/// `client_id` may be NULL (with `clean_session` true); `keepalive`, `username`/`password`,
/// `will` and `tls` (each may be NULL) configure the connection as the functions of the same
/// names do. The message passed to `callback` is valid only during the call.
///
/// Returns `MOSQ_ERR_SUCCESS` once `callback` asked to stop, `MOSQ_ERR_INVAL` (NULL callback or
/// topic), `MOSQ_ERR_NOMEM`, or the error of the connect or loop call that failed.
///
/// # Safety
/// Strings are NULL or NUL-terminated; `will` and `tls` are NULL or valid structures; `callback`
/// has the declared signature.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_subscribe_callback(
    callback: Option<unsafe extern "C" fn(*mut mosquitto, *mut c_void, *const mosquitto_message) -> c_int>,
    userdata: *mut c_void,
    topic: *const c_char,
    qos: c_int,
    host: *const c_char,
    port: c_int,
    client_id: *const c_char,
    keepalive: c_int,
    clean_session: bool,
    username: *const c_char,
    password: *const c_char,
    will: *const libmosquitto_will,
    tls: *const libmosquitto_tls,
) -> c_int {
    ffi_boundary! {
        let Some(callback) = callback else {
            return code(&Error::Inval);
        };
        if topic.is_null() {
            return code(&Error::Inval);
        }
        let mut state = CallbackState { topic, qos, callback, userdata };
        let state_ptr: *mut c_void = (&raw mut state).cast();
        // SAFETY: forwarded contract; `state` outlives the client, destroyed below.
        unsafe {
            let mosq = mosquitto_new(client_id, clean_session, state_ptr);
            if mosq.is_null() {
                return code(&Error::NoMem);
            }
            let r = configure(mosq, username, password, will, tls);
            if r != MOSQ_ERR_SUCCESS {
                mosquitto_destroy(mosq);
                return r;
            }
            super::callbacks::mosquitto_connect_callback_set(mosq, Some(subscribe_on_connect));
            super::callbacks::mosquitto_message_callback_set(mosq, Some(subscribe_on_message));
            let r = mosquitto_connect(mosq, host, port, keepalive);
            if r != MOSQ_ERR_SUCCESS {
                mosquitto_destroy(mosq);
                return r;
            }
            let r = mosquitto_loop_forever(mosq, -1, 1);
            mosquitto_destroy(mosq);
            r
        }
    }
}

/// Apply will, credentials and TLS settings to a helper's client.
///
/// # Safety
/// `mosq` is a valid client; the other pointers are NULL or valid.
unsafe fn configure(
    mosq: *mut mosquitto,
    username: *const c_char,
    password: *const c_char,
    will: *const libmosquitto_will,
    tls: *const libmosquitto_tls,
) -> c_int {
    // SAFETY: forwarded contract.
    unsafe {
        if let Some(w) = will.as_ref() {
            let r = super::will::mosquitto_will_set(mosq, w.topic, w.payloadlen, w.payload, w.qos, w.retain);
            if r != MOSQ_ERR_SUCCESS {
                return r;
            }
        }
        if !username.is_null() {
            let r = super::auth::mosquitto_username_pw_set(mosq, username, password);
            if r != MOSQ_ERR_SUCCESS {
                return r;
            }
        }
        if let Some(t) = tls.as_ref() {
            let r = mosquitto_tls_set(mosq, t.cafile, t.capath, t.certfile, t.keyfile, t.pw_callback);
            if r != MOSQ_ERR_SUCCESS {
                return r;
            }
            let r = mosquitto_tls_opts_set(mosq, t.cert_reqs, t.tls_version, t.ciphers);
            if r != MOSQ_ERR_SUCCESS {
                return r;
            }
        }
    }
    MOSQ_ERR_SUCCESS
}

/// What `mosquitto_subscribe_simple` collects into.
struct SimpleState {
    messages: *mut mosquitto_message,
    count: usize,
    wanted: usize,
    want_retained: bool,
}

unsafe extern "C" fn simple_on_message(
    mosq: *mut mosquitto,
    obj: *mut c_void,
    message: *const mosquitto_message,
) -> c_int {
    // SAFETY: `obj` is the SimpleState passed as userdata, alive during the loop.
    let state = unsafe { &mut *obj.cast::<SimpleState>() };
    // SAFETY: the library passes a valid message.
    let msg = unsafe { &*message };
    if state.count >= state.wanted || (!state.want_retained && msg.retain) {
        return 0;
    }
    // SAFETY: `messages` has `wanted` zeroed entries and `count < wanted`.
    let r = unsafe { mosquitto_message_copy(state.messages.add(state.count), message) };
    if r != MOSQ_ERR_SUCCESS {
        return r;
    }
    state.count += 1;
    if state.count == state.wanted {
        // SAFETY: `mosq` is the live client.
        unsafe { mosquitto_disconnect(mosq) };
    }
    0
}

/// Connect, subscribe to `topic` and wait for `msg_count` messages, returned as an array in
/// `*messages` (allocated with `calloc`; free each entry with `mosquitto_message_free_contents`
/// and the array with `free`). Retained messages are skipped unless `want_retained` is true.
/// The connection arguments are as for `mosquitto_subscribe_callback`.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL topic or messages, `msg_count` < 1),
/// `MOSQ_ERR_NOMEM`, or the error that ended the connection early (then `*messages` is NULL).
///
/// # Safety
/// `messages` is NULL or writable; the other arguments are as for
/// `mosquitto_subscribe_callback`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_subscribe_simple(
    messages: *mut *mut mosquitto_message,
    msg_count: c_int,
    want_retained: bool,
    topic: *const c_char,
    qos: c_int,
    host: *const c_char,
    port: c_int,
    client_id: *const c_char,
    keepalive: c_int,
    clean_session: bool,
    username: *const c_char,
    password: *const c_char,
    will: *const libmosquitto_will,
    tls: *const libmosquitto_tls,
) -> c_int {
    ffi_boundary! {
        if topic.is_null() || msg_count < 1 || messages.is_null() {
            return code(&Error::Inval);
        }
        let wanted = msg_count as usize;
        // SAFETY: `messages` is writable (checked non-NULL; caller's contract).
        unsafe { *messages = std::ptr::null_mut() };
        // SAFETY: calloc of `wanted` zeroed messages; freed below or by the application.
        let array = unsafe { libc::calloc(wanted, size_of::<mosquitto_message>()) }.cast::<mosquitto_message>();
        if array.is_null() {
            return code(&Error::NoMem);
        }
        let mut state = SimpleState { messages: array, count: 0, wanted, want_retained };
        // SAFETY: forwarded contract; `state` lives until the call returns.
        let r = unsafe {
            mosquitto_subscribe_callback(
                Some(simple_on_message),
                (&raw mut state).cast(),
                topic,
                qos,
                host,
                port,
                client_id,
                keepalive,
                clean_session,
                username,
                password,
                will,
                tls,
            )
        };
        if r == MOSQ_ERR_SUCCESS && state.count == wanted {
            // SAFETY: checked writable above.
            unsafe { *messages = array };
            return MOSQ_ERR_SUCCESS;
        }
        for i in 0..wanted {
            // SAFETY: each entry is zeroed or a copy made by mosquitto_message_copy.
            unsafe { mosquitto_message_free_contents(array.add(i)) };
        }
        // SAFETY: allocated by calloc above and not handed out.
        unsafe { libc::free(array.cast()) };
        r
    }
}
