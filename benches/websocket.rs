//! MQTT over WebSockets against plain TCP, through the same broker: the time for one QoS 1
//! message of a given size to go from a publisher to a subscriber and be acknowledged by both,
//! for our broker (started in this process) and, when present, Debian's mosquitto (started as a
//! process with a websockets listener beside its TCP one).
//!
//! Run with `cargo bench --bench websocket` (`make bench-broker` runs it). Both clients are
//! scripted here: raw MQTT 3.1.1 packets over a TCP socket, or in binary WebSocket frames
//! (tungstenite) on one.

// A benchmark measures time itself.
#![allow(clippy::disallowed_methods)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mosquitto::broker::server::BrokerBuilder;
use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket};

enum Conn {
    Tcp(TcpStream),
    Ws(Box<WebSocket<TcpStream>>),
}

impl Conn {
    fn open(websocket: bool, port: u16) -> std::io::Result<Conn> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(20)))?;
        if !websocket {
            return Ok(Conn::Tcp(s));
        }
        let mut request = format!("ws://127.0.0.1:{port}/mqtt")
            .into_client_request()
            .map_err(std::io::Error::other)?;
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "mqtt".parse().map_err(std::io::Error::other)?,
        );
        let (ws, _) = tungstenite::client(request, s).map_err(std::io::Error::other)?;
        Ok(Conn::Ws(Box::new(ws)))
    }

    fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Conn::Tcp(s) => s.write_all(bytes),
            Conn::Ws(w) => w
                .send(Message::Binary(bytes.to_vec().into()))
                .map_err(std::io::Error::other),
        }
    }

    /// Append what arrives to `buf` until it holds `n` bytes.
    fn fill(&mut self, buf: &mut Vec<u8>, n: usize) -> std::io::Result<()> {
        let mut chunk = vec![0u8; 1 << 16];
        while buf.len() < n {
            match self {
                Conn::Tcp(s) => {
                    let got = s.read(&mut chunk)?;
                    if got == 0 {
                        return Err(std::io::ErrorKind::UnexpectedEof.into());
                    }
                    buf.extend_from_slice(&chunk[..got]);
                }
                Conn::Ws(w) => match w.read().map_err(std::io::Error::other)? {
                    Message::Binary(b) => buf.extend_from_slice(&b),
                    Message::Close(_) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                    _ => {}
                },
            }
        }
        Ok(())
    }
}

fn remaining_length(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let mut b = (n % 128) as u8;
        n /= 128;
        if n > 0 {
            b |= 0x80;
        }
        out.push(b);
        if n == 0 {
            break;
        }
    }
}

fn connect_packet(id: &str) -> Vec<u8> {
    let mut body = vec![0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, id.len() as u8];
    body.extend_from_slice(id.as_bytes());
    let mut p = vec![0x10];
    remaining_length(body.len(), &mut p);
    p.extend(body);
    p
}

/// Milliseconds per message (median of `rounds`), or `None` when a message did not arrive.
fn measure(port: u16, websocket: bool, size: usize, rounds: usize, tag: &str) -> Option<f64> {
    let mut sub = Conn::open(websocket, port).ok()?;
    let mut publisher = Conn::open(websocket, port).ok()?;
    let mut buf = Vec::new();
    sub.send(&connect_packet(&format!("bench-sub-{tag}"))).ok()?;
    sub.fill(&mut buf, 4).ok()?;
    buf.clear();
    sub.send(&[0x82, 6, 0, 1, 0, 1, b'w', 1]).ok()?;
    sub.fill(&mut buf, 5).ok()?;
    buf.clear();
    let mut pbuf = Vec::new();
    publisher
        .send(&connect_packet(&format!("bench-pub-{tag}")))
        .ok()?;
    publisher.fill(&mut pbuf, 4).ok()?;
    pbuf.clear();
    let mut publish = vec![0x32];
    remaining_length(3 + 2 + size, &mut publish);
    publish.extend_from_slice(&[0, 1, b'w', 0, 1]);
    publish.extend(std::iter::repeat_n(b'x', size));
    let mut header = Vec::new();
    remaining_length(3 + 2 + size, &mut header);
    let copy_len = 1 + header.len() + 5 + size;
    let mut times = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        publisher.send(&publish).ok()?;
        sub.fill(&mut buf, copy_len).ok()?;
        let mid_at = 1 + header.len() + 3;
        let ack = [0x40, 2, buf[mid_at], buf[mid_at + 1]];
        buf.drain(..copy_len);
        sub.send(&ack).ok()?;
        publisher.fill(&mut pbuf, 4).ok()?;
        pbuf.drain(..4);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Some(times[times.len() / 2])
}

/// Debian's mosquitto with a websockets and a TCP listener on free ports, if it is installed.
fn debian_broker() -> Option<(Child, u16, u16, std::path::PathBuf)> {
    let program = ["/usr/sbin/mosquitto", "mosquitto"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())?;
    let free = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()
            .map(|a| a.port())
    };
    let (ws, tcp) = (free()?, free()?);
    let dir = std::env::temp_dir().join(format!("bench-websocket-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let conf = dir.join("mosquitto.conf");
    // SAFETY: geteuid has no preconditions.
    let user = if unsafe { libc::geteuid() } == 0 {
        "user root\n"
    } else {
        ""
    };
    std::fs::write(
        &conf,
        format!(
            "{user}listener {ws} 127.0.0.1\nprotocol websockets\nallow_anonymous true\n\
             listener {tcp} 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 0\n"
        ),
    )
    .ok()?;
    let child = Command::new(program)
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", tcp)).is_ok() {
            return Some((child, ws, tcp, dir));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

fn row(name: &str, ws_port: u16, tcp_port: u16, size: usize, rounds: usize) {
    let ws = measure(ws_port, true, size, rounds, &format!("{name}-ws-{size}"));
    let tcp = measure(tcp_port, false, size, rounds, &format!("{name}-tcp-{size}"));
    let show = |v: Option<f64>| v.map_or_else(|| "not delivered".to_owned(), |ms| format!("{ms:.3} ms"));
    let ratio = match (ws, tcp) {
        (Some(w), Some(t)) if t > 0.0 => format!("{:.2}x", w / t),
        _ => "-".to_owned(),
    };
    println!(
        "{name:<16} {size:>9} {:>14} {:>14} {ratio:>8}",
        show(ws),
        show(tcp)
    );
}

fn main() {
    let sizes = [100usize, 65_536, 1 << 20];
    let mut b = BrokerBuilder::new();
    b.log_callback(Arc::new(|_, _: &str| {}));
    b.config_str(
        "listener 0 127.0.0.1\nprotocol websockets\nallow_anonymous true\n\
         listener 0 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 0\n",
    )
    .expect("configuration");
    let broker = b.start().expect("start the broker");
    let (ws, tcp) = (broker.port(0).unwrap(), broker.port(1).unwrap());
    println!("one QoS 1 message, publisher to subscriber and both acknowledgements (median of rounds)");
    println!(
        "{:<16} {:>9} {:>14} {:>14} {:>8}",
        "broker", "bytes", "websockets", "tcp", "ws/tcp"
    );
    for size in sizes {
        row(
            "this broker",
            ws,
            tcp,
            size,
            if size > 100_000 { 30 } else { 200 },
        );
    }
    broker.stop();
    if let Some((mut child, ws, tcp, dir)) = debian_broker() {
        for size in sizes {
            row("mosquitto", ws, tcp, size, if size > 100_000 { 1 } else { 5 });
        }
        let _ = child.kill();
        let _ = child.wait();
        let _ = std::fs::remove_dir_all(dir);
    }
}
