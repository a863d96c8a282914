//! Unit tests of the configuration reader.

mod bridges;
mod compat;
mod files;
mod listeners;
mod options;
mod readme;
mod syntax;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Config, ConfigError, ConfigMessage, ConfigReader};

/// Read `text` as the file `t.conf` and finish; panics on an error.
fn read(text: &str) -> Config {
    let mut reader = ConfigReader::new();
    if let Err(e) = reader.parse_str(text, "t.conf") {
        panic!("unexpected error {:?} for {text:?}", e.lines());
    }
    match reader.finish() {
        Ok(config) => config,
        Err(e) => panic!("unexpected error {:?} for {text:?}", e.lines()),
    }
}

/// Read `text` as the file `t.conf`, returning the messages logged along the way.
fn read_messages(text: &str) -> Vec<ConfigMessage> {
    let mut reader = ConfigReader::new();
    if let Err(e) = reader.parse_str(text, "t.conf") {
        panic!("unexpected error {:?} for {text:?}", e.lines());
    }
    reader.take_messages()
}

/// The error reading `text` as `t.conf` (finishing included); panics if there is none.
fn error(text: &str) -> ConfigError {
    let mut reader = ConfigReader::new();
    match reader.parse_str(text, "t.conf") {
        Err(e) => e,
        Ok(()) => match reader.finish() {
            Err(e) => e,
            Ok(_) => panic!("no error for {text:?}"),
        },
    }
}

/// The message and line of the error reading `text`.
fn fails(text: &str) -> (String, usize) {
    let e = error(text);
    (e.message, e.line)
}

/// A directory under the system temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "config-test-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).expect("create temporary directory");
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// Write `name` (relative) with `text`, creating directories; returns its path.
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create directory");
        }
        std::fs::write(&path, text).expect("write file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
