//! Differential tests of the broker: the same scripted raw-packet clients against Debian's
//! mosquitto and against ours, each started by the test with the same configuration on a
//! free loopback port, comparing every byte that comes back.
//!
//! Where mosquitto 2.0.20 (which this broker follows) behaves differently from Debian's
//! 2.0.11, the test states both transcripts; where this broker differs on purpose, the test
//! states ours and says why.

#![allow(unreachable_pub, dead_code)]

mod common;

#[path = "broker_differential/bad_input.rs"]
mod bad_input;
#[path = "broker_differential/connect.rs"]
mod connect;
#[path = "broker_differential/errors.rs"]
mod errors;
#[path = "broker_differential/flows.rs"]
mod flows;
#[path = "broker_differential/harness.rs"]
mod harness;
#[path = "broker_differential/options.rs"]
mod options;
#[path = "broker_differential/packets.rs"]
mod packets;
#[path = "broker_differential/publish.rs"]
mod publish;
#[path = "broker_differential/retain_will.rs"]
mod retain_will;
#[path = "broker_differential/subscribe.rs"]
mod subscribe;
