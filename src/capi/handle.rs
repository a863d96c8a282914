//! The object behind `struct mosquitto *`, its locking, and callback dispatch.
//!
//! A `struct mosquitto *` is the raw pointer of an `Arc<Shared>`. The application owns one
//! reference (released by `mosquitto_destroy`); the loop thread and a dispatching thread hold
//! their own while they run, so a handle destroyed from inside a callback stays valid until the
//! callback has returned.
//!
//! Locking: all client state sits in one `parking_lot::Mutex<Inner>`. Waiting for network events
//! happens under a second lock (`poll`) that never guards client state, so other threads can
//! publish while the loop sleeps; they wake it with the [`mio::Waker`]. Callbacks are read from
//! atomics and run with no lock held, so a callback may call any function on its own handle;
//! a `dispatching` flag makes sure only one thread runs callbacks for a client at a time, and
//! events raised meanwhile by other threads are delivered by that thread, in order.

use std::ffi::{CString, c_char, c_int, c_void};
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mio::{Events, Poll, Waker};
use parking_lot::Mutex;

use super::error;
use super::types::{mosquitto, mosquitto_message, mosquitto_property};
use crate::error::Error;
use crate::protocol::Property;
use crate::session::{ClientOptions, DisconnectCause, Event, LogLevel, Session};
use crate::transport::driver::{self, Engine, Threaded, WAKER};

pub(crate) type ConnectCb = unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int);
pub(crate) type ConnectFlagsCb = unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int);
pub(crate) type ConnectV5Cb =
    unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, *const mosquitto_property);
pub(crate) type DisconnectV5Cb =
    unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, *const mosquitto_property);
pub(crate) type PublishV5Cb =
    unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, *const mosquitto_property);
pub(crate) type MessageCb = unsafe extern "C" fn(*mut mosquitto, *mut c_void, *const mosquitto_message);
pub(crate) type MessageV5Cb =
    unsafe extern "C" fn(*mut mosquitto, *mut c_void, *const mosquitto_message, *const mosquitto_property);
pub(crate) type SubscribeCb = unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, *const c_int);
pub(crate) type SubscribeV5Cb =
    unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, *const c_int, *const mosquitto_property);
pub(crate) type LogCb = unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, *const c_char);

/// A callback pointer that can be read and replaced from any thread without a lock.
pub(crate) struct Slot<F> {
    ptr: AtomicPtr<()>,
    _kind: PhantomData<F>,
}

impl<F: Copy> Slot<F> {
    const SIZE_OK: () = assert!(size_of::<F>() == size_of::<*mut ()>());

    pub(crate) const fn new() -> Self {
        Self {
            ptr: AtomicPtr::new(std::ptr::null_mut()),
            _kind: PhantomData,
        }
    }

    pub(crate) fn set(&self, f: Option<F>) {
        let () = Self::SIZE_OK;
        let p = match f {
            // SAFETY: F is a function pointer type of the same size as a data pointer (checked
            // at compile time); function pointers round-trip through `*mut ()` on every
            // platform this library supports.
            Some(f) => unsafe { std::mem::transmute_copy::<F, *mut ()>(&f) },
            None => std::ptr::null_mut(),
        };
        self.ptr.store(p, Ordering::Release);
    }

    pub(crate) fn get(&self) -> Option<F> {
        let () = Self::SIZE_OK;
        let p = self.ptr.load(Ordering::Acquire);
        if p.is_null() {
            None
        } else {
            // SAFETY: `p` was stored by `set` from a value of type F (see there).
            Some(unsafe { std::mem::transmute_copy::<*mut (), F>(&p) })
        }
    }
}

/// Every callback of a client.
#[derive(Default)]
pub(crate) struct Callbacks {
    pub(crate) connect: Slot<ConnectCb>,
    pub(crate) connect_with_flags: Slot<ConnectFlagsCb>,
    pub(crate) connect_v5: Slot<ConnectV5Cb>,
    pub(crate) disconnect: Slot<ConnectCb>,
    pub(crate) disconnect_v5: Slot<DisconnectV5Cb>,
    pub(crate) publish: Slot<ConnectCb>,
    pub(crate) publish_v5: Slot<PublishV5Cb>,
    pub(crate) message: Slot<MessageCb>,
    pub(crate) message_v5: Slot<MessageV5Cb>,
    pub(crate) subscribe: Slot<SubscribeCb>,
    pub(crate) subscribe_v5: Slot<SubscribeV5Cb>,
    pub(crate) unsubscribe: Slot<ConnectCb>,
    pub(crate) unsubscribe_v5: Slot<DisconnectV5Cb>,
    pub(crate) log: Slot<LogCb>,
}

