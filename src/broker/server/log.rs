//! Where the broker's log lines go: `log_dest` (stderr, stdout, a file, syslog, the `$SYS`
//! log topics, nowhere) or the embedding program's callback, with mosquitto's line format
//! (`<unix seconds>: <message>`, or `log_timestamp_format`).

use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::broker::config::{Config, LogDest, LogTypes};

/// A program's own log function: (level as a `MOSQ_LOG_*` value, line without timestamp).
pub type LogCallback = Arc<dyn Fn(u32, &str) + Send + Sync>;

/// Lines are cut at about this many bytes, as mosquitto cuts them.
const LINE_MAX: usize = 1000;

/// The broker's logger.
pub(super) struct Logger {
    types: LogTypes,
    dest: LogDest,
    timestamp: bool,
    timestamp_format: Option<CString>,
    file: Mutex<Option<File>>,
    callback: Option<LogCallback>,
    syslog_open: bool,
}

impl std::fmt::Debug for Logger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logger")
            .field("types", &self.types)
            .finish_non_exhaustive()
    }
}

/// The syslog facility: daemon, or local0 to local7 with `log_facility 0` to `7`.
fn facility(n: Option<u8>) -> libc::c_int {
    match n {
        Some(0) => libc::LOG_LOCAL0,
        Some(1) => libc::LOG_LOCAL1,
        Some(2) => libc::LOG_LOCAL2,
        Some(3) => libc::LOG_LOCAL3,
        Some(4) => libc::LOG_LOCAL4,
        Some(5) => libc::LOG_LOCAL5,
        Some(6) => libc::LOG_LOCAL6,
        Some(7) => libc::LOG_LOCAL7,
        _ => libc::LOG_DAEMON,
    }
}

/// The current Unix time in seconds.
#[allow(clippy::disallowed_methods)]
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl Logger {
    /// Lines before the configuration is known go to stderr, with the default types.
    pub(super) fn early(callback: Option<LogCallback>) -> Self {
        Self {
            types: LogTypes::DEFAULT,
            dest: LogDest::default(),
            timestamp: true,
            timestamp_format: None,
            file: Mutex::new(None),
            callback,
            syslog_open: false,
        }
    }

    /// The logger a configuration asks for. A log file that cannot be opened is reported and
    /// errors go to stderr instead (returned as the second value: lines to log).
    pub(super) fn from_config(config: &Config, callback: Option<LogCallback>) -> (Self, Vec<String>) {
        let mut notes = Vec::new();
        let mut dest = config.log_dest;
        let mut types = config.effective_log_types();
        let mut file = None;
        if dest.file {
            if let Some(path) = &config.log_file {
                use std::os::unix::fs::OpenOptionsExt;
                match OpenOptions::new()
                    .create(true)
                    .append(true)
                    .mode(0o600)
                    .open(path)
                {
                    Ok(f) => file = Some(f),
                    Err(_) => {
                        notes.push(format!("Error: Unable to open log file {path} for writing."));
                        dest = LogDest {
                            stderr: true,
                            ..LogDest::NONE
                        };
                        types = LogTypes::ERROR;
                    }
                }
            }
        }
        let syslog_open = dest.syslog && callback.is_none();
        if syslog_open {
            // SAFETY: openlog keeps the pointer it is given; a static C string lives for ever.
            unsafe {
                libc::openlog(
                    c"mosquitto".as_ptr(),
                    libc::LOG_PID,
                    facility(config.log_facility),
                )
            };
        }
        (
            Self {
                types,
                dest,
                timestamp: config.log_timestamp,
                timestamp_format: config
                    .log_timestamp_format
                    .as_ref()
                    .and_then(|f| CString::new(f.as_str()).ok()),
                file: Mutex::new(file),
                callback,
                syslog_open,
            },
            notes,
        )
    }

    /// Whether lines of type `kind` are written.
    pub(super) fn enabled(&self, kind: LogTypes) -> bool {
        self.types.contains(kind)
    }

    /// The line with its timestamp prefix.
    fn stamped(&self, text: &str) -> String {
        if !self.timestamp {
            return text.to_owned();
        }
        let now = unix_now();
        match &self.timestamp_format {
            Some(format) => {
                let t = now as libc::time_t;
                // SAFETY: a zeroed tm is a valid output buffer for localtime_r.
                let mut tm: libc::tm = unsafe { std::mem::zeroed() };
                let mut buf = [0u8; 256];
                // SAFETY: valid pointers; strftime writes at most buf.len() bytes and returns
                // how many (0 on overflow).
                let n = unsafe {
                    libc::localtime_r(&t, &mut tm);
                    libc::strftime(buf.as_mut_ptr().cast(), buf.len(), format.as_ptr(), &tm)
                };
                format!("{}: {text}", String::from_utf8_lossy(&buf[..n]))
            }
            None => format!("{now}: {text}"),
        }
    }

    /// Write a line of type `kind` (already known to be enabled, or checked here).
    pub(super) fn write(&self, kind: LogTypes, text: &str) {
        if !self.enabled(kind) {
            return;
        }
        let mut text = text;
        if text.len() > LINE_MAX {
            let mut end = LINE_MAX;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text = &text[..end];
        }
        if let Some(cb) = &self.callback {
            cb(kind.0, text);
            return;
        }
        let line = self.stamped(text);
        if self.dest.stderr {
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        }
        if self.dest.stdout {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }
        if self.dest.file {
            if let Some(f) = self.file.lock().as_mut() {
                let _ = writeln!(f, "{line}");
            }
        }
        if self.syslog_open {
            let priority = match kind {
                LogTypes::ERROR => libc::LOG_ERR,
                LogTypes::WARNING => libc::LOG_WARNING,
                LogTypes::NOTICE => libc::LOG_NOTICE,
                LogTypes::INFORMATION => libc::LOG_INFO,
                _ => libc::LOG_DEBUG,
            };
            if let Ok(c) = CString::new(text) {
                // SAFETY: both strings are NUL-terminated; "%s" consumes exactly one argument.
                unsafe { libc::syslog(priority, c"%s".as_ptr(), c.as_ptr()) };
            }
        }
    }

    /// The `$SYS/broker/log/...` topic of a line and its text (timestamp included), for
    /// `log_dest topic`; debug lines are never published.
    pub(super) fn topic_line(&self, kind: LogTypes, text: &str) -> Option<(&'static str, String)> {
        if !self.dest.topic || !self.enabled(kind) {
            return None;
        }
        let topic = match kind {
            LogTypes::ERROR => "$SYS/broker/log/E",
            LogTypes::WARNING => "$SYS/broker/log/W",
            LogTypes::NOTICE => "$SYS/broker/log/N",
            LogTypes::INFORMATION => "$SYS/broker/log/I",
            LogTypes::SUBSCRIBE => "$SYS/broker/log/M/subscribe",
            LogTypes::UNSUBSCRIBE => "$SYS/broker/log/M/unsubscribe",
            _ => return None,
        };
        Some((topic, self.stamped(text)))
    }
}

impl Drop for Logger {
    fn drop(&mut self) {
        if self.syslog_open {
            // SAFETY: closelog has no preconditions.
            unsafe { libc::closelog() };
        }
    }
}
