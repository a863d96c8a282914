//! What the reader reports: errors that stop it, and lines it logs along the way.

use std::fmt;

/// A configuration error, with the text mosquitto prints and where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The message, e.g. `Error: Unknown configuration variable "x".`
    pub message: String,
    /// The file being read, as given; empty for errors found once every file was read.
    pub file: String,
    /// The 1-based line in [`ConfigError::file`], or 0 when the error is not about a line
    /// (a file that cannot be opened, a bridge left incomplete).
    pub line: usize,
    /// For an error inside a file read through `include_dir`: the including file and the line
    /// of its `include_dir`.
    pub included_from: Option<(String, usize)>,
}

impl ConfigError {
    pub(super) fn at(file: &str, line: usize, message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
            file: file.to_string(),
            line,
            included_from: None,
        }
    }

    pub(super) fn unplaced(message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
            file: String::new(),
            line: 0,
            included_from: None,
        }
    }

    /// The lines mosquitto prints for this error, in order: the message, then
    /// `Error found at FILE:LINE.` for the line (if any), then the same for the `include_dir`
    /// line that led there (if any).
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![self.message.clone()];
        if self.line > 0 {
            out.push(format!("Error found at {}:{}.", self.file, self.line));
        }
        if let Some((file, line)) = &self.included_from {
            out.push(format!("Error found at {file}:{line}."));
        }
        out
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// The log level of a [`ConfigMessage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MessageLevel {
    /// Information, e.g. `Loading config file DIR/NAME`.
    Info,
    /// A notice, e.g. a deprecated option or a value raised to its minimum.
    Notice,
    /// A warning.
    Warning,
    /// An error that mosquitto logs without stopping (e.g. an empty `log_type`).
    Error,
}

/// A line the reader logs while it goes on reading, for the caller to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigMessage {
    /// Its level.
    pub level: MessageLevel,
    /// The text, without a timestamp.
    pub text: String,
    /// The file being read.
    pub file: String,
    /// The line that caused it.
    pub line: usize,
}

impl fmt::Display for ConfigMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// An option set in the configuration that this broker does not implement yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// The keyword as written.
    pub option: String,
    /// The file.
    pub file: String,
    /// The 1-based line.
    pub line: usize,
    /// What this build of the broker was built without that the option needs (`"TLS"`), if
    /// that is the reason.
    pub built_without: Option<&'static str>,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.built_without {
            None => write!(
                f,
                "Error: Option '{}' is not supported by this broker ({}:{}).",
                self.option, self.file, self.line
            ),
            Some(what) => write!(
                f,
                "Error: Option '{}' is not supported by this broker, built without {what} ({}:{}).",
                self.option, self.file, self.line
            ),
        }
    }
}
