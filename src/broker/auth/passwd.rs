//! The `mosquitto_passwd` command: add, change and delete users of a password file, or hash a
//! file of plain-text passwords.
//!
//! ```text
//! mosquitto_passwd [-H sha512|sha512-pbkdf2] [-I iterations] [-c | -D] passwordfile username
//! mosquitto_passwd [-H sha512|sha512-pbkdf2] [-I iterations] [-c] -b passwordfile username password
//! mosquitto_passwd [-H sha512|sha512-pbkdf2] [-I iterations] -U passwordfile
//! ```
//!
//! Options, prompts, messages and exit statuses are those of mosquitto's own tool. The file is
//! never written in place: the new contents go to a temporary file in the same directory, which
//! then replaces the old one (keeping its permissions and, where allowed, its owner; a new file
//! is only readable by its owner). Lines the tool does not change are kept byte for byte.
//!
//! Where mosquitto 2.0's tool loses data or gives up, this one does not:
//! - comments, blank lines and lines without a password survive adding, changing and deleting
//!   users (mosquitto's tool reports a corrupt file, and when it adds a user anyway, drops
//!   every line from the first one it cannot read);
//! - `-U` keeps comments and blank lines (mosquitto's tool reports them as corrupt);
//! - a user added after a last line without a line ending gets a line of its own;
//! - `-I` also applies to `-U`;
//! - Ctrl-C at a password prompt restores the terminal and exits with status 130 (not 0).
//!
//! A `main` needs nothing more than:
//!
//! ```no_run
//! let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
//! let status = mosquitto::broker::auth::passwd::run(&args, &mut mosquitto::broker::auth::passwd::SystemIo::new());
//! std::process::exit(status);
//! ```

use std::ffi::OsStr;
use std::fs;
use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::password::{self, HashKind, Line, MAX_ITERATIONS};

/// A password as read, wiped from memory when dropped.
pub type Secret = Zeroizing<Vec<u8>>;

/// The result of reading one password.
pub enum PasswordInput {
    /// A line (without its line ending; possibly empty).
    Line(Secret),
    /// End of input before anything was typed.
    End,
    /// The user pressed the interrupt key at the terminal.
    Interrupted,
}

impl std::fmt::Debug for PasswordInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The password itself stays out of debug output.
        match self {
            PasswordInput::Line(line) => write!(f, "Line({} bytes)", line.len()),
            PasswordInput::End => f.write_str("End"),
            PasswordInput::Interrupted => f.write_str("Interrupted"),
        }
    }
}

/// The outside world of the command: its output streams and where passwords come from.
pub trait PasswdIo {
    /// Standard output (usage text and prompts).
    fn stdout(&mut self) -> &mut dyn Write;
    /// Standard error (errors and warnings).
    fn stderr(&mut self) -> &mut dyn Write;
    /// Read one password. The prompt has already been written to standard output.
    fn read_password(&mut self) -> PasswordInput;
}

/// The real streams. Passwords are read from the terminal without echo when standard input is
/// one, otherwise as one line of standard input.
#[derive(Debug)]
pub struct SystemIo {
    stdout: io::Stdout,
    stderr: io::Stderr,
}

impl SystemIo {
    /// The process's standard streams.
    pub fn new() -> SystemIo {
        SystemIo {
            stdout: io::stdout(),
            stderr: io::stderr(),
        }
    }
}

impl Default for SystemIo {
    fn default() -> SystemIo {
        SystemIo::new()
    }
}

impl PasswdIo for SystemIo {
    fn stdout(&mut self) -> &mut dyn Write {
        &mut self.stdout
    }

    fn stderr(&mut self) -> &mut dyn Write {
        &mut self.stderr
    }

    fn read_password(&mut self) -> PasswordInput {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        if stdin.is_terminal() {
            // Should the terminal refuse to turn echo off, read the line as it comes.
            terminal::read_without_echo(&mut input).unwrap_or_else(|_| read_line(&mut input))
        } else {
            read_line(&mut input)
        }
    }
}

