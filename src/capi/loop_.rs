//! The network loop functions: `mosquitto_loop`, `mosquitto_loop_forever`, the loop thread,
//! and the functions for running the loop from an application's own event loop. The loop
//! itself is the client runtime's ([`crate::client`]).

use std::ffi::c_int;
use std::time::Duration;

use super::error::{code, result_code};
use super::handle::shared;
use super::types::*;
use crate::client::Error;
use crate::client::{Client, Threaded};

/// The wait of one pass: `timeout` milliseconds, or the default for a negative value.
fn pass_timeout(timeout: c_int) -> Option<Duration> {
    u64::try_from(timeout).ok().map(Duration::from_millis)
}

/// Run the network loop once: wait up to `timeout` milliseconds (1000 if negative) for network
/// activity or for a call from another thread, then read what arrived, write what is queued and
/// send a PINGREQ when the keepalive is due.
///
/// Returns `MOSQ_ERR_SUCCESS` (also when the connection was closed on purpose during this call),
/// `MOSQ_ERR_INVAL` (NULL client or `max_packets` < 1), `MOSQ_ERR_NO_CONN` (no connection: returns at
/// once, without waiting), or the error that closed the connection (`MOSQ_ERR_CONN_LOST`,
/// `MOSQ_ERR_PROTOCOL`, `MOSQ_ERR_KEEPALIVE`, `MOSQ_ERR_ERRNO` with `errno` set, ...; the
/// disconnect callback has been called). `max_packets` is not used beyond that check.
///
/// Unlike libmosquitto this waits with poll(2), so any file descriptor number works.
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_loop(mosq: *mut mosquitto, timeout: c_int, max_packets: c_int) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        if max_packets < 1 {
            return code(&Error::Inval);
        }
        result_code(s.client.run_once(&*s, pass_timeout(timeout)))
    }
}

/// Run the network loop until `mosquitto_disconnect` is called, reconnecting after connection
/// losses with the delays of `mosquitto_reconnect_delay_set`.
///
/// `timeout` and `max_packets` are passed to each `mosquitto_loop` pass. Returns
/// `MOSQ_ERR_SUCCESS` after a disconnect the application asked for, or the first error that
/// reconnecting cannot cure: `MOSQ_ERR_NOMEM`, `MOSQ_ERR_PROTOCOL`, `MOSQ_ERR_INVAL`,
/// `MOSQ_ERR_TLS`, `MOSQ_ERR_PAYLOAD_SIZE`, `MOSQ_ERR_NOT_SUPPORTED`, `MOSQ_ERR_AUTH`,
/// `MOSQ_ERR_UNKNOWN`, `MOSQ_ERR_EAI`, `MOSQ_ERR_PROXY`, or a TLS failure (`MOSQ_ERR_TLS`, or
/// `MOSQ_ERR_ERRNO` with `errno` `EPROTO` when it happens in the loop); TLS and SOCKS5 proxy
/// failures end it also when they happen while reconnecting, and a TLS failure of the connect
/// call before it ends it at once. A refused connection, a lost connection and a keepalive
/// timeout are retried.
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_loop_forever(
    mosq: *mut mosquitto,
    timeout: c_int,
    max_packets: c_int,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        if max_packets < 1 {
            return code(&Error::Inval);
        }
        result_code(s.client.run_forever(&*s, pass_timeout(timeout), None))
    }
}

/// Start a thread (named "mosquitto loop") that runs the network loop until
/// `mosquitto_loop_stop`. It may be called before `mosquitto_connect_async`: the thread waits
/// for the first connect call. Other threads may then call any function at any time; output
/// they queue is written by the loop thread, which callbacks run in.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` (NULL client, a loop thread already running, or
/// `mosquitto_threaded_set(mosq, true)` in effect) or `MOSQ_ERR_ERRNO` if the thread cannot be
/// created.
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_loop_start(mosq: *mut mosquitto) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        match Client::start_loop(&s) {
            Ok(()) => MOSQ_ERR_SUCCESS,
            Err(e) => code(&e),
        }
    }
}

/// Stop the thread started by `mosquitto_loop_start` and wait for it to end.
///
/// Without `force`, the thread keeps serving the connection until `mosquitto_disconnect` (from
/// any thread or callback, before or after this call) has been carried out: it writes what is
/// queued, waits for acknowledgements, sends DISCONNECT and then exits. With `force`, the
/// thread is woken and exits at once (it is never cancelled), dropping the connection; a
/// connect in progress is abandoned. Called from a callback running in the loop thread, it does
/// not wait for the thread, which ends as described once the callback returns.
///
/// Returns `MOSQ_ERR_SUCCESS` or `MOSQ_ERR_INVAL` (NULL client, or no loop thread).
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_loop_stop(mosq: *mut mosquitto, force: bool) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        if s.client.stop_loop(force) { MOSQ_ERR_SUCCESS } else { code(&Error::Inval) }
    }
}

/// Read what the network has for the client: for applications running their own event loop,
/// when `mosquitto_socket` is readable. `max_packets` must be at least 1 and is otherwise
/// unused: everything available is read.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL`, `MOSQ_ERR_NO_CONN`, or the error that closed
/// the connection (the disconnect callback has been called).
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_loop_read(mosq: *mut mosquitto, max_packets: c_int) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        if max_packets < 1 {
            return code(&Error::Inval);
        }
        result_code(s.client.read(&*s))
    }
}

/// Write queued output: for applications running their own event loop, when
/// `mosquitto_want_write` is true and `mosquitto_socket` is writable.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL`, `MOSQ_ERR_NO_CONN`, or the error that closed
/// the connection (the disconnect callback has been called).
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_loop_write(mosq: *mut mosquitto, max_packets: c_int) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        if max_packets < 1 {
            return code(&Error::Inval);
        }
        result_code(s.client.write(&*s))
    }
}

/// Keepalive housekeeping for applications running their own event loop: call it about once a
/// second. Sends PINGREQ when due, and closes the connection with `MOSQ_ERR_KEEPALIVE` when the
/// server did not answer in time.
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL`, `MOSQ_ERR_NO_CONN` or `MOSQ_ERR_KEEPALIVE`.
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_loop_misc(mosq: *mut mosquitto) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        result_code(s.client.misc(&*s))
    }
}

/// The client's socket, for applications that wait for network events themselves, or -1 when
/// there is no connection (or for a NULL client).
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_socket(mosq: *mut mosquitto) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        match unsafe { shared(mosq) } {
            Some(s) => s.client.socket().unwrap_or(-1),
            None => -1,
        }
    }
}

/// Whether the client has output waiting for the socket to become writable (then call
/// `mosquitto_loop_write`). False for a NULL client.
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_want_write(mosq: *mut mosquitto) -> bool {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        match unsafe { shared(mosq) } {
            Some(s) => s.client.wants_write(),
            None => false,
        }
    }
}

/// Tell the library that the application runs the network loop in a thread of its own (true)
/// or not (false). With true, API calls from other threads never write to the socket
/// themselves: they queue their output and wake the thread waiting in `mosquitto_loop`.
/// Every function is thread-safe either way.
///
/// Returns `MOSQ_ERR_SUCCESS` or `MOSQ_ERR_INVAL` (NULL client).
///
/// # Safety
/// `mosq` is NULL or a valid client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_threaded_set(mosq: *mut mosquitto, threaded: bool) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        let Some(s) = (unsafe { shared(mosq) }) else {
            return code(&Error::Inval);
        };
        s.client
            .settings()
            .set_threaded(if threaded { Threaded::External } else { Threaded::None });
        MOSQ_ERR_SUCCESS
    }
}