impl<F: Copy> Default for Slot<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl Callbacks {
    /// Forget every callback (`mosquitto_reinitialise`).
    pub(crate) fn clear(&self) {
        self.connect.set(None);
        self.connect_with_flags.set(None);
        self.connect_v5.set(None);
        self.disconnect.set(None);
        self.disconnect_v5.set(None);
        self.publish.set(None);
        self.publish_v5.set(None);
        self.message.set(None);
        self.message_v5.set(None);
        self.subscribe.set(None);
        self.subscribe_v5.set(None);
        self.unsubscribe.set(None);
        self.unsubscribe_v5.set(None);
        self.log.set(None);
    }
}

/// Client state guarded by the client lock.
pub(crate) struct Inner {
    pub(crate) engine: Engine,
    dispatching: bool,
    waker: Arc<Waker>,
}

impl Inner {
    /// After output was queued: write it now if the calling thread runs the network itself,
    /// or wake the thread that does.
    pub(crate) fn output_ready(&mut self, now: Instant) -> Result<(), Error> {
        match self.engine.threaded {
            Threaded::None => self.engine.flush(now),
            Threaded::External | Threaded::Own => {
                if self.engine.session.wants_write() {
                    self.wake();
                }
                Ok(())
            }
        }
    }

    /// Wake the thread waiting in the poller (at most one pending wake-up).
    pub(crate) fn wake(&mut self) {
        if !self.engine.wake_pending {
            self.engine.wake_pending = true;
            let _ = self.waker.wake();
        }
    }
}

/// The waiting half: only the thread blocked in the poller holds this.
struct PollState {
    poll: Poll,
    events: Events,
}

/// Readiness seen by one wait.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Ready {
    pub(crate) readable: bool,
    pub(crate) writable: bool,
    pub(crate) woken: bool,
    /// The socket's peer closed its end (or the socket has an error).
    pub(crate) read_closed: bool,
}

/// What a loop thread is asked to do; each thread has its own, so that a thread still ending
/// cannot pick up the requests meant for its successor.
#[derive(Default)]
pub(crate) struct LoopControl {
    /// Exit now (`mosquitto_loop_stop(mosq, true)`, destroy).
    pub(crate) stop: AtomicBool,
    /// `mosquitto_loop_stop` is waiting for the thread.
    pub(crate) joining: AtomicBool,
}

/// The loop thread started by `mosquitto_loop_start`.
pub(crate) struct LoopThread {
    pub(crate) control: Arc<LoopControl>,
    pub(crate) handle: JoinHandle<()>,
    /// Disconnected when the thread ends (the thread holds the sender).
    pub(crate) ended: std::sync::mpsc::Receiver<()>,
    /// The thread's pthread id (compared with `pthread_self`, which, unlike
    /// `std::thread::current`, allocates nothing in the application's threads).
    pub(crate) id: libc::pthread_t,
}

/// Everything behind one `struct mosquitto *`.
pub(crate) struct Shared {
    pub(crate) inner: Mutex<Inner>,
    poll: Mutex<PollState>,
    waker: Arc<Waker>,
    pub(crate) callbacks: Callbacks,
    pub(crate) userdata: AtomicPtr<c_void>,
    /// A connect in progress must give up (disconnect, destroy).
    pub(crate) abort_connect: AtomicBool,
    /// `mosquitto_destroy` was called.
    pub(crate) destroyed: AtomicBool,
    pub(crate) loop_thread: Mutex<Option<LoopThread>>,
}

// SAFETY: the only non-thread-safe member is the application's userdata pointer, stored as an
// AtomicPtr and never dereferenced by the library; what the application does with it from the
// callbacks is the application's responsibility, as with libmosquitto.
unsafe impl Send for Shared {}
// SAFETY: see above; every other member is Sync.
unsafe impl Sync for Shared {}

