//! The network loop: `mosquitto_loop`, `mosquitto_loop_forever`, the loop thread, and the
//! functions for running the loop from an application's own event loop.

use std::ffi::c_int;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use super::error::{code, result_code};
use super::handle::{Inner, LoopControl, LoopThread, Shared, now, shared};
use super::types::*;
use super::util::rc;
use crate::error::Error;
use crate::session::{LogLevel, State};
use crate::transport::connect::{self, Plan, TlsPlan};
use crate::transport::driver::Threaded;
use crate::transport::tcp::Target;
use crate::transport::tls::{self, TlsSettings};

/// How long `mosquitto_loop_stop(mosq, true)` and `mosquitto_destroy` wait for the loop
/// thread; only a name lookup in progress can keep it longer.
const FORCE_STOP_WAIT: Duration = Duration::from_secs(2);
/// How long the loop thread waits for the first connect call after `mosquitto_loop_start`,
/// between checks.
const START_POLL: Duration = Duration::from_millis(10);

/// One pass of the network loop: wait up to `timeout_ms` for the socket, then read, write and do
/// the keepalive housekeeping. Errors close the connection (the disconnect callback is called)
/// and are returned.
pub(crate) fn loop_once(s: &Shared, timeout_ms: c_int) -> Result<(), Error> {
    let t = now();
    let mut wait = None;
    s.io(|g| {
        g.engine.wake_pending = false;
        g.engine.begin_read_call()?;
        if !g.engine.has_socket() {
            return Err(Error::NoConn);
        }
        // While a background connect is in progress, check it on every pass: the readiness
        // event that announced its end may have been taken by an earlier wait.
        if g.engine.can_write_now() || g.engine.is_connecting() {
            g.engine.write(t)?;
            if !g.engine.has_socket() {
                return Ok(());
            }
        }
        let mut w = if timeout_ms < 0 {
            Duration::from_millis(1000)
        } else {
            Duration::from_millis(timeout_ms as u64)
        };
        if let Some(deadline) = g.engine.session.next_timeout() {
            w = w.min(deadline.saturating_duration_since(t));
        }
        if g.engine.read_pending() {
            w = Duration::ZERO;
        }
        wait = Some(w);
        Ok(())
    })?;
    let Some(wait) = wait else {
        return Ok(());
    };
    let ready = s.wait(wait)?;
    let t = now();
    s.io(|g| {
        g.engine
            .note_ready(ready.readable, ready.writable, ready.read_closed);
        if !g.engine.has_socket() {
            return Ok(());
        }
        if g.engine.read_pending() {
            g.engine.read(t, true)?;
            if !g.engine.has_socket() {
                return Ok(());
            }
        }
        if ready.writable || g.engine.can_write_now() {
            g.engine.write(t)?;
            if !g.engine.has_socket() {
                return Ok(());
            }
        }
        g.engine.misc(t)?;
        g.engine.flush(t)
    })
}

/// Whether `loop_forever` gives up on an error instead of reconnecting.
fn is_fatal(e: &Error) -> bool {
    match e {
        Error::NoMem
        | Error::Protocol
        | Error::Inval
        | Error::Tls
        | Error::PayloadSize
        | Error::NotSupported
        | Error::Auth
        | Error::Unknown
        | Error::Eai(_)
        | Error::Proxy => true,
        Error::Errno(code) => *code == libc::EPROTO,
        _ => false,
    }
}

/// Whether the loop thread has been asked to exit.
fn stop_requested(control: Option<&LoopControl>) -> bool {
    control.is_some_and(|c| c.stop.load(Ordering::Acquire))
}

/// Sleep for `secs` seconds, waking early when asked to stop or disconnect.
fn backoff_sleep(s: &Shared, secs: u64, control: Option<&LoopControl>) -> Result<(), Error> {
    let deadline = now() + Duration::from_secs(secs);
    loop {
        if stop_requested(control) || s.inner.lock().engine.session.request_disconnect() {
            return Ok(());
        }
        let left = deadline.saturating_duration_since(now());
        if left.is_zero() {
            return Ok(());
        }
        s.inner.lock().engine.wake_pending = false;
        s.wait(left)?;
    }
}

