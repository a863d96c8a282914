//! The network loop: one pass ([`Client::run_once`]), the loop that reconnects
//! ([`Client::run_forever`]), connecting again ([`Client::reconnect`]), and the steps of an
//! application's own event loop ([`Client::read`], [`Client::write`], [`Client::misc`]).

use std::sync::atomic::Ordering;
use std::time::Duration;

use super::thread::LoopControl;
use super::{Client, Error, Event, Handler, Inner, LogLevel, disconnected_on_purpose, now};
use crate::transport::connect::{self, Plan, TlsPlan};
use crate::transport::tcp::Target;
#[cfg(feature = "tls")]
use crate::transport::tls;
use crate::transport::tls::TlsSettings;

/// How long one pass waits when the caller gives no time limit.
const DEFAULT_WAIT: Duration = Duration::from_millis(1000);

/// Whether `run_forever` gives up on an error instead of reconnecting (libmosquitto's list).
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

/// After a read: an accepted CONNACK starts the reconnect back-off over.
fn note_accepted(g: &mut Inner) {
    if g.engine.session_mut().take_accepted() {
        g.reconnects = 0;
    }
}

/// What the external-loop calls return without a socket: `NoConn`, or success once the
/// application has disconnected (libmosquitto maps errors to success in that state; unlike it,
/// no disconnect event is made for a connection that does not exist).
fn without_socket(g: &Inner) -> Option<Result<(), Error>> {
    if g.engine.has_socket() {
        None
    } else if disconnected_on_purpose(g) {
        Some(Ok(()))
    } else {
        Some(Err(Error::NoConn))
    }
}