/// One line of `input`, its trailing CR and LF removed.
pub fn read_line(input: &mut dyn BufRead) -> PasswordInput {
    let mut line = Zeroizing::new(Vec::new());
    match input.read_until(b'\n', &mut line) {
        Ok(0) | Err(_) => PasswordInput::End,
        Ok(_) => {
            while matches!(line.last(), Some(b'\n' | b'\r')) {
                line.pop();
            }
            PasswordInput::Line(line)
        }
    }
}

/// Reading from a terminal with echo off.
mod terminal {
    use super::{PasswordInput, Secret};
    use std::io::{self, Read};

    /// The terminal attributes of standard input, after replacing them with `new` if given.
    #[allow(unsafe_code)]
    fn stdin_attributes(new: Option<&libc::termios>) -> io::Result<libc::termios> {
        // SAFETY: `termios` is a plain C struct of integers, for which all zeros is a valid
        // value; tcgetattr and tcsetattr only read and write the struct we pass, and act on
        // file descriptor 0, which the process owns for its whole life.
        unsafe {
            let mut current: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(libc::STDIN_FILENO, &mut current) != 0 {
                return Err(io::Error::last_os_error());
            }
            if let Some(new) = new {
                if libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, new) != 0 {
                    return Err(io::Error::last_os_error());
                }
            }
            Ok(current)
        }
    }

    /// Read a password key by key with echo, line editing and signals off, and put the
    /// terminal back as it was, also when the user presses Ctrl-C. Backspace and Ctrl-U edit,
    /// Enter ends, Ctrl-D on an empty line is the end of input.
    pub(super) fn read_without_echo(input: &mut dyn Read) -> io::Result<PasswordInput> {
        let saved = stdin_attributes(None)?;
        let mut quiet = saved;
        quiet.c_lflag &= !(libc::ECHO | libc::ICANON | libc::ISIG);
        quiet.c_cc[libc::VMIN] = 1;
        quiet.c_cc[libc::VTIME] = 0;
        stdin_attributes(Some(&quiet))?;
        let result = read_keys(input);
        let restored = stdin_attributes(Some(&saved));
        let result = result?;
        restored?;
        Ok(result)
    }

    fn read_keys(input: &mut dyn Read) -> io::Result<PasswordInput> {
        let mut line: Secret = Secret::new(Vec::new());
        let mut key = [0u8; 1];
        loop {
            if input.read(&mut key)? == 0 {
                return Ok(if line.is_empty() {
                    PasswordInput::End
                } else {
                    PasswordInput::Line(line)
                });
            }
            match key[0] {
                b'\n' | b'\r' => return Ok(PasswordInput::Line(line)),
                0x03 => return Ok(PasswordInput::Interrupted),
                0x04 if line.is_empty() => return Ok(PasswordInput::End),
                0x7f | 0x08 => {
                    // Remove the last character, with all the bytes of a UTF-8 sequence.
                    while let Some(b) = line.pop() {
                        if b & 0xc0 != 0x80 {
                            break;
                        }
                    }
                }
                0x15 => line.clear(),
                b'\t' => line.push(b'\t'),
                b if b < 0x20 => {}
                b => line.push(b),
            }
        }
    }

    #[cfg(test)]
    pub(super) fn keys(input: &[u8]) -> PasswordInput {
        let mut input = input;
        read_keys(&mut input).unwrap_or(PasswordInput::End)
    }
}

#[cfg(test)]
use terminal::keys as terminal_keys;

const USAGE: &str = "\
mosquitto_passwd manages the password files of the mosquitto MQTT broker.

Usage: mosquitto_passwd [-H sha512 | -H sha512-pbkdf2] [-I iterations] [-c | -D] passwordfile username
       mosquitto_passwd [-H sha512 | -H sha512-pbkdf2] [-I iterations] [-c] -b passwordfile username password
       mosquitto_passwd [-H sha512 | -H sha512-pbkdf2] [-I iterations] -U passwordfile
 -b : batch mode: the password is the last argument (other users can see it in the process
      list, and it stays in the shell history).
 -c : create the password file, replacing any file of that name.
 -D : remove the user instead of adding it or changing its password.
 -H : the hash to write: sha512-pbkdf2 (the default, recommended) or sha512 (the only one
      mosquitto 1.6 and earlier read).
 -I : the number of PBKDF2 iterations for sha512-pbkdf2 (default 101).
 -U : replace the plain-text password of every line of the file with its hash.

