//! The [`Store`] on redb: one redb table per [`Table`], byte keys and values, every commit
//! durable when it returns (redb's `Durability::Immediate`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::RwLock;
use redb::{Database, Durability, ReadableTable, TableDefinition, TableError};

use super::{Entries, Op, Store, StoreError, Table, prefix_end};

/// Cache for pages read and written; the store is read whole once, at start.
const CACHE_BYTES: usize = 32 << 20;

fn definition(t: Table) -> TableDefinition<'static, &'static [u8], &'static [u8]> {
    TableDefinition::new(t.name())
}

fn err(e: impl std::fmt::Display) -> StoreError {
    StoreError(e.to_string())
}

fn closed() -> StoreError {
    StoreError("the database could not be opened again".into())
}

/// Why a database file could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// Another process has it open.
    InUse,
    /// The file could not be read or created (permissions, missing directory).
    Io(std::io::Error),
    /// The file is not a database this store can use (another format, damaged).
    Unusable(String),
}

/// What opening a database file found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Opened {
    /// It was not closed cleanly (a crash): its last commit was recovered.
    pub unclean: bool,
    /// Damaged pages were found and the file was repaired.
    pub repaired: bool,
}

/// A redb database file.
pub struct RedbStore {
    /// `None` after a reopening failed.
    db: RwLock<Option<Database>>,
    path: PathBuf,
}

impl std::fmt::Debug for RedbStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedbStore").finish_non_exhaustive()
    }
}

impl RedbStore {
    /// Open or create the database at `path`, check every page, and make sure its tables
    /// exist.
    pub fn open(path: &Path) -> Result<(Self, Opened), OpenError> {
        let repairs = Arc::new(AtomicBool::new(false));
        let noted = repairs.clone();
        let opened = redb::Builder::new()
            .set_cache_size(CACHE_BYTES)
            .set_repair_callback(move |_| noted.store(true, Ordering::Relaxed))
            .create(path);
        let mut db = match opened {
            Ok(db) => db,
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => return Err(OpenError::InUse),
            Err(redb::DatabaseError::Storage(redb::StorageError::Io(e)))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::NotFound
                ) =>
            {
                return Err(OpenError::Io(e));
            }
            Err(e) => return Err(OpenError::Unusable(e.to_string())),
        };
        let clean = db
            .check_integrity()
            .map_err(|e| OpenError::Unusable(e.to_string()))?;
        let store = Self {
            db: RwLock::new(Some(db)),
            path: path.to_owned(),
        };
        let format = store
            .read_all(Table::Meta)
            .map_err(|e| OpenError::Unusable(e.0))?;
        match format.iter().find(|(k, _)| k == b"format") {
            Some((_, v)) if v == super::FORMAT => {}
            Some((_, v)) => {
                return Err(OpenError::Unusable(format!(
                    "unknown store format \"{}\"",
                    String::from_utf8_lossy(v)
                )));
            }
            None => {
                let mut known = false;
                for t in Table::ALL {
                    if t != Table::Meta
                        && !store
                            .read_all(t)
                            .map_err(|e| OpenError::Unusable(e.0))?
                            .is_empty()
                    {
                        known = true;
                    }
                }
                if known {
                    return Err(OpenError::Unusable("the store format is not recorded".into()));
                }
                store
                    .commit(
                        &[Op::Put(Table::Meta, b"format".to_vec(), super::FORMAT.to_vec())],
                        true,
                    )
                    .map_err(|e| OpenError::Unusable(e.0))?;
            }
        }
        let opened = Opened {
            unclean: repairs.load(Ordering::Relaxed),
            repaired: !clean,
        };
        Ok((store, opened))
    }
}

impl Store for RedbStore {
    /// redb refuses every transaction after an I/O error (a full disk) until the database is
    /// opened again: its file holds the last commit that succeeded.
    fn reopen(&self) -> Result<(), StoreError> {
        let mut db = self.db.write();
        // The file lock is released before the file is opened again.
        drop(db.take());
        let opened = redb::Builder::new()
            .set_cache_size(CACHE_BYTES)
            .create(&self.path);
        *db = Some(opened.map_err(err)?);
        Ok(())
    }

    fn commit(&self, ops: &[Op], durable: bool) -> Result<(), StoreError> {
        let db = self.db.read();
        let db = db.as_ref().ok_or_else(closed)?;
        let mut tx = db.begin_write().map_err(err)?;
        if !durable {
            tx.set_durability(Durability::None);
        }
        {
            let mut tables: [Option<redb::Table<'_, &'static [u8], &'static [u8]>>; Table::ALL.len()] =
                std::array::from_fn(|_| None);
            for op in ops {
                let t = match op {
                    Op::Put(t, ..) | Op::Delete(t, _) | Op::DeletePrefix(t, _) => *t,
                    Op::DeleteIfNoPrefix { probe, table, .. } => {
                        // Both tables are needed: open the probe first.
                        if tables[probe.index()].is_none() {
                            tables[probe.index()] = Some(tx.open_table(definition(*probe)).map_err(err)?);
                        }
                        *table
                    }
                };
                if tables[t.index()].is_none() {
                    tables[t.index()] = Some(tx.open_table(definition(t)).map_err(err)?);
                }
                match op {
                    Op::Put(t, k, v) => {
                        let table = tables[t.index()].as_mut().expect("opened");
                        table.insert(k.as_slice(), v.as_slice()).map_err(err)?;
                    }
                    Op::Delete(t, k) => {
                        let table = tables[t.index()].as_mut().expect("opened");
                        table.remove(k.as_slice()).map_err(err)?;
                    }
                    Op::DeletePrefix(t, prefix) => {
                        let table = tables[t.index()].as_mut().expect("opened");
                        match prefix_end(prefix) {
                            Some(end) => table
                                .retain_in(prefix.as_slice()..end.as_slice(), |_, _| false)
                                .map_err(err)?,
                            None => table.retain_in(prefix.as_slice().., |_, _| false).map_err(err)?,
                        }
                    }
                    Op::DeleteIfNoPrefix {
                        probe,
                        prefix,
                        table,
                        key,
                    } => {
                        let probe = tables[probe.index()].as_ref().expect("opened");
                        let empty = match prefix_end(prefix) {
                            Some(end) => probe
                                .range(prefix.as_slice()..end.as_slice())
                                .map_err(err)?
                                .next()
                                .is_none(),
                            None => probe.range(prefix.as_slice()..).map_err(err)?.next().is_none(),
                        };
                        if empty {
                            let table = tables[table.index()].as_mut().expect("opened");
                            table.remove(key.as_slice()).map_err(err)?;
                        }
                    }
                }
            }
        }
        tx.commit().map_err(err)
    }

    fn read_all(&self, table: Table) -> Result<Entries, StoreError> {
        let db = self.db.read();
        let db = db.as_ref().ok_or_else(closed)?;
        let tx = db.begin_read().map_err(err)?;
        let t = match tx.open_table(definition(table)) {
            Ok(t) => t,
            Err(TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(err(e)),
        };
        let mut out = Vec::new();
        for entry in t.iter().map_err(err)? {
            let (k, v) = entry.map_err(err)?;
            out.push((k.value().to_vec(), v.value().to_vec()));
        }
        Ok(out)
    }
}
