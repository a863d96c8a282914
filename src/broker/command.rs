//! The `mosquitto` command: options, privileges, daemon mode and signals around a
//! [`BrokerBuilder`].

use std::ffi::{CString, OsString};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

use super::server::{BrokerBuilder, VERSION};

/// The help text, printed for `-h` and after an unknown option.
fn usage() -> String {
    format!(
        "mosquitto version {VERSION}\n\n\
         mosquitto is an MQTT v5.0/v3.1.1/v3.1 broker.\n\n\
         Usage: mosquitto [-c config_file] [-d] [-h] [-p port]\n\n \
         -c : specify the broker config file.\n \
         -d : put the broker into the background after starting.\n \
         -h : display this help.\n \
         -p : start the broker listening on the specified port.\n      \
         Not recommended in conjunction with the -c option.\n \
         -v : verbose mode - enable all logging types. This overrides\n      \
         any logging options given in the config file.\n\n\
         See https://mosquitto.org/ for more information.\n\n"
    )
}

/// A line before logging is configured (errors, and the warnings of the privilege drop, which
/// mosquitto prints before it reads the log settings): stderr, with mosquitto's timestamp.
fn early_error(text: &str) {
    let now = super::server::unix_now();
    let _ = writeln!(std::io::stderr().lock(), "{now}: {text}");
}

/// What the command line asks for.
struct Options {
    config_file: Option<OsString>,
    daemon: bool,
    ports: Vec<String>,
    verbose: bool,
}

/// Parse the options; `Err` carries the exit status after the message was printed.
fn parse(args: &[OsString]) -> Result<Options, i32> {
    let mut o = Options {
        config_file: None,
        daemon: false,
        ports: Vec::new(),
        verbose: false,
    };
    let mut i = 1;
    while i < args.len() {
        let arg = args[i].as_bytes();
        match arg {
            b"-c" | b"--config-file" => match args.get(i + 1) {
                Some(file) => {
                    o.config_file = Some(file.clone());
                    i += 1;
                }
                None => {
                    early_error("Error: -c argument given, but no config file specified.");
                    return Err(3);
                }
            },
            b"-d" | b"--daemon" => o.daemon = true,
            b"-h" | b"--help" => {
                print!("{}", usage());
                let _ = std::io::stdout().flush();
                return Err(3);
            }
            b"-p" | b"--port" => match args.get(i + 1) {
                Some(port) => {
                    o.ports.push(port.to_string_lossy().into_owned());
                    i += 1;
                }
                None => {
                    early_error("Error: -p argument given, but no port specified.");
                    return Err(3);
                }
            },
            b"-v" | b"--verbose" => o.verbose = true,
            _ => {
                let shown = String::from_utf8_lossy(arg);
                let _ = writeln!(std::io::stderr().lock(), "Error: Unknown option '{shown}'.");
                print!("{}", usage());
                let _ = std::io::stdout().flush();
                return Err(3);
            }
        }
        i += 1;
    }
    Ok(o)
}

/// Run the `mosquitto` command with these arguments (the program name first); returns the exit
/// status.
pub fn main(args: &[OsString]) -> i32 {
    let options = match parse(args) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let mut builder = BrokerBuilder::new();
    for port in &options.ports {
        if let Err(line) = builder.command_line_port(port) {
            early_error(&line);
            return 3;
        }
    }
    builder.verbose(options.verbose);
    if let Some(file) = &options.config_file {
        if builder.config_file(std::path::Path::new(file)).is_err() {
            return 3;
        }
    }
    let user = builder.configured_user();
    if let Err(line) = drop_privileges(&user) {
        early_error(&line);
        return 1;
    }
    if options.daemon {
        if let Err(e) = daemonise() {
            early_error(&format!("Error: Unable to fork: {e}"));
            return 1;
        }
    }

    // Signals are taken by this thread only: the workers start with them blocked.
    let signals = Signals::block();
    let broker = match builder.start() {
        Ok(b) => b,
        Err(e) => return e.exit_code(),
    };
    loop {
        match signals.wait() {
            libc::SIGHUP => {
                let _ = broker.reload();
            }
            libc::SIGINT | libc::SIGTERM => break,
            // Every change is already durable: SIGUSR1 logs mosquitto's save line.
            libc::SIGUSR1 => broker.save(),
            // SIGUSR2 prints the subscription tree (not implemented): ignored.
            _ => {}
        }
    }
    broker.stop();
    0
}

