#![no_main]

use std::sync::OnceLock;
use std::time::Instant;

use libfuzzer_sys::fuzz_target;

/// One reading of the clock for the whole run; each input moves its own clock on from there.
fn start() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    #[allow(clippy::disallowed_methods)]
    *START.get_or_init(Instant::now)
}

fuzz_target!(|data: &[u8]| mosquitto::fuzzing::broker_packet(data, start()));
