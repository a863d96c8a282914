//! The loop thread: [`Client::start_loop`] runs [`Client::run_forever`] in a thread of the
//! client's own until [`Client::stop_loop`].

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

use super::{Client, DisconnectCause, Error, Owner, Threaded, now, waiting_for_connect_call};

/// How long a forced stop waits for the loop thread; only a name lookup in progress can keep it
/// longer.
const FORCE_STOP_WAIT: Duration = Duration::from_secs(2);
/// How long the loop thread waits for the first connect request after it started, between
/// checks.
const START_POLL: Duration = Duration::from_millis(10);
/// The wait of each pass when the keepalive is off.
const NO_KEEPALIVE_WAIT: Duration = Duration::from_secs(86_400);

/// What a loop thread is asked to do; each thread has its own, so that a thread still ending
/// cannot pick up the requests meant for its successor.
#[derive(Debug, Default)]
pub struct LoopControl {
    /// Exit now (a forced stop, or the client is discarded).
    pub stop: AtomicBool,
    /// Someone waits for the thread to end.
    pub joining: AtomicBool,
}

/// Whether a loop thread has ended, for a stop that waits a limited time.
#[derive(Default)]
struct Ended {
    done: Mutex<bool>,
    cv: Condvar,
}

impl Ended {
    /// Wait up to `limit` for the thread to end; whether it did.
    fn wait(&self, limit: Duration) -> bool {
        let deadline = now() + limit;
        let mut done = self.done.lock();
        while !*done {
            let left = deadline.saturating_duration_since(now());
            if left.is_zero() {
                break;
            }
            let _ = self.cv.wait_for(&mut done, left);
        }
        *done
    }
}

/// Marks the thread ended when dropped (also when its body panics).
struct EndsOnDrop(Arc<Ended>);

impl Drop for EndsOnDrop {
    fn drop(&mut self) {
        *self.0.done.lock() = true;
        self.0.cv.notify_all();
    }
}

/// A running loop thread.
pub(super) struct LoopThread {
    control: Arc<LoopControl>,
    handle: JoinHandle<()>,
    /// Set when the thread ends.
    ended: Arc<Ended>,
    /// The thread's pthread id (compared with `pthread_self`, which, unlike
    /// `std::thread::current`, allocates nothing in the application's threads).
    id: libc::pthread_t,
}

impl Client {
    /// Start a thread (named "mosquitto loop") that runs the network loop of `owner`'s client
    /// until [`Client::stop_loop`]. It may start before the first connect request: it waits
    /// for one. Other threads may then make any request at any time; the output they queue is
    /// written by the loop thread, in which the events are delivered.
    ///
    /// Fails with [`Error::Inval`] when a loop thread runs already or the application said it
    /// runs the loop itself, and with the system's error when no thread can be created.
    pub fn start_loop<O: Owner + 'static>(owner: &Arc<O>) -> Result<(), Error> {
        let client = owner.client();
        let mut slot = client.loop_thread.lock();
        {
            let mut g = client.inner.lock();
            if slot.is_some() || g.threaded != Threaded::None {
                return Err(Error::Inval);
            }
            g.threaded = Threaded::Own;
        }
        let control = Arc::new(LoopControl::default());
        let thread_control = control.clone();
        let keep = owner.clone();
        let ended = Arc::new(Ended::default());
        let thread_ended = ended.clone();
        let spawned = std::thread::Builder::new()
            .name("mosquitto loop".into())
            .spawn(move || {
                let _ended = EndsOnDrop(thread_ended);
                let owner = keep;
                // A panic must not cross into the application's thread; the loop just ends.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    loop_thread_main(&*owner, &thread_control)
                }));
            });
        match spawned {
            Ok(handle) => {
                let id = std::os::unix::thread::JoinHandleExt::as_pthread_t(&handle);
                *slot = Some(Box::new(LoopThread {
                    control,
                    handle,
                    ended,
                    id,
                }));
                Ok(())
            }
            Err(e) => {
                client.inner.lock().threaded = Threaded::None;
                Err(Error::from_io(&e))
            }
        }
    }

    /// Stop the loop thread, if there is one, and wait for it (unless called from the loop
    /// thread itself, which cannot wait for itself). With `force`, the thread is woken and
    /// exits at once, dropping the connection; without, it runs until `run_forever` would
    /// return (after a disconnect), as programs that stop the loop before their last messages
    /// are acknowledged expect. Returns whether there was a loop thread.
    pub fn stop_loop(&self, force: bool) -> bool {
        let Some(thread) = self.loop_thread.lock().take() else {
            return false;
        };
        if force {
            thread.control.stop.store(true, Ordering::Release);
            self.abort_connect.store(true, Ordering::Release);
        }
        thread.control.joining.store(true, Ordering::Release);
        self.wake();
        // SAFETY: pthread_self has no preconditions.
        if thread.id != unsafe { libc::pthread_self() } {
            if force {
                // Every wait of the loop thread checks the stop flag often, except a name
                // lookup, which cannot be interrupted: do not wait for one of those to time
                // out. The thread holds its own reference to the client and ends by itself
                // once the lookup returns.
                if !thread.ended.wait(FORCE_STOP_WAIT) {
                    return self.finish_stopping();
                }
            }
            let _ = thread.handle.join();
        }
        self.finish_stopping()
    }

    /// The client no longer has a loop thread of its own.
    fn finish_stopping(&self) -> bool {
        let mut g = self.inner.lock();
        if g.threaded == Threaded::Own {
            g.threaded = Threaded::None;
        }
        true
    }
}

/// The body of the loop thread.
fn loop_thread_main<O: Owner>(owner: &O, control: &LoopControl) {
    let client = owner.client();
    // This thread delivers the events from now on (see `Client::locked`).
    client.inner.lock().network_thread = Some(std::thread::current().id());
    // Wait for the first connect request (the loop may start before an asynchronous connect);
    // a stop before any connect request ends the wait.
    loop {
        if control.stop.load(Ordering::Acquire) || control.joining.load(Ordering::Acquire) {
            return finish_stop(owner, control);
        }
        if !waiting_for_connect_call(&client.inner.lock()) {
            break;
        }
        let _ = client.wait(START_POLL);
    }
    let keepalive = client.inner.lock().engine.session().keepalive();
    let timeout = if keepalive == 0 {
        NO_KEEPALIVE_WAIT
    } else {
        Duration::from_secs(u64::from(keepalive))
    };
    let _ = client.run_forever(owner, Some(timeout), Some(control));
    finish_stop(owner, control);
}

/// Last step of a loop thread stopped with `force`: write what can be written at once, then
/// drop the connection.
fn finish_stop<O: Owner>(owner: &O, control: &LoopControl) {
    if !control.stop.load(Ordering::Acquire) {
        return;
    }
    owner.client().locked(owner, |g| {
        let t = now();
        let _ = g.engine.flush(t);
        if g.engine.has_socket() {
            let _ = g.engine.close(DisconnectCause::Requested);
        }
    });
}
