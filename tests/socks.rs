//! Connecting through a SOCKS5 proxy (`microsocks`, started by each test on a free loopback port)
//! to a real broker: without and with username/password authentication, to an IPv4 address, a
//! host name and an IPv6 address, with TLS on top, after the broker restarts, and the errors when
//! the proxy refuses. Debian's clients use the proxy through this library too.

mod common;

use std::net::{IpAddr, Ipv6Addr};
use std::os::fd::FromRawFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::Duration;

use common::broker::{free_port, free_port_on};
use common::certs::CertDir;
use common::client::{Client, connects, disconnects};
use common::consts::*;
use common::cprog::ldd_resolves_to_ours;
use common::{
    Broker, BrokerConfig, Listener, Proc, TIMEOUT, ensure_library_built, have_program, lib_dir, now, pattern,
    unique_topic,
};

const PROXY_USER: &str = "proxy-user";
const PROXY_PASSWORD: &str = "proxy-pass-7";

/// A running `microsocks`, killed on drop.
struct Proxy {
    proc: Proc,
    port: u16,
}

impl Proxy {
    /// Start microsocks on 127.0.0.1, requiring `PROXY_USER`/`PROXY_PASSWORD` if `auth`.
    fn start(auth: bool) -> Proxy {
        ensure_library_built();
        assert!(
            have_program("microsocks"),
            "microsocks is needed for the SOCKS5 tests"
        );
        let mut last = String::new();
        for _ in 0..10 {
            let port = free_port();
            let mut cmd = Command::new("microsocks");
            cmd.args(["-i", "127.0.0.1", "-p", &port.to_string()]);
            if auth {
                cmd.args(["-u", PROXY_USER, "-P", PROXY_PASSWORD]);
            }
            // SAFETY: prctl is async-signal-safe. The proxy dies with the thread that started it
            // even if the Proxy is never dropped.
            unsafe {
                cmd.pre_exec(|| {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                    Ok(())
                });
            }
            let mut proc = Proc::spawn(&mut cmd).expect("start microsocks");
            proc.close_stdin();
            let deadline = now() + TIMEOUT;
            loop {
                if !proc.running() {
                    last = proc.wait(TIMEOUT).describe();
                    break;
                }
                let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
                if std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    return Proxy { proc, port };
                }
                if now() >= deadline {
                    last = proc.kill().describe();
                    break;
                }
                thread::sleep(Duration::from_millis(10));
            }
        }
        panic!("microsocks did not start: {last}");
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.proc.signal(libc::SIGKILL);
    }
}

fn client_id(label: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{label}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A logging client that goes through `proxy` (with `auth` as username/password).
fn proxied_client(label: &str, proxy: &Proxy, auth: Option<(&str, &str)>) -> Client {
    let c = Client::new(Some(&client_id(label)), true);
    c.enable_log();
    let (user, password) = auth.unzip();
    assert_eq!(
        c.socks5_set("127.0.0.1", i32::from(proxy.port), user, password),
        MOSQ_ERR_SUCCESS
    );
    c
}

#[track_caller]
fn assert_logged(c: &Client, needle: &str) {
    let logs = c.log_texts();
    assert!(
        logs.iter().any(|l| l.contains(needle)),
        "no log line contains {needle:?}; log:\n{}",
        logs.join("\n")
    );
}

/// The port of the peer of socket `fd`.
fn peer_port(fd: i32) -> u16 {
    assert!(fd >= 0, "no socket");
    // SAFETY: `fd` is the client's open TCP socket; ManuallyDrop leaves it open afterwards.
    let sock = std::mem::ManuallyDrop::new(unsafe { std::net::TcpStream::from_raw_fd(fd) });
    sock.peer_addr().expect("getpeername").port()
}

/// Connect (blocking) to `host`:`port`, check that the socket leads to the proxy, and send
/// messages at QoS 0, 1 and 2 to ourselves. Disconnects at the end.
#[track_caller]
fn round_trip(c: &Client, proxy: &Proxy, host: &str, port: u16) {
    let rc = c.connect(host, port, 60);
    assert_eq!(
        rc,
        MOSQ_ERR_SUCCESS,
        "connect to {host}:{port}; events:\n{}",
        c.rec.dump()
    );
    assert_eq!(
        peer_port(c.socket()),
        proxy.port,
        "the socket does not lead to the proxy"
    );
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_connect(), 0);
    let topic = unique_topic("proxied");
    assert_eq!(c.subscribe_and_wait(&topic, 2), vec![2]);
    for qos in 0..=2 {
        let payload = format!("{host} qos {qos}");
        let (rc, mid) = c.publish(&topic, payload.as_bytes(), qos, false);
        assert_eq!(rc, MOSQ_ERR_SUCCESS);
        c.wait_published(mid);
    }
    let msgs = c.wait_messages(&topic, 3, TIMEOUT);
    for (qos, m) in msgs.iter().enumerate() {
        assert_eq!(m.payload, format!("{host} qos {qos}").as_bytes());
    }
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_stop(false), MOSQ_ERR_SUCCESS);
    assert_eq!(disconnects(&c.rec.events()), vec![0]);
}

