//! This project's broker started in the test's own process (`BrokerBuilder`), with its log
//! lines kept in memory.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mosquitto::broker::server::{Broker as OurBroker, BrokerBuilder};

use super::TIMEOUT;

/// Our broker, with its log lines kept in memory.
pub struct Ours {
    broker: Option<OurBroker>,
    pub port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Ours {
    /// A broker with an anonymous listener on a free port, every log type, and `extra`
    /// (bridges).
    pub fn start(extra: &str) -> Ours {
        let log = Arc::new(Mutex::new(Vec::new()));
        let lines = log.clone();
        let mut builder = BrokerBuilder::new();
        builder.log_callback(Arc::new(move |_level: u32, line: &str| {
            lines.lock().unwrap().push(line.to_owned());
        }));
        builder
            .config_str(&format!(
                "listener 0 127.0.0.1\nallow_anonymous true\nlog_type all\n{extra}"
            ))
            .expect("configuration");
        let broker = builder.start().expect("start our broker");
        let port = broker.port(0).expect("the listener's port");
        Ours {
            broker: Some(broker),
            port,
            log,
        }
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// How many log lines contain `needle`.
    pub fn count(&self, needle: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(needle))
            .count()
    }

    /// Whether a log line with `needle` appears within the common time limit.
    pub fn wait_for_log(&self, needle: &str) -> bool {
        super::poll_until(TIMEOUT, || self.log().contains(needle).then_some(())).is_some()
    }

    #[track_caller]
    pub fn expect_log(&self, needle: &str, limit: Duration) {
        let found = super::poll_until(limit, || self.log().contains(needle).then_some(()));
        assert!(
            found.is_some(),
            "no log line with {needle:?}; log:\n{}",
            self.log()
        );
    }

    /// Stop as SIGTERM stops mosquitto (no DISCONNECT to anyone, bridges included).
    pub fn stop(&mut self) {
        if let Some(b) = self.broker.take() {
            b.stop();
        }
    }
}

impl Drop for Ours {
    fn drop(&mut self) {
        self.stop();
    }
}
