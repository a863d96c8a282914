//! A real MQTT broker for the tests: Debian's `mosquitto` (or the program in
//! [`BrokerConfig::program`], such as this project's own `mosquitto` command), started with a
//! configuration file of its own on free loopback ports, and killed on drop.
//!
//! It has an anonymous listener ([`Broker::port`]), a listener that requires the user name and
//! password [`USER`]/[`PASSWORD`] ([`Broker::auth_port`]), and optionally a Unix-domain socket
//! listener ([`Broker::socket_path`]), and further listeners of the test's choosing
//! ([`BrokerConfig::listeners`], on the ports [`Broker::ports`]). It logs everything to a file
//! ([`Broker::log`]).

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::Duration;

use super::{TIMEOUT, TempDir, now, poll_until};

/// The user the password listener accepts.
pub const USER: &str = "alice";
/// Her password.
pub const PASSWORD: &str = "s3cret-pw";

/// The broker program: found on the PATH, or at its Debian location.
pub fn broker_program() -> &'static str {
    if super::have_program("mosquitto") {
        "mosquitto"
    } else {
        "/usr/sbin/mosquitto"
    }
}

/// Whether a broker can be started at all on this machine.
pub fn broker_available() -> bool {
    super::have_program(broker_program()) && super::have_program("mosquitto_passwd")
}

/// What to put into the broker's configuration besides the two TCP listeners.
#[derive(Clone, Default)]
pub struct BrokerConfig {
    /// Add a Unix-domain socket listener.
    pub unix_socket: bool,
    /// Extra lines for the global section of the configuration.
    pub extra_global: String,
    /// Extra lines for the anonymous listener's section.
    pub extra_listener: String,
    /// More listeners (TLS, other addresses), each on a free port of its own: see
    /// [`Broker::ports`].
    pub listeners: Vec<Listener>,
    /// Environment variables for the broker process (such as `OPENSSL_CONF`).
    pub env: Vec<(String, String)>,
    /// The broker program to run instead of Debian's (this project's `mosquitto` command, for
    /// the tests of our broker).
    pub program: Option<PathBuf>,
}

/// A further listener of the broker.
#[derive(Clone, Default)]
pub struct Listener {
    /// Where to listen: `127.0.0.1` when empty, an IPv6 address such as `::1`, or a host name
    /// (the broker listens on every address it resolves to).
    pub address: String,
    /// The lines of the listener's section. Anonymous clients are allowed unless these lines
    /// say otherwise.
    pub config: String,
}

impl Listener {
    /// A listener on 127.0.0.1 with the given section lines.
    pub fn new(config: impl Into<String>) -> Listener {
        Listener {
            address: String::new(),
            config: config.into(),
        }
    }

    fn address(&self) -> &str {
        if self.address.is_empty() {
            "127.0.0.1"
        } else {
            &self.address
        }
    }
}

/// A running (or stopped, see [`Broker::stop`]) broker.
pub struct Broker {
    dir: TempDir,
    child: Option<Child>,
    /// The anonymous TCP listener on 127.0.0.1.
    pub port: u16,
    /// The TCP listener on 127.0.0.1 that requires [`USER`] and [`PASSWORD`].
    pub auth_port: u16,
    /// The ports of [`BrokerConfig::listeners`], in the same order.
    pub ports: Vec<u16>,
    config: BrokerConfig,
}

/// A port that was free on 127.0.0.1 a moment ago.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// A port that was free on `ip` a moment ago (None if nothing can bind there, e.g. IPv6 is
/// off).
pub fn free_port_on(ip: IpAddr) -> Option<u16> {
    let listener = TcpListener::bind((ip, 0)).ok()?;
    listener.local_addr().ok().map(|a| a.port())
}

fn port_accepts(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
}

/// Whether something accepts connections on `port` at one of the addresses of `host`.
fn accepts_at(host: &str, port: u16) -> bool {
    let Ok(addrs) = (host, port).to_socket_addrs() else {
        return false;
    };
    addrs
        .into_iter()
        .any(|addr| TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok())
}

impl Broker {
    /// Start a broker with the two TCP listeners.
    pub fn start() -> Broker {
        Broker::start_with(BrokerConfig::default())
    }

    /// Start a broker with extra configuration.
    pub fn start_with(config: BrokerConfig) -> Broker {
        assert!(
            broker_available(),
            "the mosquitto broker and mosquitto_passwd are needed"
        );
        let dir = TempDir::new("broker");
        let passwd = dir.join("passwd");
        let out = super::run(
            Command::new("mosquitto_passwd")
                .env_remove("LD_LIBRARY_PATH")
                .arg("-c")
                .arg("-b")
                .arg(&passwd)
                .arg(USER)
                .arg(PASSWORD),
            TIMEOUT,
            None,
        )
        .expect("run mosquitto_passwd");
        out.assert_success("mosquitto_passwd");
        let mut broker = Broker {
            dir,
            child: None,
            port: 0,
            auth_port: 0,
            ports: Vec::new(),
            config,
        };
        let mut last_error = String::new();
        // Another process may take a port between our probe and the broker's bind: retry.
        for _ in 0..10 {
            broker.port = free_port();
            broker.auth_port = free_port();
            broker.ports = broker
                .config
                .listeners
                .iter()
                .map(|l| match l.address().parse::<IpAddr>() {
                    Ok(ip) => free_port_on(ip).unwrap_or(0),
                    Err(_) => free_port(),
                })
                .collect();
            let mut all = broker.ports.clone();
            all.extend([broker.port, broker.auth_port]);
            all.sort_unstable();
            all.dedup();
            if all.len() != broker.ports.len() + 2 || all.contains(&0) {
                continue;
            }
            match broker.launch() {
                Ok(()) => return broker,
                Err(e) => last_error = e,
            }
        }
        panic!("could not start the broker: {last_error}");
    }

