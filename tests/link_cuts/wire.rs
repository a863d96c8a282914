//! A network link made of two TUN devices, one in each namespace, and a thread of the test
//! that carries the IP packets between them: delayed with jitter, dropped, duplicated and
//! reordered as told. It stands in for `tc netem` where the kernel has no `sch_netem`.
//!
//! Everything else about the link stays as with a veth pair: each end is an interface of its
//! namespace (`ip link set down` works on it, nftables sees it, `ss -K` resets connections over
//! it). The devices exist as long as the [`Wire`] does.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the wire does to each packet, in both directions. Percentages are of packets.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Impairment {
    pub(crate) delay_ms: u64,
    pub(crate) jitter_ms: u64,
    pub(crate) loss: f64,
    pub(crate) duplicate: f64,
    /// Packets sent at once, ahead of those waiting out their delay (as netem's `reorder`).
    pub(crate) reorder: f64,
}

impl Impairment {
    /// The same, as arguments of `tc qdisc ... netem`.
    pub(crate) fn netem_spec(&self) -> String {
        format!(
            "delay {}ms {}ms loss {}% duplicate {}% reorder {}% 50%",
            self.delay_ms, self.jitter_ms, self.loss, self.duplicate, self.reorder
        )
    }
}

/// What the wire has done so far.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct WireCounts {
    pub(crate) packets: u64,
    pub(crate) dropped: u64,
    pub(crate) duplicated: u64,
    pub(crate) reordered: u64,
}

#[derive(Default)]
struct Counters {
    packets: AtomicU64,
    dropped: AtomicU64,
    duplicated: AtomicU64,
    reordered: AtomicU64,
}

struct Shared {
    impairment: Mutex<Impairment>,
    stop: AtomicBool,
    counters: Counters,
}

/// The link; dropping it stops the thread and removes both devices.
pub(crate) struct Wire {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

/// Whether TUN devices can be made here (root and `/dev/net/tun`).
pub(crate) fn available() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/net/tun")
        .is_ok()
}

const TUNSETIFF: libc::c_ulong = 0x4004_54ca;
const IFF_TUN: libc::c_short = 0x0001;
const IFF_NO_PI: libc::c_short = 0x1000;

#[repr(C)]
struct IfReq {
    name: [u8; libc::IFNAMSIZ],
    flags: libc::c_short,
    _pad: [u8; 22],
}