";

/// The longest user name or password (an MQTT string holds at most 65535 bytes).
const MAX_FIELD_LEN: usize = 65535;

/// Exit status when the user interrupts a password prompt.
const INTERRUPTED: i32 = 130;

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode<'a> {
    /// `-c`: write a new file with one user.
    Create {
        user: &'a [u8],
        password: Option<&'a [u8]>,
    },
    /// `-D`: delete a user.
    Delete { user: &'a [u8] },
    /// `-U`: hash every plain-text password.
    Upgrade,
    /// Add a user or change its password.
    Update {
        user: &'a [u8],
        password: Option<&'a [u8]>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Command<'a> {
    mode: Mode<'a>,
    file: &'a [u8],
    kind: HashKind,
}

/// What to do instead of running: an exit status after printing (usage or an error).
enum Stop {
    Usage,
    Error(String),
}

fn parse_args<'a>(args: &[&'a [u8]]) -> Result<Command<'a>, Stop> {
    if args.is_empty() {
        return Err(Stop::Usage);
    }
    let mut pbkdf2 = true;
    let mut iterations = password::DEFAULT_ITERATIONS;
    let (mut batch, mut create, mut delete, mut upgrade) = (false, false, false, false);
    let mut idx = 0;
    while let Some(&arg) = args.get(idx) {
        match arg {
            b"-H" => {
                let Some(&value) = args.get(idx + 1) else {
                    return Err(Stop::Error(
                        "Error: -H argument given but not enough other arguments.".into(),
                    ));
                };
                pbkdf2 = match value {
                    b"sha512" => false,
                    b"sha512-pbkdf2" => true,
                    _ => {
                        return Err(Stop::Error(format!(
                            "Error: Unknown hash type '{}'",
                            String::from_utf8_lossy(value)
                        )));
                    }
                };
                idx += 1;
            }
            b"-I" => {
                let Some(&value) = args.get(idx + 1) else {
                    return Err(Stop::Error(
                        "Error: -I argument given but not enough other arguments.".into(),
                    ));
                };
                iterations = u32::try_from(password::atoi(value))
                    .ok()
                    .filter(|&n| n <= MAX_ITERATIONS)
                    .and_then(std::num::NonZeroU32::new)
                    .ok_or_else(|| Stop::Error("Error: Number of iterations must be > 0.".into()))?;
                idx += 1;
            }
            b"-b" => batch = true,
            b"-c" => create = true,
            b"-D" => delete = true,
            b"-U" => upgrade = true,
            _ => break,
        }
        idx += 1;
    }
    let conflicts = [
        (create && delete, "Error: -c and -D cannot be used together."),
        (create && upgrade, "Error: -c and -U cannot be used together."),
        (delete && upgrade, "Error: -D and -U cannot be used together."),
        (delete && batch, "Error: -b and -D cannot be used together."),
    ];
    if let Some((_, message)) = conflicts.iter().find(|(clash, _)| *clash) {
        return Err(Stop::Error((*message).into()));
    }
    let rest = &args[idx.min(args.len())..];
    let (file, mode) = if create {
        match (batch, rest) {
            (true, [file, user, password, ..]) => (
                *file,
                Mode::Create {
                    user,
                    password: Some(password),
                },
            ),
            (true, _) => {
                return Err(Stop::Error(
                    "Error: -c argument given but password file, username, or password missing.".into(),
                ));
            }
            (false, [file, user, ..]) => (*file, Mode::Create { user, password: None }),
            (false, _) => {
                return Err(Stop::Error(
                    "Error: -c argument given but password file or username missing.".into(),
                ));
            }
        }
    } else if delete {
        match rest {
            [file, user, ..] => (*file, Mode::Delete { user }),
            _ => {
                return Err(Stop::Error(
                    "Error: -D argument given but password file or username missing.".into(),
                ));
            }
        }
    } else if upgrade {
        match rest {
            [file] => (*file, Mode::Upgrade),
            _ => {
                return Err(Stop::Error(
                    "Error: -U argument given but password file missing.".into(),
                ));
            }
        }
    } else {
        match (batch, rest) {
            (true, [file, user, password]) => (
                *file,
                Mode::Update {
                    user,
                    password: Some(password),
                },
            ),
            (false, [file, user]) => (*file, Mode::Update { user, password: None }),
            _ => return Err(Stop::Usage),
        }
    };
    let user = match mode {
        Mode::Create { user, .. } | Mode::Delete { user } | Mode::Update { user, .. } => Some(user),
        Mode::Upgrade => None,
    };
    if let Some(user) = user {
        if user.len() > MAX_FIELD_LEN {
            return Err(Stop::Error(
                "Error: Username must be less than 65536 characters long.".into(),
            ));
        }
        if user.iter().any(|b| b.is_ascii_control()) {
            return Err(Stop::Error(
                "Error: Username must not contain control characters.".into(),
            ));
        }
        if user.contains(&b':') {
            return Err(Stop::Error(
                "Error: Username must not contain the ':' character.".into(),
            ));
        }
    }
    if let Mode::Create {
        password: Some(password),
        ..
    }
    | Mode::Update {
        password: Some(password),
        ..
    } = mode
    {
        if password.len() > MAX_FIELD_LEN {
            return Err(Stop::Error(
                "Error: Password must be less than 65536 characters long.".into(),
            ));
        }
    }
    let kind = if pbkdf2 {
        HashKind::Sha512Pbkdf2 { iterations }
    } else {
        HashKind::Sha512
    };
    Ok(Command { mode, file, kind })
}