    /// The broker's working directory (deleted on drop).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The path of the Unix-domain socket listener (when configured).
    pub fn socket_path(&self) -> PathBuf {
        self.dir.join("broker.sock")
    }

    fn log_path(&self) -> PathBuf {
        self.dir.join("broker.log")
    }

    /// Everything the broker has logged so far (across restarts).
    pub fn log(&self) -> String {
        std::fs::read(self.log_path())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// Wait (at most `limit`) until the broker's log contains `needle`.
    pub fn wait_for_log(&self, needle: &str, limit: Duration) -> bool {
        poll_until(limit, || self.log().contains(needle).then_some(())).is_some()
    }

    /// The configuration: the lines `c-examples/broker.sh` writes for the demonstration and the
    /// benchmark (the same settings, in the same order), then this broker's other listeners.
    fn write_config(&self) -> PathBuf {
        let mut conf = String::new();
        // Run as root, mosquitto would switch to the "mosquitto" user, which cannot read our
        // files; as any other user the option is ignored.
        // SAFETY: geteuid cannot fail.
        if unsafe { libc::geteuid() } == 0 {
            conf.push_str("user root\n");
        }
        // No queue limit: a subscriber that is slow under load must not lose messages. No
        // in-flight limit towards MQTT 3 subscribers either: when that window is full, this
        // broker may send a newly arrived message ahead of queued ones.
        conf.push_str("per_listener_settings true\npersistence false\n");
        conf.push_str("max_queued_messages 0\nmax_inflight_messages 0\n");
        conf.push_str(&format!(
            "log_dest file {}\nlog_type all\nlog_timestamp true\n",
            self.log_path().display()
        ));
        conf.push_str(&self.config.extra_global);
        conf.push('\n');
        conf.push_str(&format!(
            "listener {} 127.0.0.1\nallow_anonymous true\n",
            self.port
        ));
        conf.push_str(&self.config.extra_listener);
        conf.push('\n');
        conf.push_str(&format!(
            "listener {} 127.0.0.1\nallow_anonymous false\npassword_file {}\n",
            self.auth_port,
            self.dir.join("passwd").display()
        ));
        if self.config.unix_socket {
            conf.push_str(&format!(
                "listener 0 {}\nallow_anonymous true\n",
                self.socket_path().display()
            ));
        }
        for (listener, port) in self.config.listeners.iter().zip(&self.ports) {
            conf.push_str(&format!("listener {port} {}\n", listener.address()));
            if !listener.config.contains("allow_anonymous") {
                conf.push_str("allow_anonymous true\n");
            }
            conf.push_str(&listener.config);
            conf.push('\n');
        }
        let path = self.dir.join("mosquitto.conf");
        std::fs::write(&path, conf).expect("write broker configuration");
        path
    }

    /// The program this broker runs.
    fn program(&self) -> PathBuf {
        self.config
            .program
            .clone()
            .unwrap_or_else(|| PathBuf::from(broker_program()))
    }

    /// The pid of the broker process, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    fn launch(&mut self) -> Result<(), String> {
        let conf = self.write_config();
        let _ = std::fs::remove_file(self.socket_path());
        let program = self.program();
        let mut cmd = Command::new(&program);
        cmd.arg("-c")
            .arg(&conf)
            .env_remove("LD_LIBRARY_PATH")
            .envs(self.config.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: prctl is async-signal-safe. The broker gets SIGKILL if the thread that started it
        // ends without dropping the Broker (a test thread killed by a panic that aborts).
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
        let deadline = now() + TIMEOUT;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!(
                    "the broker exited at start ({status}); log:\n{}",
                    self.log()
                ));
            }
            let socket_ready = !self.config.unix_socket || self.socket_path().exists();
            let listeners_ready = self
                .config
                .listeners
                .iter()
                .zip(&self.ports)
                .all(|(l, &port)| accepts_at(l.address(), port));
            if socket_ready && port_accepts(self.port) && port_accepts(self.auth_port) && listeners_ready {
                self.child = Some(child);
                return Ok(());
            }
            if now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "the broker did not accept connections in time; log:\n{}",
                    self.log()
                ));
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Whether the broker process is running.
    pub fn running(&mut self) -> bool {
        match &mut self.child {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// Stop the broker (SIGTERM, then SIGKILL if it lingers). The ports stay reserved for
    /// [`Broker::restart`] only in the sense that nobody else is told about them.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SAFETY: kill(2) on the pid of our unreaped child.
            unsafe {
                libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
            }
            let deadline = now() + Duration::from_secs(3);
            loop {
                match child.try_wait() {
                    Ok(Some(_)) => break,
                    Ok(None) if now() < deadline => thread::sleep(Duration::from_millis(10)),
                    _ => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break;
                    }
                }
            }
        }
    }

    /// Send a signal to the broker process (e.g. SIGSTOP to make it stop answering).
    pub fn signal(&self, sig: libc::c_int) {
        if let Some(child) = &self.child {
            // SAFETY: kill(2) on the pid of our unreaped child.
            unsafe {
                libc::kill(child.id() as libc::pid_t, sig);
            }
        }
    }

    /// Kill the broker at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Start the broker again on the same ports (after [`Broker::stop`]); retries for a while
    /// if a port is briefly unavailable.
    pub fn restart(&mut self) {
        self.stop();
        let deadline = now() + TIMEOUT;
        loop {
            match self.launch() {
                Ok(()) => return,
                Err(e) if now() >= deadline => panic!("could not restart the broker: {e}"),
                Err(_) => thread::sleep(Duration::from_millis(100)),
            }
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.signal(libc::SIGCONT);
        self.kill();
    }
}