/// Enter the network namespace `ns` (made by `ip netns add`) on this thread only.
fn enter_namespace(ns: &str) -> io::Result<()> {
    let path = CString::new(format!("/run/netns/{ns}")).map_err(io::Error::other)?;
    // SAFETY: a valid NUL-terminated path; the result is checked.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fd was just opened and is owned here.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: setns(2) on an open namespace file; it changes only the calling thread.
    if unsafe { libc::setns(fd.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A non-blocking TUN device `name` (no packet information header) in the current thread's
/// namespace.
fn open_tun(name: &str) -> io::Result<OwnedFd> {
    let path = c"/dev/net/tun";
    // SAFETY: a valid NUL-terminated path; the result is checked.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDWR | libc::O_NONBLOCK | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fd was just opened and is owned here.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut req = IfReq {
        name: [0; libc::IFNAMSIZ],
        flags: IFF_TUN | IFF_NO_PI,
        _pad: [0; 22],
    };
    if name.len() >= libc::IFNAMSIZ {
        return Err(io::Error::other("interface name too long"));
    }
    req.name[..name.len()].copy_from_slice(name.as_bytes());
    // SAFETY: TUNSETIFF reads and writes an ifreq, which IfReq lays out (40 bytes).
    if unsafe { libc::ioctl(fd.as_raw_fd(), TUNSETIFF, &mut req as *mut IfReq) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(fd)
}

impl Wire {
    /// Make the device `if_a` in namespace `ns_a` and `if_b` in `ns_b`, joined by the wire
    /// (addresses and `up` are left to the caller). `seed` makes the impairments repeatable.
    pub(crate) fn create(ns_a: &str, if_a: &str, ns_b: &str, if_b: &str, seed: u64) -> io::Result<Wire> {
        let shared = Arc::new(Shared {
            impairment: Mutex::new(Impairment::default()),
            stop: AtomicBool::new(false),
            counters: Counters::default(),
        });
        let (ready_tx, ready_rx) = mpsc::channel();
        let (ns_a, if_a, ns_b, if_b) = (
            ns_a.to_string(),
            if_a.to_string(),
            ns_b.to_string(),
            if_b.to_string(),
        );
        let thread_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new().name("wire".into()).spawn(move || {
            // Each device belongs to the namespace it was made in; this thread visits both.
            let opened = (|| {
                enter_namespace(&ns_a)?;
                let a = open_tun(&if_a)?;
                enter_namespace(&ns_b)?;
                let b = open_tun(&if_b)?;
                Ok::<_, io::Error>((a, b))
            })();
            match opened {
                Ok((a, b)) => {
                    let _ = ready_tx.send(Ok(()));
                    relay(&thread_shared, &a, &b, seed);
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                }
            }
        })?;
        match ready_rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(())) => Ok(Wire {
                shared,
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                shared.stop.store(true, Ordering::Relaxed);
                Err(io::Error::other("the wire's thread did not start"))
            }
        }
    }

    /// From now on, treat packets so.
    pub(crate) fn set(&self, impairment: Impairment) {
        *self.shared.impairment.lock().unwrap_or_else(|p| p.into_inner()) = impairment;
    }

    pub(crate) fn counts(&self) -> WireCounts {
        let c = &self.shared.counters;
        WireCounts {
            packets: c.packets.load(Ordering::Relaxed),
            dropped: c.dropped.load(Ordering::Relaxed),
            duplicated: c.duplicated.load(Ordering::Relaxed),
            reordered: c.reordered.load(Ordering::Relaxed),
        }
    }
}

impl Drop for Wire {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A small deterministic random source (xorshift), so that a failing run can be repeated;
/// also the link-cut test's.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number from `low` to `high`, both included.
    pub(crate) fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: f64) -> bool {
        percent > 0.0 && ((self.next() % 1_000_000) as f64) < percent * 10_000.0
    }
}

/// A packet waiting out its delay: due time, then arrival order.
type Waiting = Reverse<(Instant, u64, usize, Vec<u8>)>;

/// At most this many packets wait; more are dropped (a full queue).
const QUEUE_LIMIT: usize = 20_000;

fn relay(shared: &Shared, a: &OwnedFd, b: &OwnedFd, seed: u64) {
    let fds = [a.as_raw_fd(), b.as_raw_fd()];
    let mut rng = Rng(seed | 1);
    let mut queue: BinaryHeap<Waiting> = BinaryHeap::new();
    let mut order = 0u64;
    let mut buf = vec![0u8; 65_536];
    let counters = &shared.counters;
    while !shared.stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        let wait = queue
            .peek()
            .map_or(Duration::from_millis(20), |Reverse((due, ..))| {
                due.saturating_duration_since(now).min(Duration::from_millis(20))
            });
        let mut polls = [
            libc::pollfd {
                fd: fds[0],
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: fds[1],
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        let ms = wait.as_millis().max(u128::from(!wait.is_zero())) as libc::c_int;
        // SAFETY: two initialised pollfd entries.
        unsafe { libc::poll(polls.as_mut_ptr(), 2, ms) };
        let impairment = *shared.impairment.lock().unwrap_or_else(|p| p.into_inner());
        for (from, p) in polls.iter().enumerate() {
            if p.revents & libc::POLLIN == 0 {
                continue;
            }
            let to = 1 - from;
            // Everything waiting on this device, at most a bounded number per pass.
            for _ in 0..256 {
                // SAFETY: buf is writable for its length.
                let n = unsafe { libc::read(fds[from], buf.as_mut_ptr().cast(), buf.len()) };
                if n <= 0 {
                    break;
                }
                let packet = &buf[..n as usize];
                counters.packets.fetch_add(1, Ordering::Relaxed);
                if rng.chance(impairment.loss) {
                    counters.dropped.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                let copies = if rng.chance(impairment.duplicate) {
                    counters.duplicated.fetch_add(1, Ordering::Relaxed);
                    2
                } else {
                    1
                };
                for _ in 0..copies {
                    let delayed = impairment.delay_ms > 0 || impairment.jitter_ms > 0;
                    if !delayed || (!queue.is_empty() && rng.chance(impairment.reorder)) {
                        if delayed {
                            counters.reordered.fetch_add(1, Ordering::Relaxed);
                        }
                        write_packet(fds[to], packet);
                        continue;
                    }
                    if queue.len() >= QUEUE_LIMIT {
                        counters.dropped.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    let jitter = impairment.jitter_ms;
                    let spread = rng.next() % (2 * jitter + 1);
                    let ms = (impairment.delay_ms + spread).saturating_sub(jitter);
                    order += 1;
                    queue.push(Reverse((
                        Instant::now() + Duration::from_millis(ms),
                        order,
                        to,
                        packet.to_vec(),
                    )));
                }
            }
        }
        let now = Instant::now();
        while queue.peek().is_some_and(|Reverse((due, ..))| *due <= now) {
            if let Some(Reverse((_, _, to, packet))) = queue.pop() {
                write_packet(fds[to], &packet);
            }
        }
    }
}

/// Hand one packet to a device; a device that is down (EIO) or full loses it, as a wire would.
fn write_packet(fd: libc::c_int, packet: &[u8]) {
    // SAFETY: packet is readable for its length.
    unsafe { libc::write(fd, packet.as_ptr().cast(), packet.len()) };
}