fn say(out: &mut dyn Write, text: &str) {
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn complain(io: &mut dyn PasswdIo, text: &str) {
    let err = io.stderr();
    let _ = err.write_all(text.as_bytes());
    let _ = err.write_all(b"\n");
    let _ = err.flush();
}

/// The system's description of an I/O error, without Rust's `(os error N)` suffix.
fn strerror(e: &io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_string(),
        _ => text,
    }
}

/// Show `prompt` and read a non-empty password (the newline the hidden Enter did not echo is
/// printed after it).
fn prompt(io: &mut dyn PasswdIo, text: &str) -> Result<Secret, i32> {
    say(io.stdout(), text);
    match io.read_password() {
        PasswordInput::Line(password) if !password.is_empty() => {
            say(io.stdout(), "\n");
            if password.len() > MAX_FIELD_LEN {
                complain(io, "Error: Password must be less than 65536 characters long.");
                return Err(1);
            }
            Ok(password)
        }
        PasswordInput::Line(_) | PasswordInput::End => {
            complain(io, "Error: Empty password.");
            Err(1)
        }
        PasswordInput::Interrupted => {
            say(io.stdout(), "\n");
            Err(INTERRUPTED)
        }
    }
}

/// Ask for the password twice.
fn ask_password(io: &mut dyn PasswdIo) -> Result<Secret, i32> {
    let first = prompt(io, "Password: ")?;
    let second = prompt(io, "Reenter password: ")?;
    if first != second {
        complain(io, "Error: Passwords do not match.");
        return Err(2);
    }
    Ok(first)
}

/// The line `user:hash\n`.
fn entry(user: &[u8], password: &[u8], kind: HashKind) -> Result<Vec<u8>, String> {
    let hash =
        password::hash_password(password, kind).map_err(|_| "Error: Unable to hash password.".to_string())?;
    let mut line = Vec::with_capacity(user.len() + hash.len() + 2);
    line.extend_from_slice(user);
    line.push(b':');
    line.extend_from_slice(hash.as_bytes());
    line.push(b'\n');
    Ok(line)
}

