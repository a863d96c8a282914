//! The object behind `struct mosquitto *`: the client runtime ([`crate::client::Client`]) plus
//! the application's callbacks and user data, and the delivery of events as callbacks.
//!
//! A `struct mosquitto *` is the raw pointer of an `Arc<Shared>`. The application owns one
//! reference (released by `mosquitto_destroy`); every exported function holds its own for the
//! duration of the call ([`shared`]) and the loop thread one while it runs, so a handle
//! destroyed from inside a callback stays valid until the callback has returned.
//!
//! Callbacks are read from atomics and run with no lock held (the runtime delivers events so),
//! so a callback may call any function on its own handle.

use std::ffi::{CString, c_char, c_int, c_void};
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

use super::error;
use super::types::{mosquitto, mosquitto_message, mosquitto_property};
use crate::client::{
    Client, ClientOptions, DisconnectCause, Error, Event, Handler, LogLevel, Owner, Property,
};

pub(crate) type ConnectCb = unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int);
pub(crate) type DisconnectCb = unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int);
pub(crate) type PublishCb = unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int);
pub(crate) type UnsubscribeCb = unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int);
pub(crate) type UnsubscribeV5Cb =
    unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, *const mosquitto_property);
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
pub(crate) type PreConnectCb = unsafe extern "C" fn(*mut mosquitto, *mut c_void);
pub(crate) type Unsubscribe2V5Cb =
    unsafe extern "C" fn(*mut mosquitto, *mut c_void, c_int, c_int, *const c_int, *const mosquitto_property);
pub(crate) type ExtAuthCb = unsafe extern "C" fn(
    *mut mosquitto,
    *mut c_void,
    *const c_char,
    u16,
    *const c_void,
    *const mosquitto_property,
) -> c_int;
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
    pub(crate) disconnect: Slot<DisconnectCb>,
    pub(crate) disconnect_v5: Slot<DisconnectV5Cb>,
    pub(crate) publish: Slot<PublishCb>,
    pub(crate) publish_v5: Slot<PublishV5Cb>,
    pub(crate) message: Slot<MessageCb>,
    pub(crate) message_v5: Slot<MessageV5Cb>,
    pub(crate) subscribe: Slot<SubscribeCb>,
    pub(crate) subscribe_v5: Slot<SubscribeV5Cb>,
    pub(crate) unsubscribe: Slot<UnsubscribeCb>,
    pub(crate) unsubscribe_v5: Slot<UnsubscribeV5Cb>,
    pub(crate) unsubscribe2_v5: Slot<Unsubscribe2V5Cb>,
    pub(crate) pre_connect: Slot<PreConnectCb>,
    pub(crate) ext_auth: Slot<ExtAuthCb>,
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
        self.unsubscribe2_v5.set(None);
        self.pre_connect.set(None);
        self.ext_auth.set(None);
        self.log.set(None);
    }
}

/// Everything behind one `struct mosquitto *`: the client runtime plus what only C needs.
pub(crate) struct Shared {
    pub(crate) client: Client,
    pub(crate) callbacks: Callbacks,
    pub(crate) userdata: AtomicPtr<c_void>,
    /// `mosquitto_destroy` was called.
    pub(crate) destroyed: AtomicBool,
}

// SAFETY: the only non-thread-safe member is the application's userdata pointer, stored as an
// AtomicPtr and never dereferenced by the library; what the application does with it from the
// callbacks is the application's responsibility, as with libmosquitto.
unsafe impl Send for Shared {}
// SAFETY: see above; every other member is Sync.
unsafe impl Sync for Shared {}

impl Handler for Shared {
    fn deliver(&self, event: Event) {
        self.deliver_event(event);
    }

    fn discarded(&self) -> bool {
        self.destroyed.load(Ordering::Acquire)
    }
}

impl Owner for Shared {
    fn client(&self) -> &Client {
        &self.client
    }
}

impl Shared {
    /// A new client; fails if the poller cannot be created (out of file descriptors).
    pub(crate) fn new(opts: ClientOptions) -> Result<Arc<Self>, Error> {
        Ok(Arc::new(Self {
            client: Client::new(opts)?,
            callbacks: Callbacks::default(),
            userdata: AtomicPtr::new(std::ptr::null_mut()),
            destroyed: AtomicBool::new(false),
        }))
    }

    /// The pointer C knows this client by.
    pub(crate) fn c_ptr(&self) -> *mut mosquitto {
        self as *const Self as *mut mosquitto
    }

    // Every unsafe block below calls an application callback; the one SAFETY note below covers
    // them all.
    #[allow(clippy::undocumented_unsafe_blocks)]
    fn deliver_event(&self, event: Event) {
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
                let payloadlen = message.payload.len();
                // The decoder left room for the NUL: no copy unless the payload is shared.
                let mut payload = message
                    .payload
                    .try_into_mut()
                    .unwrap_or_else(|shared| bytes::BytesMut::from(&shared[..]));
                payload.extend_from_slice(&[0]);
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
            Event::Unsubscribe {
                mid,
                reason_codes,
                properties,
            } => {
                let mid = c_int::from(mid);
                if let Some(f) = cb.unsubscribe.get() {
                    unsafe { f(mosq, ud, mid) };
                }
                if let Some(f) = cb.unsubscribe_v5.get() {
                    with_c_properties(&properties, |p| unsafe { f(mosq, ud, mid, p) });
                }
                if let Some(f) = cb.unsubscribe2_v5.get() {
                    let codes: Vec<c_int> = reason_codes.into_iter().map(c_int::from).collect();
                    let array = if codes.is_empty() {
                        std::ptr::null()
                    } else {
                        codes.as_ptr()
                    };
                    let n = codes.len() as c_int;
                    with_c_properties(&properties, |p| unsafe { f(mosq, ud, mid, n, array, p) });
                }
            }
            Event::PreConnect => {
                if let Some(f) = cb.pre_connect.get() {
                    unsafe { f(mosq, ud) };
                }
            }
            Event::ExtAuth {
                method,
                data,
                properties,
            } => {
                let rc = match cb.ext_auth.get() {
                    Some(f) => {
                        let method = method.and_then(|m| CString::new(m).ok());
                        let method_ptr = method.as_ref().map_or(std::ptr::null(), |m| m.as_ptr());
                        let (len, data_ptr) = match &data {
                            Some(d) => (u16::try_from(d.len()).unwrap_or(u16::MAX), d.as_ptr().cast()),
                            None => (0, std::ptr::null()),
                        };
                        with_c_properties(&properties, |p| unsafe {
                            f(mosq, ud, method_ptr, len, data_ptr, p)
                        })
                    }
                    None => error::code(&Error::Auth),
                };
                if rc != 0 {
                    self.client.abort_connection(error::from_code(rc));
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

/// The client behind a C pointer, or `None` for NULL. The `Arc` returned keeps the client alive
/// for the call, also when a callback that runs meanwhile destroys it.
///
/// # Safety
/// `mosq` must be NULL or a pointer returned by `mosquitto_new` and not yet destroyed.
pub(crate) unsafe fn shared(mosq: *mut mosquitto) -> Option<Arc<Shared>> {
    if mosq.is_null() {
        None
    } else {
        let ptr = mosq as *const Shared;
        // SAFETY: per the contract, `mosq` came from `Arc::into_raw` of an `Arc<Shared>` that
        // is still alive, so its count can be raised and the new reference taken over here.
        unsafe {
            Arc::increment_strong_count(ptr);
            Some(Arc::from_raw(ptr))
        }
    }
}