#[test]
fn plain_mqtt_through_the_proxy() {
    let broker = Broker::start();
    let proxy = Proxy::start(false);
    let c = proxied_client("plain", &proxy, None);
    round_trip(&c, &proxy, "127.0.0.1", broker.port);
    // Credentials offered to a proxy that does not ask for them are not used.
    let c = proxied_client("offered", &proxy, Some((PROXY_USER, PROXY_PASSWORD)));
    round_trip(&c, &proxy, "127.0.0.1", broker.port);
}

#[test]
fn large_message_through_the_proxy() {
    let broker = Broker::start();
    let proxy = Proxy::start(false);
    let c = proxied_client("large", &proxy, None);
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_connect(), 0);
    let topic = unique_topic("large");
    assert_eq!(c.subscribe_and_wait(&topic, 1), vec![1]);
    let payload = pattern(2 << 20, 3);
    assert_eq!(c.publish(&topic, &payload, 1, false).0, MOSQ_ERR_SUCCESS);
    let got = c.wait_messages(&topic, 1, Duration::from_secs(20));
    assert!(got[0].payload == payload, "the 2 MB message differs");
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_stop(false), MOSQ_ERR_SUCCESS);
}

#[test]
fn username_and_password() {
    let broker = Broker::start();
    let proxy = Proxy::start(true);
    let c = proxied_client("auth", &proxy, Some((PROXY_USER, PROXY_PASSWORD)));
    round_trip(&c, &proxy, "127.0.0.1", broker.port);

    let c = proxied_client("wrong-pw", &proxy, Some((PROXY_USER, "wrong")));
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_AUTH);
    assert_logged(&c, "rejected the username/password");

    let c = proxied_client("no-auth", &proxy, None);
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_AUTH);
    assert_logged(&c, "accepts none of the offered authentication methods");

    // The same failure through connect_async: the proxy handshake happens in the call.
    let c = proxied_client("wrong-async", &proxy, Some(("nobody", PROXY_PASSWORD)));
    assert_eq!(c.connect_async("127.0.0.1", broker.port, 60), MOSQ_ERR_AUTH);
    assert!(
        !broker.log().contains("wrong-pw") && !broker.log().contains("no-auth"),
        "a refused client reached the broker:\n{}",
        broker.log()
    );
}

/// The proxy resolves the name (a domain-name request): the broker listens on every address of
/// `localhost`, as the proxy may pick an IPv6 one.
#[test]
fn target_as_host_name() {
    let broker = Broker::start_with(BrokerConfig {
        listeners: vec![Listener {
            address: "localhost".into(),
            config: String::new(),
        }],
        ..Default::default()
    });
    let proxy = Proxy::start(false);
    let c = proxied_client("name", &proxy, None);
    round_trip(&c, &proxy, "localhost", broker.ports[0]);

    // A name only the proxy would look up (it is reserved never to resolve): the library does
    // not resolve it itself (that would give MOSQ_ERR_EAI); the proxy reports its failure.
    let c = proxied_client("unresolvable", &proxy, None);
    let rc = c.connect("no-such-host.invalid", broker.ports[0], 60);
    assert!(
        rc == MOSQ_ERR_PROXY || rc == MOSQ_ERR_NO_CONN,
        "rc {rc}; events:\n{}",
        c.rec.dump()
    );
    assert_logged(&c, "SOCKS5 proxy could not connect");
}

#[test]
fn target_as_ipv6_address() {
    if free_port_on(IpAddr::V6(Ipv6Addr::LOCALHOST)).is_none() {
        eprintln!("skipped: no IPv6 loopback address");
        return;
    }
    let broker = Broker::start_with(BrokerConfig {
        listeners: vec![Listener {
            address: "::1".into(),
            config: String::new(),
        }],
        ..Default::default()
    });
    let proxy = Proxy::start(false);
    let c = proxied_client("ipv6", &proxy, None);
    round_trip(&c, &proxy, "::1", broker.ports[0]);
}