/// `mosquitto_loop_forever`: run the loop until the application disconnects, reconnecting with
/// the configured back-off after connection losses. `control` is given in our own thread,
/// which also stops when `mosquitto_loop_stop` asks it to.
pub(crate) fn loop_forever(
    s: &Shared,
    timeout_ms: c_int,
    control: Option<&LoopControl>,
) -> Result<(), Error> {
    s.inner.lock().engine.reconnects = 0;
    loop {
        let err = loop {
            if stop_requested(control) {
                return Ok(());
            }
            if let Err(e) = loop_once(s, timeout_ms) {
                break e;
            }
        };
        if is_fatal(&err) {
            return Err(err);
        }
        loop {
            if stop_requested(control) {
                return Ok(());
            }
            let delay = {
                let mut g = s.inner.lock();
                if g.engine.session.request_disconnect() {
                    return Ok(());
                }
                let (delay, advance) = g.engine.backoff.delay_for(g.engine.reconnects);
                if advance {
                    g.engine.reconnects = g.engine.reconnects.saturating_add(1);
                }
                delay
            };
            backoff_sleep(s, delay, control)?;
            let (disconnect, connected) = {
                let g = s.inner.lock();
                (g.engine.session.request_disconnect(), g.engine.has_socket())
            };
            if stop_requested(control) || disconnect {
                return Ok(());
            }
            // The application may have connected meanwhile (mosquitto_connect from another
            // thread); use that connection instead of replacing it.
            if connected {
                break;
            }
            match reconnect(s, true, control) {
                Ok(()) => break,
                // libmosquitto meets TLS and proxy failures in the loop (its handshakes happen
                // there) and stops on them; here the reconnect completes the handshakes, so it
                // stops here.
                Err(e @ (Error::Tls | Error::Proxy | Error::Auth)) => return Err(e),
                Err(_) => {}
            }
        }
    }
}

/// Open a new connection with the host and port of the last connect call and queue CONNECT.
/// With `blocking`, waits for the TCP connection (interruptible by disconnect, destroy and, in
/// the loop thread, loop_stop).
pub(crate) fn reconnect(s: &Shared, blocking: bool, control: Option<&LoopControl>) -> Result<(), Error> {
    let t = now();
    let ((target, proxy, tls_settings), generation) = s.locked(|g| {
        let plan = g.engine.begin_connect(t)?;
        Ok::<_, Error>((plan, g.engine.generation()))
    })?;
    let abort = || s.abort_connect.load(Ordering::Acquire) || stop_requested(control);
    let result = tls_plan(&target, tls_settings)
        .and_then(|tls| connect::open(&Plan { target, proxy, tls }, blocking, &abort));
    let result = result.map_err(|failure| {
        if !failure.log.is_empty() {
            s.locked(|g| {
                for text in failure.log {
                    g.engine.session.log_line(LogLevel::Error, || text);
                }
            });
        }
        failure.error
    });
    let t = now();
    s.io(|g| {
        g.engine.finish_connect(generation, result, t)?;
        g.output_ready(t)
    })
}

/// The TLS part of a connection plan: the rustls configuration built from the settings (files
/// are read here, and the password callback may run; no lock is held).
fn tls_plan(target: &Target, settings: Option<TlsSettings>) -> Result<Option<TlsPlan>, connect::Failure> {
    let Some(mut settings) = settings else {
        return Ok(None);
    };
    let setup_failure = |e: tls::TlsSetupError| connect::Failure {
        error: Error::Tls,
        log: e.log_lines(),
    };
    // A Unix-domain socket has no host name to check.
    let name = if target.port == 0 {
        settings.insecure = true;
        "localhost"
    } else {
        &target.host
    };
    let server_name = tls::server_name(name).map_err(setup_failure)?;
    let config = tls::client_config(&settings).map_err(setup_failure)?;
    Ok(Some(TlsPlan { config, server_name }))
}

/// The body of the loop thread.
fn loop_thread_main(s: &Shared, control: &LoopControl) {
    // Wait for the first connect call (loop_start may come before connect_async); a
    // mosquitto_loop_stop before any connect call ends the wait.
    loop {
        if control.stop.load(Ordering::Acquire) || control.joining.load(Ordering::Acquire) {
            return finish_stop(s, control);
        }
        if s.inner.lock().engine.session.state() != State::New {
            break;
        }
        let _ = s.wait(START_POLL);
    }
    let keepalive = s.inner.lock().engine.session.keepalive();
    let timeout = if keepalive == 0 {
        86_400_000
    } else {
        c_int::from(keepalive) * 1000
    };
    let _ = loop_forever(s, timeout, Some(control));
    finish_stop(s, control);
}

/// Last step of a loop thread stopped with `force`: write what can be written at once, then
/// drop the connection.
fn finish_stop(s: &Shared, control: &LoopControl) {
    if !control.stop.load(Ordering::Acquire) {
        return;
    }
    s.locked(|g| {
        let t = now();
        let _ = g.engine.flush(t);
        if g.engine.has_socket() {
            let _ = g.engine.close(crate::session::DisconnectCause::Requested);
        }
    });
}

