//! Persistence in the running broker: the store is opened (a file that cannot be used is moved
//! aside) and loaded into the shards before the workers start, and each worker commits its
//! shard's changes before it writes the output they belong to (`worker.rs`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::log::Logger;
use crate::broker::config::LogTypes;
use crate::broker::core::journal::Change;
use crate::broker::core::message::Message;
use crate::broker::core::shard::{Shard, Shared, Stats, home_shard};
use crate::broker::store::codec::Clock;
use crate::broker::store::{
    Loaded, OpenError, Opened, RedbStore, Store, StoreError, load, needs_durability, ops_for,
};

/// How a file written by mosquitto starts.
const MOSQUITTO_MAGIC: &[u8] = b"\x00\xB5\x00mosquitto db";

/// The current Unix time in milliseconds.
#[allow(clippy::disallowed_methods)]
pub(super) fn wall_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The clock pair for the store.
pub(super) fn clock(now: Instant) -> Clock {
    Clock {
        now,
        wall_ms: wall_ms(),
    }
}

/// The open store.
pub(super) struct Persistence {
    store: Box<dyn Store>,
    /// The file, as configured (`persistence_location` + `/` + `persistence_file`).
    pub(super) path: String,
    /// The last commit failed (the error is logged once until a commit succeeds again).
    failing: AtomicBool,
    /// When the store was last opened again after a failure.
    reopened: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for Persistence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Persistence")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// A free name beside `path` for a file moved aside.
fn aside_name(path: &str, what: &str) -> PathBuf {
    let first = PathBuf::from(format!("{path}.{what}"));
    if !first.exists() {
        return first;
    }
    for n in 1..1000 {
        let p = PathBuf::from(format!("{path}.{what}.{n}"));
        if !p.exists() {
            return p;
        }
    }
    first
}

fn open_redb(path: &Path) -> Result<(RedbStore, Opened), OpenError> {
    // A new file is readable by the broker's user only, as mosquitto makes its own: it holds
    // messages.
    if !path.exists() {
        use std::os::unix::fs::OpenOptionsExt;
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path);
    }
    catch_unwind(|| RedbStore::open(path))
        .unwrap_or_else(|_| Err(OpenError::Unusable("the database library failed on it".into())))
}

fn load_guarded(store: &dyn Store, clock: Clock, listeners: usize) -> Result<Loaded, String> {
    match catch_unwind(AssertUnwindSafe(|| load(store, clock, listeners))) {
        Ok(Ok(l)) => Ok(l),
        Ok(Err(e)) => Err(e.0),
        Err(_) => Err("the database library failed on it".into()),
    }
}

impl Persistence {
    /// Open the store at `path` and read it. A file written by mosquitto, or one that is
    /// damaged beyond repair, is moved aside (with an error line) and a new store is started;
    /// the error is a line for a file that cannot be opened at all (exit 1).
    pub(super) fn open(
        path: String,
        listeners: usize,
        now: Instant,
        logger: &Logger,
    ) -> Result<(Self, Loaded), String> {
        let file = PathBuf::from(&path);
        let mut head = [0u8; 15];
        let foreign = std::fs::File::open(&file)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .is_ok()
            && head.as_slice() == MOSQUITTO_MAGIC;
        if foreign {
            let aside = aside_name(&path, "mosquitto");
            std::fs::rename(&file, &aside)
                .map_err(|e| format!("Error: Unable to move {path} aside: {e}."))?;
            logger.write(
                LogTypes::ERROR,
                &format!(
                    "Error: {path} is a persistence file of mosquitto, which this broker cannot read; moved to {}, starting with an empty store.",
                    aside.display()
                ),
            );
        }
        let mut first = true;
        loop {
            let problem = match open_redb(&file) {
                Ok((store, opened)) => {
                    if opened.repaired {
                        logger.write(
                            LogTypes::WARNING,
                            &format!("Warning: Persistence file {path} was damaged and has been repaired."),
                        );
                    } else if opened.unclean {
                        logger.write(
                            LogTypes::NOTICE,
                            &format!(
                                "Persistence file {path} was not closed cleanly; its last commit is restored."
                            ),
                        );
                    }
                    match load_guarded(&store, clock(now), listeners) {
                        Ok(loaded) => {
                            if loaded.unreadable > 0 {
                                logger.write(
                                    LogTypes::ERROR,
                                    &format!(
                                        "Error: {} entries of persistence file {path} could not be read and were dropped.",
                                        loaded.unreadable
                                    ),
                                );
                            }
                            let p = Self {
                                store: Box::new(store),
                                path,
                                failing: AtomicBool::new(false),
                                reopened: Mutex::new(None),
                            };
                            return Ok((p, loaded));
                        }
                        Err(e) => e,
                    }
                }
                Err(OpenError::InUse) => {
                    return Err(format!(
                        "Error: Unable to open persistence file {path}: it is in use by another process."
                    ));
                }
                Err(OpenError::Io(e)) => {
                    return Err(format!("Error: Unable to open persistence file {path}: {e}."));
                }
                Err(OpenError::Unusable(e)) => e,
            };
            if !first {
                return Err(format!(
                    "Error: Unable to create persistence file {path}: {problem}."
                ));
            }
            first = false;
            let aside = aside_name(&path, "damaged");
            std::fs::rename(&file, &aside)
                .map_err(|e| format!("Error: Unable to move {path} aside: {e}."))?;
            logger.write(
                LogTypes::ERROR,
                &format!(
                    "Error: Persistence file {path} cannot be used ({problem}); moved to {}, starting with an empty store.",
                    aside.display()
                ),
            );
        }
    }