#[test]
fn tls_through_the_proxy() {
    ensure_library_built();
    let certs = CertDir::new();
    let broker = Broker::start_with(BrokerConfig {
        listeners: vec![
            Listener::new(certs.listener("server.crt")),
            Listener::new(certs.listener("wrong-host.crt")),
        ],
        ..Default::default()
    });
    let proxy = Proxy::start(true);
    let auth = Some((PROXY_USER, PROXY_PASSWORD));
    let ca = certs.file("ca.crt");
    for host in ["localhost", "127.0.0.1"] {
        let c = proxied_client("tls", &proxy, auth);
        assert_eq!(c.tls_set(Some(&ca), None, None, None, None), MOSQ_ERR_SUCCESS);
        round_trip(&c, &proxy, host, broker.ports[0]);
    }
    // The certificate is checked against the broker's name, not the proxy's.
    let c = proxied_client("tls-wrong-host", &proxy, auth);
    assert_eq!(c.tls_set(Some(&ca), None, None, None, None), MOSQ_ERR_SUCCESS);
    assert_eq!(c.connect("localhost", broker.ports[1], 60), MOSQ_ERR_TLS);
    assert_logged(&c, "Error: host name verification failed.");
}

#[test]
fn proxy_cannot_reach_the_broker() {
    let proxy = Proxy::start(false);
    let closed = free_port();
    let c = proxied_client("refused", &proxy, None);
    assert_eq!(c.connect("127.0.0.1", closed, 60), MOSQ_ERR_NO_CONN);
    assert_logged(&c, "connection refused");
    assert!(connects(&c.rec.events()).is_empty());
}

#[test]
fn proxy_not_running() {
    ensure_library_built();
    let broker = Broker::start();
    let c = Client::new(Some(&client_id("no-proxy")), true);
    assert_eq!(
        c.socks5_set("127.0.0.1", i32::from(free_port()), None, None),
        MOSQ_ERR_SUCCESS
    );
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_ERRNO);
    assert_eq!(
        std::io::Error::last_os_error().raw_os_error(),
        Some(libc::ECONNREFUSED)
    );
}

#[test]
fn connect_async_loop_start_and_reconnect_through_the_proxy() {
    let mut broker = Broker::start();
    let proxy = Proxy::start(true);
    let c = proxied_client("reconnect", &proxy, Some((PROXY_USER, PROXY_PASSWORD)));
    assert_eq!(c.reconnect_delay_set(1, 1, false), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_start(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.connect_async("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_connect(), 0);
    broker.restart();
    assert_ne!(c.wait_disconnect_n(1), 0);
    assert_eq!(c.wait_connect_n(2), 0, "events:\n{}", c.rec.dump());
    assert_eq!(peer_port(c.socket()), proxy.port);
    let topic = unique_topic("again");
    assert_eq!(c.subscribe_and_wait(&topic, 1), vec![1]);
    assert_eq!(c.publish(&topic, b"again", 1, false).0, MOSQ_ERR_SUCCESS);
    assert_eq!(c.wait_messages(&topic, 1, TIMEOUT)[0].payload, b"again");
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    assert_eq!(c.loop_stop(false), MOSQ_ERR_SUCCESS);
}

fn tool(name: &str) -> Command {
    let path = PathBuf::from("/usr/bin").join(name);
    assert!(
        path.is_file(),
        "{name} is not installed (Debian package mosquitto-clients)"
    );
    ldd_resolves_to_ours(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(path);
    cmd.env("LD_LIBRARY_PATH", lib_dir()).env_remove("LD_PRELOAD");
    cmd
}

#[test]
fn debian_clients_through_the_proxy() {
    let broker = Broker::start();
    let proxy = Proxy::start(true);
    let url = format!(
        "socks5h://{PROXY_USER}:{}@127.0.0.1:{}",
        PROXY_PASSWORD, proxy.port
    );
    let topic = unique_topic("debian");
    let sub_id = format!("psub{}", std::process::id() % 100_000);
    let mut sub = Proc::spawn(tool("mosquitto_sub").args([
        "-h",
        "localhost",
        "-p",
        &broker.port.to_string(),
        "--proxy",
        &url,
        "-i",
        &sub_id,
        "-t",
        &topic,
        "-C",
        "1",
    ]))
    .expect("start mosquitto_sub");
    sub.close_stdin();
    assert!(
        broker.wait_for_log(&format!("Sending SUBACK to {sub_id}"), TIMEOUT),
        "mosquitto_sub did not subscribe; broker log:\n{}",
        broker.log()
    );
    let out = common::run(
        tool("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &broker.port.to_string(), "--proxy", &url])
            .args(["-t", &topic, "-q", "1", "-m", "via the proxy"]),
        TIMEOUT,
        None,
    )
    .expect("run mosquitto_pub");
    out.assert_success("mosquitto_pub --proxy");
    let out = sub.wait(TIMEOUT);
    out.assert_success("mosquitto_sub --proxy");
    assert_eq!(out.stdout_str(), "via the proxy\n");
}