/// The line for `user` with the password from the command line, or else asked for.
fn new_entry(
    io: &mut dyn PasswdIo,
    user: &[u8],
    password: Option<&[u8]>,
    kind: HashKind,
) -> Result<Secret, i32> {
    let typed;
    let password = match password {
        Some(password) => password,
        None => {
            typed = ask_password(io)?;
            typed.as_slice()
        }
    };
    match entry(user, password, kind) {
        Ok(line) => Ok(Secret::new(line)),
        Err(text) => {
            complain(io, &text);
            Err(1)
        }
    }
}

/// The lines of `data`, each with its line ending.
fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split_inclusive(|&b| b == b'\n')
}

/// The user a line defines, as the broker reads it.
fn line_user(line: &[u8]) -> Option<&[u8]> {
    match password::split_line(line) {
        Line::Entry { user, .. } => Some(user),
        Line::Skip => None,
    }
}

/// `data` with every line of `user` replaced by `new_line`, or `new_line` appended if there is
/// none.
fn update_user(data: &[u8], user: &[u8], new_line: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + new_line.len() + 1);
    let mut found = false;
    for line in lines(data) {
        if line_user(line) == Some(user) {
            out.extend_from_slice(new_line);
            found = true;
        } else {
            out.extend_from_slice(line);
        }
    }
    if !found {
        if !out.is_empty() && out.last() != Some(&b'\n') {
            out.push(b'\n');
        }
        out.extend_from_slice(new_line);
    }
    out
}

/// `data` without the lines of `user`, or None if it has none.
fn delete_user(data: &[u8], user: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    let mut found = false;
    for line in lines(data) {
        if line_user(line) == Some(user) {
            found = true;
        } else {
            out.extend_from_slice(line);
        }
    }
    found.then_some(out)
}

/// Why `-U` leaves a file alone.
#[derive(Debug, Clone, PartialEq, Eq)]
enum UpgradeError {
    /// This line (counted from 1) has no user name or no password.
    Corrupt(usize),
    /// There is not a single user in the file.
    Empty,
    /// Hashing failed.
    Hash(String),
}

/// `data` with every `user:password` line replaced by `user:hash`. Comments and blank lines
/// stay as they are.
fn upgrade_file(data: &[u8], kind: HashKind) -> Result<Vec<u8>, UpgradeError> {
    let mut out = Vec::with_capacity(data.len() * 4);
    let mut users = 0;
    for (n, line) in lines(data).enumerate() {
        if line.first() == Some(&b'#') || password::trim(line).is_empty() {
            out.extend_from_slice(line);
            continue;
        }
        match password::split_line(line) {
            Line::Entry {
                user,
                secret: Some(secret),
                ..
            } if !user.is_empty() && !secret.is_empty() => {
                out.extend_from_slice(&entry(user, secret, kind).map_err(UpgradeError::Hash)?);
                users += 1;
            }
            _ => return Err(UpgradeError::Corrupt(n + 1)),
        }
    }
    if users == 0 {
        return Err(UpgradeError::Empty);
    }
    Ok(out)
}

/// Why a file could not be replaced.
enum WriteError {
    /// The temporary file could not be made (or the target is not a file we may write).
    Create(io::Error),
    /// Writing or renaming it failed.
    Write(io::Error),
}

