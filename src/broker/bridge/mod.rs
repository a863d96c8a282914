//! Bridges: the `connection` sections of `mosquitto.conf`, each a thread that links this broker
//! with a remote one.
//!
//! A bridge holds two clients of the client runtime ([`crate::client::Client`]):
//! - the remote side, connected to the bridge's `address` as an ordinary MQTT client (3.1,
//!   3.1.1 or 5, plain or TLS), with mosquitto's reconnection rules (`restart_timeout`,
//!   `round_robin`, `start_type`);
//! - the local side, an in-process connection into this broker: a Unix socket pair whose
//!   other end a worker serves as if it had been accepted on a listener of its own, whose
//!   clients bypass authentication and ACLs and are not announced in the log. It connects with
//!   the bridge's protocol: 3.x with the bridge flag (mosquitto's `try_private`), which makes
//!   its subscriptions No Local and Retain As Published, or 5 with those options.
//!
//! Messages that match an `out` or `both` line locally are published remotely, and those the
//! remote broker sends for `in` or `both` lines are published locally, each with its topic
//! rewritten by the line's prefixes (see [`topics`]). One thread runs both clients, waiting on
//! both sockets with `poll`. Bridges start with the broker, are not changed by a reload, and
//! stop (their threads joined) before the broker's workers do.

mod runner;
mod topics;

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use crate::broker::config::{Bridge, LogTypes};
use crate::client::Connector;

/// The longest a starting broker waits for its bridges' local subscriptions.
const READY_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Writes a line to the broker's log.
pub(crate) type LogFn = Arc<dyn Fn(LogTypes, &str) + Send + Sync>;

/// The broker-wide options that apply to a bridge's outgoing queue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// `max_queued_messages` (0: no limit).
    pub(crate) max_queued_messages: u32,
    /// `max_queued_bytes` (0: no limit).
    pub(crate) max_queued_bytes: u64,
    /// `queue_qos0_messages`.
    pub(crate) queue_qos0_messages: bool,
    /// `max_inflight_messages` (0: no limit).
    pub(crate) max_inflight_messages: u16,
}

/// What bridges need of the broker.
#[derive(Clone)]
pub(crate) struct Env {
    pub(crate) log: LogFn,
    /// Makes a new in-process connection into the broker.
    pub(crate) connector: Connector,
    /// The host name in default client ids.
    pub(crate) hostname: String,
    pub(crate) limits: Limits,
}

/// Asks a bridge thread to stop.
#[derive(Debug)]
struct Stop {
    flag: AtomicBool,
    /// Written to wake the thread.
    wake: UnixStream,
}

impl Stop {
    fn requested(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }
}

/// The running bridges.
#[derive(Debug, Default)]
pub(crate) struct Bridges {
    running: Vec<(Arc<Stop>, JoinHandle<()>)>,
}

impl Bridges {
    /// Start a thread for every bridge; the error is the line to log when a thread cannot be
    /// made (the bridges already started are stopped).
    ///
    /// Returns once every bridge has subscribed on this broker (or after a few seconds), so
    /// that the messages published from then on reach the bridges, as they do in mosquitto,
    /// whose bridges subscribe before it accepts clients.
    pub(crate) fn start(configs: &[Bridge], env: &Env) -> Result<Self, String> {
        let mut bridges = Self::default();
        let mut waits = Vec::new();
        for config in configs {
            let started = UnixStream::pair().and_then(|(wake, woken)| {
                woken.set_nonblocking(true)?;
                let stop = Arc::new(Stop {
                    flag: AtomicBool::new(false),
                    wake,
                });
                let ready = Arc::new(runner::Ready::default());
                waits.push(ready.clone());
                let runner = runner::Runner::new(config.clone(), env.clone(), stop.clone(), woken, ready)?;
                let thread = std::thread::Builder::new()
                    .name(format!("bridge-{}", config.name))
                    .spawn(move || {
                        // A panic ends this bridge only.
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runner.run()));
                    })?;
                Ok((stop, thread))
            });
            match started {
                Ok(b) => bridges.running.push(b),
                Err(e) => {
                    bridges.stop();
                    return Err(format!("Error: Unable to start bridge {}: {e}.", config.name));
                }
            }
        }
        let deadline = crate::client::now() + READY_WAIT;
        for ready in waits {
            ready.wait_until(deadline);
        }
        Ok(bridges)
    }

    /// Stop every bridge and wait for its thread.
    pub(crate) fn stop(&mut self) {
        for (stop, _) in &self.running {
            stop.flag.store(true, Ordering::Release);
            let _ = (&stop.wake).write(&[1]);
        }
        for (_, thread) in self.running.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for Bridges {
    fn drop(&mut self) {
        self.stop();
    }
}

/// This machine's host name, as default bridge client ids contain it.
pub(crate) fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: `buf` is writable for its length; gethostname writes at most that many bytes.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return "localhost".to_owned();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}
