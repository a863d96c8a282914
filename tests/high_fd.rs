//! File descriptors above FD_SETSIZE (1024) work: the network wait uses poll/epoll, never
//! select. (A test binary of its own, because it holds a thousand descriptors open.)

mod common;

use std::fs::File;
use std::time::Duration;

use common::client::{Client, connects, messages_on};
use common::consts::*;
use common::{Broker, unique_topic};

const TIMEOUT: Duration = Duration::from_secs(10);

#[test]
fn sockets_above_fd_setsize_work() {
    // Make sure the process may open enough files, then use up the low descriptor numbers.
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid rlimit to fill in.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) }, 0);
    if limit.rlim_cur < 2048 && limit.rlim_max >= 2048 {
        let raised = libc::rlimit {
            rlim_cur: 2048,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: a valid rlimit within the hard limit.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) }, 0);
    }
    let broker = Broker::start();
    let mut hold = Vec::new();
    while hold.len() < 1100 {
        hold.push(File::open("/dev/null").expect("open /dev/null"));
    }
    let topic = unique_topic("high-fd");
    let c = Client::new(None, true);
    assert_eq!(c.connect("127.0.0.1", broker.port, 60), MOSQ_ERR_SUCCESS);
    let fd = c.socket();
    assert!(
        fd > 1024,
        "the client's socket should be above FD_SETSIZE, got {fd}"
    );
    c.pump_for("CONNACK", TIMEOUT, |ev| (!connects(ev).is_empty()).then_some(()));
    assert_eq!(connects(&c.rec.events()), vec![0]);
    assert_eq!(c.subscribe(&topic, 1).0, MOSQ_ERR_SUCCESS);
    c.pump_for("SUBACK", TIMEOUT, |ev| {
        ev.iter()
            .any(|e| matches!(e, common::client::Event::Subscribe(..)))
            .then_some(())
    });
    assert_eq!(c.publish(&topic, b"high", 1, false).0, MOSQ_ERR_SUCCESS);
    let got = c.pump_for("the message", TIMEOUT, |ev| {
        let m = messages_on(ev, &topic);
        (!m.is_empty()).then_some(m)
    });
    assert_eq!(got[0].payload, b"high");
    assert_eq!(c.disconnect(), MOSQ_ERR_SUCCESS);
    drop(hold);
}