impl Shared {
    /// A new client; `None` if the poller cannot be created (out of file descriptors).
    pub(crate) fn new(opts: ClientOptions) -> Result<Arc<Self>, Error> {
        let poll = Poll::new().map_err(|e| Error::from_io(&e))?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER).map_err(|e| Error::from_io(&e))?);
        let registry = poll.registry().try_clone().map_err(|e| Error::from_io(&e))?;
        let engine = Engine::new(Session::new(opts), registry);
        Ok(Arc::new(Self {
            inner: Mutex::new(Inner {
                engine,
                dispatching: false,
                waker: waker.clone(),
            }),
            poll: Mutex::new(PollState {
                poll,
                events: Events::with_capacity(16),
            }),
            waker,
            callbacks: Callbacks::default(),
            userdata: AtomicPtr::new(std::ptr::null_mut()),
            abort_connect: AtomicBool::new(false),
            destroyed: AtomicBool::new(false),
            loop_thread: Mutex::new(None),
        }))
    }

    /// The pointer C knows this client by.
    pub(crate) fn c_ptr(&self) -> *mut mosquitto {
        self as *const Self as *mut mosquitto
    }

    /// Run `f` under the client lock, then deliver any callbacks it caused (and close a
    /// connection that failed meanwhile, once the callbacks before the failure have run).
    pub(crate) fn locked<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        let mut guard = self.inner.lock();
        let r = f(&mut guard);
        let need = !guard.dispatching && (guard.engine.session.has_events() || guard.engine.has_failure());
        drop(guard);
        if need {
            self.dispatch();
        }
        r
    }

    /// Like [`Shared::locked`] for network work: when the connection failed during `f`, the
    /// result is the one closing it gives (the error, or success when the application had
    /// asked to disconnect, possibly from a callback that ran meanwhile).
    pub(crate) fn io(&self, f: impl FnOnce(&mut Inner) -> Result<(), Error>) -> Result<(), Error> {
        let mut guard = self.inner.lock();
        let r = f(&mut guard);
        let need = !guard.dispatching && (guard.engine.session.has_events() || guard.engine.has_failure());
        drop(guard);
        if need {
            if let Some(closed) = self.dispatch() {
                return closed;
            }
        }
        r
    }

    /// Wake the thread waiting in the poller.
    pub(crate) fn wake(&self) {
        let _ = self.waker.wake();
    }

    /// Wait up to `timeout` for the socket or the waker.
    pub(crate) fn wait(&self, timeout: Duration) -> Result<Ready, Error> {
        let mut guard = self.poll.lock();
        let PollState { poll, events } = &mut *guard;
        match poll.poll(events, Some(timeout)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Ok(Ready::default()),
            Err(e) => return Err(Error::from_io(&e)),
        }
        let mut ready = Ready::default();
        for event in events.iter() {
            if event.token() == WAKER {
                ready.woken = true;
            } else {
                ready.readable |= event.is_readable() || event.is_read_closed() || event.is_error();
                ready.read_closed |= event.is_read_closed() || event.is_error();
                ready.writable |= event.is_writable() || event.is_write_closed() || event.is_error();
            }
        }
        Ok(ready)
    }

    /// Deliver pending events as callbacks, unless another thread (or an outer frame of this
    /// one) is already doing so; that one will deliver them. A failed connection is closed once
    /// the events before its failure have been delivered; the result of closing it is returned.
    pub(crate) fn dispatch(&self) -> Option<Result<(), Error>> {
        let mut batch = Vec::new();
        let mut closed = None;
        {
            let mut g = self.inner.lock();
            if g.dispatching {
                return None;
            }
            g.engine.session.drain_events(&mut batch);
            if batch.is_empty() {
                let cause = g.engine.take_failure()?;
                closed = Some(g.engine.close(cause));
                g.engine.session.drain_events(&mut batch);
                if batch.is_empty() {
                    return closed;
                }
            }
            g.dispatching = true;
        }
        // Keep the client alive while its callbacks run, even if one of them destroys it.
        // SAFETY: `self` lives inside an Arc created by `Shared::new` (every `&Shared` the C
        // layer hands out comes from such a pointer), so the count can be raised and the extra
        // reference released by the Arc built here.
        let _keep = unsafe {
            Arc::increment_strong_count(self as *const Self);
            Arc::from_raw(self as *const Self)
        };
        loop {
            for event in batch.drain(..) {
                if self.destroyed.load(Ordering::Acquire) {
                    break;
                }
                self.deliver(event);
            }
            let mut g = self.inner.lock();
            if !self.destroyed.load(Ordering::Acquire) {
                g.engine.session.drain_events(&mut batch);
                if batch.is_empty() {
                    if let Some(cause) = g.engine.take_failure() {
                        closed = Some(g.engine.close(cause));
                        g.engine.session.drain_events(&mut batch);
                    }
                }
            }
            if batch.is_empty() {
                g.dispatching = false;
                return closed;
            }
        }
    }

    // Every unsafe block below calls an application callback; the one SAFETY note below covers
    // them all.
    #[allow(clippy::undocumented_unsafe_blocks)]
    fn deliver(&self, event: Event) {
        let mosq = self.c_ptr();
        let ud = self.userdata.load(Ordering::Acquire);
        let cb = &self.callbacks;
        // SAFETY (for every call below): the function pointers were supplied by the application
        // through the callback setters with exactly these signatures; the pointers passed stay
        // valid for the duration of the call.
        match event {
            Event::Connect {
                rc,
                flags,
                properties,
            } => {
                let rc = c_int::from(rc);
                let flags = c_int::from(flags);
                if let Some(f) = cb.connect.get() {
                    unsafe { f(mosq, ud, rc) };
                }
                if let Some(f) = cb.connect_with_flags.get() {
                    unsafe { f(mosq, ud, rc, flags) };
                }
                if let Some(f) = cb.connect_v5.get() {
                    with_c_properties(&properties, |p| unsafe { f(mosq, ud, rc, flags, p) });
                }
            }
            Event::Disconnect { cause } => {
                let rc = match &cause {
                    DisconnectCause::Requested => 0,
                    DisconnectCause::Error(e) => error::code(e),
                    DisconnectCause::Server(reason) => c_int::from(*reason),
                };
                if let Some(f) = cb.disconnect.get() {
                    unsafe { f(mosq, ud, rc) };
                }
                if let Some(f) = cb.disconnect_v5.get() {
                    unsafe { f(mosq, ud, rc, std::ptr::null()) };
                }
            }
            Event::Publish {
                mid,
                reason_code,
                properties,
                v3_callback,
            } => {
                let mid = c_int::from(mid);
                if v3_callback {
                    if let Some(f) = cb.publish.get() {
                        unsafe { f(mosq, ud, mid) };
                    }
                }
                if let Some(f) = cb.publish_v5.get() {
                    let rc = c_int::from(reason_code);
                    with_c_properties(&properties, |p| unsafe { f(mosq, ud, mid, rc, p) });
                }
            }
            Event::Message { message } => {
                let (on_message, on_message_v5) = (cb.message.get(), cb.message_v5.get());
                if on_message.is_none() && on_message_v5.is_none() {
                    return;
                }
                let mut topic = message.topic.into_bytes();
                topic.push(0);
                let mut payload = message.payload;
                let payloadlen = payload.len();
                payload.push(0);
                let msg = mosquitto_message {
                    mid: c_int::from(message.mid),
                    topic: topic.as_mut_ptr().cast(),
                    payload: if payloadlen == 0 {
                        std::ptr::null_mut()
                    } else {
                        payload.as_mut_ptr().cast()
                    },
                    payloadlen: payloadlen as c_int,
                    qos: c_int::from(message.qos),
                    retain: message.retain,
                };
                if let Some(f) = on_message {
                    unsafe { f(mosq, ud, &msg) };
                }
                if let Some(f) = on_message_v5 {
                    with_c_properties(&message.properties, |p| unsafe { f(mosq, ud, &msg, p) });
                }
            }
            Event::Subscribe {
                mid,
                granted,
                properties,
            } => {
                let granted: Vec<c_int> = granted.into_iter().map(c_int::from).collect();
                let mid = c_int::from(mid);
                let n = granted.len() as c_int;
                if let Some(f) = cb.subscribe.get() {
                    unsafe { f(mosq, ud, mid, n, granted.as_ptr()) };
                }
                if let Some(f) = cb.subscribe_v5.get() {
                    with_c_properties(&properties, |p| unsafe {
                        f(mosq, ud, mid, n, granted.as_ptr(), p)
                    });
                }
            }
            Event::Unsubscribe { mid, properties } => {
                let mid = c_int::from(mid);
                if let Some(f) = cb.unsubscribe.get() {
                    unsafe { f(mosq, ud, mid) };
                }
                if let Some(f) = cb.unsubscribe_v5.get() {
                    with_c_properties(&properties, |p| unsafe { f(mosq, ud, mid, p) });
                }
            }
            Event::Log { level, text } => {
                if let Some(f) = cb.log.get() {
                    let text = CString::new(text).unwrap_or_else(|e| {
                        CString::new(e.into_vec().split(|&b| b == 0).next().unwrap_or_default())
                            .unwrap_or_default()
                    });
                    unsafe { f(mosq, ud, log_level(level), text.as_ptr()) };
                }
            }
        }
    }
}