/// As root, become `user` (mosquitto's rules: `mosquitto` falls back to `nobody`); returns the
/// error line otherwise. Warns when the broker still runs as root.
fn drop_privileges(user: &str) -> Result<(), String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(());
    }
    let mut name = user.to_owned();
    let mut entry = lookup_user(&name);
    if entry.is_none() {
        if name != "mosquitto" {
            return Err(format!(
                "Error: Unable to drop privileges to '{name}' because this user does not exist."
            ));
        }
        early_error(&format!(
            "Warning: Unable to drop privileges to '{name}' because this user does not exist. Trying \
             'nobody' instead."
        ));
        name = "nobody".into();
        entry = lookup_user(&name);
        if entry.is_none() {
            return Err(format!(
                "Error: Unable to drop privileges to '{name}' because this user does not exist."
            ));
        }
    }
    let (uid, gid) = entry.unwrap_or((0, 0));
    if uid != 0 {
        let cname = CString::new(name.as_str()).map_err(|_| "Error: Invalid user name.".to_owned())?;
        // SAFETY: plain system calls with valid arguments; the name is NUL-terminated.
        let failed = unsafe {
            libc::setgid(gid) != 0 || libc::initgroups(cname.as_ptr(), gid) != 0 || libc::setuid(uid) != 0
        };
        if failed {
            let e = std::io::Error::last_os_error();
            return Err(format!("Error setting uid whilst dropping privileges: {e}."));
        }
    }
    // SAFETY: as above.
    if unsafe { libc::geteuid() } == 0 {
        early_error("Warning: Mosquitto should not be run as root/administrator.");
    }
    Ok(())
}

/// A user's uid and gid.
fn lookup_user(name: &str) -> Option<(libc::uid_t, libc::gid_t)> {
    let cname = CString::new(name).ok()?;
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: a zeroed passwd is a valid output buffer.
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call; getpwnam_r writes within buf.len() bytes.
    let rc = unsafe { libc::getpwnam_r(cname.as_ptr(), &mut pw, buf.as_mut_ptr(), buf.len(), &mut result) };
    (rc == 0 && !result.is_null()).then_some((pw.pw_uid, pw.pw_gid))
}

/// Fork into the background: the parent exits, the child leads a new session with its
/// standard streams on `/dev/null`.
fn daemonise() -> std::io::Result<()> {
    // SAFETY: no other thread exists yet (the broker has not started), so the child may go
    // on running Rust code.
    match unsafe { libc::fork() } {
        -1 => return Err(std::io::Error::last_os_error()),
        0 => {}
        // SAFETY: _exit ends the parent without running destructors shared with the child.
        _ => unsafe { libc::_exit(0) },
    }
    // SAFETY: plain system calls; the path is NUL-terminated.
    unsafe {
        libc::setsid();
        let fd = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        if fd >= 0 {
            libc::dup2(fd, 0);
            libc::dup2(fd, 1);
            libc::dup2(fd, 2);
            if fd > 2 {
                libc::close(fd);
            }
        }
    }
    Ok(())
}

/// The signals the command handles, blocked in every thread and taken with `sigwait`.
struct Signals {
    set: libc::sigset_t,
}

impl Signals {
    fn block() -> Self {
        // SAFETY: sigemptyset initialises the set; the other calls take valid pointers.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for s in [
                libc::SIGINT,
                libc::SIGTERM,
                libc::SIGHUP,
                libc::SIGUSR1,
                libc::SIGUSR2,
            ] {
                libc::sigaddset(&mut set, s);
            }
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            Self { set }
        }
    }

    fn wait(&self) -> i32 {
        let mut sig = 0;
        // SAFETY: the set was initialised in `block`; sig is a valid output.
        let rc = unsafe { libc::sigwait(&self.set, &mut sig) };
        if rc == 0 { sig } else { 0 }
    }
}
