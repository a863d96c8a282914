//! The fuzz targets' checks on stable Rust, without a fuzzer: every seed under `fuzz/seeds/` and
//! every saved input under `fuzz/regressions/` (crashes once found, and inputs worth keeping),
//! then a few thousand deterministic mutations of the seeds.
//!
//! The checks themselves live in `mosquitto::fuzzing`, which the fuzz targets call too.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

use mosquitto::fuzzing;

/// Mutated variants tried per seed.
const MUTATIONS_PER_SEED: usize = 500;

#[allow(clippy::disallowed_methods)]
fn start() -> Instant {
    Instant::now()
}

fn run_target(target: &str, data: &[u8]) {
    match target {
        #[cfg(feature = "broker")]
        "broker_packet" => fuzzing::broker_packet(data, start()),
        "decode_packet" => fuzzing::decode_packet(data),
        "properties" => fuzzing::properties(data),
        "session_bytes" => fuzzing::session_bytes(data, start()),
        "topic_match" => fuzzing::topic_match(data),
        #[cfg(feature = "broker")]
        "config_file" => fuzzing::config_file(data),
        #[cfg(feature = "broker")]
        "password_file" => fuzzing::password_file(data),
        #[cfg(feature = "broker")]
        "acl_file" => fuzzing::acl_file(data),
        #[cfg(feature = "broker")]
        "socks5" => fuzzing::socks5(data),
        #[cfg(feature = "broker")]
        "websocket" => fuzzing::websocket(data),
        other => panic!("unknown fuzz target {other}"),
    }
}

/// The files of `fuzz/<kind>/<target>/`, sorted; none if the directory does not exist.
fn inputs(kind: &str, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file() && p.extension().is_none_or(|e| e != "md"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let data = std::fs::read(&p).expect("readable input");
            (p, data)
        })
        .collect()
}

fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

/// Run `target` on every input, collecting failures so that one report names them all.
fn replay(target: &str, cases: impl IntoIterator<Item = (String, Vec<u8>)>) -> usize {
    let mut failures = Vec::new();
    let mut count = 0;
    for (name, data) in cases {
        count += 1;
        let result = panic::catch_unwind(AssertUnwindSafe(|| run_target(target, &data)));
        if let Err(payload) = result {
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)")
                .to_owned();
            failures.push(format!("{name}: input {}\n    {message}", hex(&data)));
        }
    }
    assert!(
        failures.is_empty(),
        "{target}: {} of {count} inputs fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
    count
}

fn saved_inputs(target: &str) {
    let cases: Vec<(String, Vec<u8>)> = ["seeds", "regressions"]
        .into_iter()
        .flat_map(|kind| inputs(kind, target))
        .map(|(path, data)| (path.display().to_string(), data))
        .collect();
    assert!(!inputs("seeds", target).is_empty(), "no seeds for {target}");
    replay(target, cases);
}

/// xorshift64*: the same sequence on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let len = data.len();
        match rng.below(6) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = rng.next() as u8;
            }
            2 => {
                let i = rng.below(len + 1);
                data.insert(i, rng.next() as u8);
            }
            3 if len > 0 => {
                data.remove(rng.below(len));
            }
            4 if len > 0 => data.truncate(rng.below(len)),
            _ if len > 0 => {
                // Repeat a slice: packets twice, a varint grown, a property duplicated.
                let a = rng.below(len);
                let b = a + rng.below(len - a) + 1;
                let copy = data[a..b].to_vec();
                let at = rng.below(data.len() + 1);
                data.splice(at..at, copy);
            }
            _ => data.push(rng.next() as u8),
        }
    }
    data
}

fn mutations(target: &str) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let cases: Vec<(String, Vec<u8>)> = inputs("seeds", target)
        .into_iter()
        .flat_map(|(path, seed)| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (0..MUTATIONS_PER_SEED)
                .map(|i| (format!("mutation {i} of seed {name}"), mutate(&mut rng, &seed)))
                .collect::<Vec<_>>()
        })
        .collect();
    let count = replay(target, cases);
    assert!(count > 0);
}

#[cfg(feature = "broker")]
#[test]
fn broker_packet_saved_inputs() {
    saved_inputs("broker_packet");
}

#[test]
fn decode_packet_saved_inputs() {
    saved_inputs("decode_packet");
}

#[test]
fn properties_saved_inputs() {
    saved_inputs("properties");
}

#[test]
fn session_bytes_saved_inputs() {
    saved_inputs("session_bytes");
}

#[test]
fn topic_match_saved_inputs() {
    saved_inputs("topic_match");
}

#[cfg(feature = "broker")]
#[test]
fn broker_packet_mutations() {
    mutations("broker_packet");
}

#[test]
fn decode_packet_mutations() {
    mutations("decode_packet");
}

#[test]
fn properties_mutations() {
    mutations("properties");
}

#[test]
fn session_bytes_mutations() {
    mutations("session_bytes");
}

#[test]
fn topic_match_mutations() {
    mutations("topic_match");
}

#[cfg(feature = "broker")]
#[test]
fn config_file_saved_inputs() {
    saved_inputs("config_file");
}

#[cfg(feature = "broker")]
#[test]
fn config_file_mutations() {
    mutations("config_file");
}

#[cfg(feature = "broker")]
#[test]
fn password_file_saved_inputs() {
    saved_inputs("password_file");
}

#[cfg(feature = "broker")]
#[test]
fn password_file_mutations() {
    mutations("password_file");
}

#[cfg(feature = "broker")]
#[test]
fn acl_file_saved_inputs() {
    saved_inputs("acl_file");
}

#[cfg(feature = "broker")]
#[test]
fn acl_file_mutations() {
    mutations("acl_file");
}

#[cfg(feature = "broker")]
#[test]
fn socks5_saved_inputs() {
    saved_inputs("socks5");
}

#[cfg(feature = "broker")]
#[test]
fn socks5_mutations() {
    mutations("socks5");
}

#[cfg(feature = "broker")]
#[test]
fn websocket_saved_inputs() {
    saved_inputs("websocket");
}

#[cfg(feature = "broker")]
#[test]
fn websocket_mutations() {
    mutations("websocket");
}