impl Client {
    /// One pass of the network loop: wait up to `timeout` (1 s if `None`) for the socket or a
    /// request from another thread, then read, write and do the keepalive housekeeping.
    /// Without a connection it returns [`Error::NoConn`] at once. Errors close the connection
    /// (the disconnect event is delivered) and are returned.
    pub fn run_once(&self, h: &dyn Handler, timeout: Option<Duration>) -> Result<(), Error> {
        let t = now();
        let mut wait = None;
        self.io(h, |g| {
            g.wake_pending = false;
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
            let mut w = timeout.unwrap_or(DEFAULT_WAIT);
            if let Some(deadline) = g.engine.session().next_timeout() {
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
        let ready = self.wait(wait)?;
        let t = now();
        self.io(h, |g| {
            g.engine
                .note_ready(ready.readable, ready.writable, ready.read_closed);
            if !g.engine.has_socket() {
                return Ok(());
            }
            if g.engine.read_pending() {
                let r = g.engine.read(t, true);
                note_accepted(g);
                r?;
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

    /// Sleep for `secs` seconds, waking early when asked to stop or disconnect.
    fn backoff_sleep(&self, secs: u64, control: Option<&LoopControl>) -> Result<(), Error> {
        let deadline = now() + Duration::from_secs(secs);
        loop {
            if stop_requested(control) || self.inner.lock().engine.session().request_disconnect() {
                return Ok(());
            }
            let left = deadline.saturating_duration_since(now());
            if left.is_zero() {
                return Ok(());
            }
            self.inner.lock().wake_pending = false;
            self.wait(left)?;
        }
    }

    /// Run the loop until the application disconnects, reconnecting after connection losses
    /// with the back-off of [`super::Settings::backoff`]. Returns `Ok` after a requested
    /// disconnect (or a stop request through `control`), or the first error reconnecting
    /// cannot cure.
    pub fn run_forever(
        &self,
        h: &dyn Handler,
        timeout: Option<Duration>,
        control: Option<&LoopControl>,
    ) -> Result<(), Error> {
        self.inner.lock().reconnects = 0;
        loop {
            let err = loop {
                if stop_requested(control) {
                    return Ok(());
                }
                if let Err(e) = self.run_once(h, timeout) {
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
                    let mut g = self.inner.lock();
                    if g.engine.session().request_disconnect() {
                        return Ok(());
                    }
                    let (delay, advance) = g.backoff.delay_for(g.reconnects);
                    if advance {
                        g.reconnects = g.reconnects.saturating_add(1);
                    }
                    delay
                };
                self.backoff_sleep(delay, control)?;
                let (disconnect, connected) = {
                    let g = self.inner.lock();
                    (g.engine.session().request_disconnect(), g.engine.has_socket())
                };
                if stop_requested(control) || disconnect {
                    return Ok(());
                }
                // The application may have connected meanwhile (a connect from another
                // thread); use that connection instead of replacing it.
                if connected {
                    break;
                }
                match self.reconnect(h, true, control) {
                    Ok(()) => break,
                    // libmosquitto meets TLS and proxy failures in the loop (its handshakes
                    // happen there) and stops on them; here the reconnect completes the
                    // handshakes, so it stops here.
                    Err(e @ (Error::Tls | Error::Proxy | Error::Auth)) => return Err(e),
                    Err(_) => {}
                }
            }
        }
    }

    /// Open a new connection to the host of the last connect request and queue CONNECT. With
    /// `blocking`, waits for the TCP connection and the handshakes (interruptible by
    /// disconnect, by dropping the client and, in the loop thread, by a stop request).
    pub fn reconnect(
        &self,
        h: &dyn Handler,
        blocking: bool,
        control: Option<&LoopControl>,
    ) -> Result<(), Error> {
        // The application may change credentials or TLS settings for this attempt (the
        // pre-connect callback runs now, in this thread, which does the network work).
        self.locked(h, |g| {
            Self::claim_network(g);
            g.engine.session_mut().push_event(Event::PreConnect)
        });
        let t = now();
        let ((target, proxy, tls_settings, connector, websocket), generation) = self.locked(h, |g| {
            let plan = g.engine.begin_connect(t)?;
            Ok::<_, Error>((plan, g.engine.generation()))
        })?;
        let abort = || self.abort_connect.load(Ordering::Acquire) || stop_requested(control);
        let result = tls_plan(&target, tls_settings).and_then(|tls| {
            let plan = Plan {
                target,
                proxy,
                tls,
                connector,
                websocket,
            };
            connect::open(&plan, blocking, &abort)
        });
        let result = result.map_err(|failure| {
            if !failure.log.is_empty() {
                self.locked(h, |g| {
                    for text in failure.log {
                        g.engine.session_mut().log_line(LogLevel::Error, || text);
                    }
                });
            }
            failure.error
        });
        let t = now();
        self.io(h, |g| {
            g.engine.finish_connect(generation, result, t)?;
            g.output_ready(&self.waker, t)
        })
    }

    /// Read what the network has (an application's own event loop, when the socket is
    /// readable).
    pub fn read(&self, h: &dyn Handler) -> Result<(), Error> {
        self.io(h, |g| {
            let t = now();
            g.engine.begin_read_call()?;
            if let Some(r) = without_socket(g) {
                return r;
            }
            let r = g.engine.read(t, false);
            note_accepted(g);
            r?;
            if g.engine.has_socket() {
                g.output_ready(&self.waker, t)
            } else {
                Ok(())
            }
        })
    }

    /// Write queued output (an application's own event loop, when the socket is writable).
    pub fn write(&self, h: &dyn Handler) -> Result<(), Error> {
        self.io(h, |g| {
            g.engine.begin_call();
            if let Some(r) = without_socket(g) {
                return r;
            }
            g.engine.write(now())
        })
    }

    /// Keepalive housekeeping (an application's own event loop, about once a second).
    pub fn misc(&self, h: &dyn Handler) -> Result<(), Error> {
        self.io(h, |g| {
            let t = now();
            g.engine.begin_call();
            g.engine.misc(t)?;
            if g.engine.has_socket() {
                g.output_ready(&self.waker, t)
            } else {
                Ok(())
            }
        })
    }
}

/// Without the `tls` feature: settings that ask for TLS fail the connection rather than let
/// it go out in plain text.
#[cfg(not(feature = "tls"))]
fn tls_plan(_: &Target, settings: Option<TlsSettings>) -> Result<Option<TlsPlan>, connect::Failure> {
    match settings {
        None => Ok(None),
        Some(_) => Err(connect::Failure {
            error: Error::Tls,
            log: vec!["Error: this library was built without TLS support.".to_owned()],
        }),
    }
}

/// The TLS part of a connection plan: the rustls configuration built from the settings (files
/// are read here, and the password callback may run; no lock is held).
#[cfg(feature = "tls")]
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