/// Replace the file at `path` with `contents` through a temporary file in the same directory,
/// keeping the old file's permissions and owner. A new file gets mode 0600.
fn replace_file(path: &Path, contents: &[u8]) -> Result<(), WriteError> {
    let old = match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            return Err(WriteError::Create(io::Error::from_raw_os_error(libc::EISDIR)));
        }
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(WriteError::Create(e)),
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| WriteError::Create(io::Error::from_raw_os_error(libc::EISDIR)))?;
    let mut attempt = 0u32;
    let (tmp_path, mut tmp) = loop {
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{}-{attempt}.tmp", std::process::id()));
        let tmp_path = dir.join(tmp_name);
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp_path)
        {
            Ok(file) => break (tmp_path, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(WriteError::Create(e)),
        }
    };
    let written = (|| {
        tmp.write_all(contents)?;
        if let Some(old) = &old {
            tmp.set_permissions(fs::Permissions::from_mode(old.mode() & 0o7777))?;
            if old.uid() != tmp.metadata()?.uid() || old.gid() != tmp.metadata()?.gid() {
                // Only root may give a file away; anyone else keeps the new file as their own.
                let _ = std::os::unix::fs::fchown(&tmp, Some(old.uid()), Some(old.gid()));
            }
        }
        tmp.sync_all()?;
        fs::rename(&tmp_path, path)?;
        if let Ok(dir) = fs::File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    written.map_err(|e| {
        let _ = fs::remove_file(&tmp_path);
        WriteError::Write(e)
    })
}

/// Run `mosquitto_passwd` with `args` (the arguments after the program name) and return its
/// exit status.
pub fn run<S: AsRef<OsStr>>(args: &[S], io: &mut dyn PasswdIo) -> i32 {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_ref().as_bytes()).collect();
    let command = match parse_args(&args) {
        Ok(command) => command,
        Err(Stop::Usage) => {
            say(io.stdout(), USAGE);
            return 1;
        }
        Err(Stop::Error(text)) => {
            complain(io, &text);
            return 1;
        }
    };
    match execute(&command, io) {
        Ok(()) => 0,
        Err(status) => status,
    }
}

fn execute(command: &Command<'_>, io: &mut dyn PasswdIo) -> Result<(), i32> {
    let given = PathBuf::from(OsStr::from_bytes(command.file));
    // Work on the file a symbolic link points to, so that the link stays.
    let path = match fs::canonicalize(&given) {
        Ok(path) => path,
        Err(e) if e.kind() == io::ErrorKind::NotFound => given,
        Err(e) => {
            complain(io, &format!("Error reading password file: {}", strerror(&e)));
            return Err(1);
        }
    };
    let shown = path.display().to_string();

    if let Mode::Create { user, password } = command.mode {
        let line = new_entry(io, user, password, command.kind)?;
        // An existing file must be writable, as it would be for writing in place.
        let check = match fs::OpenOptions::new().write(true).open(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
        let result = check
            .map_err(WriteError::Create)
            .and_then(|()| replace_file(&path, &line));
        if let Err(WriteError::Create(e) | WriteError::Write(e)) = result {
            complain(
                io,
                &format!(
                    "Error: Unable to open file {shown} for writing. {}.",
                    strerror(&e)
                ),
            );
            return Err(1);
        }
        return Ok(());
    }

    let mut data = Zeroizing::new(Vec::new());
    let opened = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .and_then(|mut file| file.read_to_end(&mut data));
    if let Err(e) = opened {
        complain(
            io,
            &format!("Error: Unable to open password file {shown}. {}.", strerror(&e)),
        );
        return Err(1);
    }

    let new_data = match command.mode {
        Mode::Create { .. } => return Ok(()),
        Mode::Delete { user } => match delete_user(&data, user) {
            Some(out) => out,
            None => {
                complain(
                    io,
                    &format!(
                        "Warning: User {} not found in password file.",
                        String::from_utf8_lossy(user)
                    ),
                );
                return Err(1);
            }
        },
        Mode::Upgrade => match upgrade_file(&data, command.kind) {
            Ok(out) => out,
            Err(UpgradeError::Corrupt(line)) => {
                complain(io, &format!("Error: Corrupt password file at line {line}."));
                return Err(1);
            }
            Err(UpgradeError::Empty) => return Err(1),
            Err(UpgradeError::Hash(text)) => {
                complain(io, &text);
                return Err(1);
            }
        },
        Mode::Update { user, password } => {
            let line = new_entry(io, user, password, command.kind)?;
            update_user(&data, user, &line)
        }
    };
    let new_data = Zeroizing::new(new_data);
    match replace_file(&path, &new_data) {
        Ok(()) => Ok(()),
        Err(WriteError::Create(e)) => {
            complain(
                io,
                &format!("Error: Unable to open temporary file. {}.", strerror(&e)),
            );
            Err(1)
        }
        Err(WriteError::Write(_)) => {
            complain(io, "Error occurred updating password file.");
            Err(1)
        }
    }
}

#[cfg(test)]
mod tests;