/// Call `f` with a C property list equivalent to `props` (NULL when empty), freed afterwards.
fn with_c_properties<R>(props: &[Property], f: impl FnOnce(*const mosquitto_property) -> R) -> R {
    super::property::with_c_list(props, f)
}

/// The `MOSQ_LOG_*` value of a level.
fn log_level(level: LogLevel) -> c_int {
    use super::types::*;
    match level {
        LogLevel::Info => MOSQ_LOG_INFO,
        LogLevel::Notice => MOSQ_LOG_NOTICE,
        LogLevel::Warning => MOSQ_LOG_WARNING,
        LogLevel::Error => MOSQ_LOG_ERR,
        LogLevel::Debug => MOSQ_LOG_DEBUG,
    }
}

/// The client behind a C pointer, or `None` for NULL.
///
/// # Safety
/// `mosq` must be NULL or a pointer returned by `mosquitto_new` and not yet destroyed.
pub(crate) unsafe fn shared<'a>(mosq: *mut mosquitto) -> Option<&'a Shared> {
    if mosq.is_null() {
        None
    } else {
        // SAFETY: per the contract, `mosq` came from `Arc::into_raw` of an `Arc<Shared>` that is
        // still alive.
        Some(unsafe { &*(mosq as *const Shared) })
    }
}

/// The current time (the C layer's only clock).
pub(crate) fn now() -> Instant {
    driver::now()
}