    /// Put what was loaded into the shards (each session into the shard of its client id),
    /// enable their journals, and commit what loading changed (deliveries of routes, entries
    /// dropped).
    pub(super) fn restore(
        &self,
        loaded: Loaded,
        shards: &mut [Shard],
        shared: &Shared,
        now: Instant,
    ) -> Result<(), StoreError> {
        let Loaded {
            sessions,
            retained,
            routes,
            next_order,
            cleanup,
            ..
        } = loaded;
        let count = shards.len().max(1) as u16;
        for shard in shards.iter_mut() {
            shard.enable_journal(next_order);
        }
        {
            let mut store = shared.retained.write();
            for m in retained {
                Stats::add(&shared.retained_bytes, m.payload.len() as u64);
                if let Some(old) = store.set(&m.topic.clone(), m) {
                    Stats::sub(&shared.retained_bytes, old.payload.len() as u64);
                }
            }
        }
        for s in sessions {
            let home = usize::from(home_shard(&s.meta.client_id, count));
            let subscriptions = s.subscriptions.clone();
            let key = shards[home].restore_session(s, now);
            for (i, shard) in shards.iter_mut().enumerate() {
                if i != home {
                    for (filter, options, identifier) in &subscriptions {
                        shard.restore_subscription(key, filter, *options, *identifier);
                    }
                }
            }
        }
        for (id, message, targets) in routes {
            let message: Arc<Message> = message;
            for (client, matches) in targets {
                let home = usize::from(home_shard(&client, count));
                shards[home].restore_route(id, &client, &message, &matches, now);
            }
        }
        // Wills and expiries that fell due while the broker was down, before any client can
        // connect.
        for shard in shards.iter_mut() {
            shard.tick(now);
        }
        let mut changes = Vec::new();
        for shard in shards.iter_mut() {
            changes.extend(shard.take_changes());
        }
        let mut ops = cleanup;
        ops.extend(ops_for(&changes, clock(now)));
        self.store.commit(&ops, true)
    }

    /// Make every commit so far durable (the last ones of a worker may not be, see
    /// `needs_durability`).
    pub(super) fn flush(&self) -> Result<(), StoreError> {
        catch_unwind(AssertUnwindSafe(|| self.store.commit(&[], true)))
            .unwrap_or_else(|_| Err(StoreError("the database library failed".into())))
    }

    /// Commit a shard's changes: durable when it returns `Ok`.
    pub(super) fn commit(&self, changes: &[Change], now: Instant) -> Result<(), StoreError> {
        let ops = ops_for(changes, clock(now));
        if ops.is_empty() {
            return Ok(());
        }
        let durable = needs_durability(changes);
        catch_unwind(AssertUnwindSafe(|| self.store.commit(&ops, durable)))
            .unwrap_or_else(|_| Err(StoreError("the database library failed".into())))
    }

    /// Commit, logging a failure (once until commits succeed again); returns whether the
    /// changes were committed.
    pub(super) fn commit_logged(&self, changes: &[Change], now: Instant, logger: &Logger) -> bool {
        match self.commit(changes, now) {
            Ok(()) => {
                if self.failing.swap(false, Ordering::Relaxed) {
                    logger.write(
                        LogTypes::NOTICE,
                        &format!("Persistence file {} is written again.", self.path),
                    );
                }
                true
            }
            Err(e) => {
                if !self.failing.swap(true, Ordering::Relaxed) {
                    logger.write(
                        LogTypes::ERROR,
                        &format!("Error: Unable to write persistence file {}: {e}.", self.path),
                    );
                }
                // Open the store again, at most once a second, so that commits resume once the
                // cause (a full disk) is gone.
                let mut last = self.reopened.lock();
                if last.is_none_or(|t| now.saturating_duration_since(t) >= Duration::from_secs(1)) {
                    *last = Some(now);
                    let _ = catch_unwind(AssertUnwindSafe(|| self.store.reopen()));
                }
                false
            }
        }
    }
}