/// Stop our loop thread if there is one and wait for it (unless called from the loop thread
/// itself, which cannot wait for itself). With `force`, the thread is woken and exits at once;
/// without, it runs until `mosquitto_loop_forever` would return (after a disconnect), as
/// programs that call `mosquitto_loop_stop(mosq, false)` before their last messages are
/// acknowledged expect. Returns whether there was a loop thread.
pub(crate) fn stop_loop_thread(s: &Shared, force: bool) -> bool {
    let Some(thread) = s.loop_thread.lock().take() else {
        return false;
    };
    if force {
        thread.control.stop.store(true, Ordering::Release);
        s.abort_connect.store(true, Ordering::Release);
    }
    thread.control.joining.store(true, Ordering::Release);
    s.wake();
    // SAFETY: pthread_self has no preconditions.
    if thread.id != unsafe { libc::pthread_self() } {
        if force {
            // Every wait of the loop thread checks the stop flag often, except a name lookup,
            // which cannot be interrupted: do not wait for one of those to time out. The thread
            // holds its own reference to the client and ends by itself once the lookup returns.
            if thread.ended.recv_timeout(FORCE_STOP_WAIT) == Err(RecvTimeoutError::Timeout) {
                return finish_stopping(s);
            }
        }
        let _ = thread.handle.join();
    }
    finish_stopping(s)
}

/// The client no longer has a loop thread of its own.
fn finish_stopping(s: &Shared) -> bool {
    let mut g = s.inner.lock();
    if g.engine.threaded == Threaded::Own {
        g.engine.threaded = Threaded::None;
    }
    true
}

/// What `loop_read`/`loop_write` return without a socket: `MOSQ_ERR_NO_CONN`, or success once
/// the application has disconnected (libmosquitto maps errors to success in that state; unlike
/// it, no disconnect callback is made for a connection that does not exist).
fn without_socket(g: &Inner) -> Option<Result<(), Error>> {
    if g.engine.has_socket() {
        None
    } else if g.engine.session.state() == State::Disconnected {
        Some(Ok(()))
    } else {
        Some(Err(Error::NoConn))
    }
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
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        };
        if max_packets < 1 {
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        }
        result_code(loop_once(s, timeout))
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
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        };
        if max_packets < 1 {
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        }
        result_code(loop_forever(s, timeout, None))
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
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        };
        let mut slot = s.loop_thread.lock();
        {
            let mut g = s.inner.lock();
            if slot.is_some() || g.engine.threaded != Threaded::None {
                return rc(mosq_err_t::MOSQ_ERR_INVAL);
            }
            g.engine.threaded = Threaded::Own;
        }
        let control = Arc::new(LoopControl::default());
        let thread_control = control.clone();
        // SAFETY: `s` lives in an Arc (see `shared`); the thread owns the extra reference.
        let keep: Arc<Shared> = unsafe {
            Arc::increment_strong_count(s as *const Shared);
            Arc::from_raw(s as *const Shared)
        };
        let (ended_tx, ended) = std::sync::mpsc::channel::<()>();
        let spawned = std::thread::Builder::new().name("mosquitto loop".into()).spawn(move || {
            let _ended = ended_tx;
            let s = keep;
            let control = thread_control;
            // A panic must not cross into the application's thread; the loop just ends.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| loop_thread_main(&s, &control)));
        });
        match spawned {
            Ok(handle) => {
                let id = std::os::unix::thread::JoinHandleExt::as_pthread_t(&handle);
                *slot = Some(LoopThread { control, handle, ended, id });
                MOSQ_ERR_SUCCESS
            }
            Err(e) => {
                s.inner.lock().engine.threaded = Threaded::None;
                code(&Error::from_io(&e))
            }
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
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        };
        if stop_loop_thread(s, force) { MOSQ_ERR_SUCCESS } else { rc(mosq_err_t::MOSQ_ERR_INVAL) }
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
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        };
        if max_packets < 1 {
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        }
        result_code(s.io(|g| {
            let t = now();
            g.engine.begin_read_call()?;
            if let Some(r) = without_socket(g) {
                return r;
            }
            g.engine.read(t, false)?;
            if g.engine.has_socket() { g.output_ready(t) } else { Ok(()) }
        }))
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
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        };
        if max_packets < 1 {
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        }
        result_code(s.io(|g| {
            g.engine.begin_call();
            if let Some(r) = without_socket(g) {
                return r;
            }
            g.engine.write(now())
        }))
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
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        };
        result_code(s.io(|g| {
            let t = now();
            g.engine.begin_call();
            g.engine.misc(t)?;
            if g.engine.has_socket() { g.output_ready(t) } else { Ok(()) }
        }))
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
            Some(s) => s.inner.lock().engine.socket_fd().unwrap_or(-1),
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
            Some(s) => s.inner.lock().engine.wants_write(),
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
            return rc(mosq_err_t::MOSQ_ERR_INVAL);
        };
        s.inner.lock().engine.threaded = if threaded { Threaded::External } else { Threaded::None };
        MOSQ_ERR_SUCCESS
    }
}
