//! The client state machine: no sockets, no threads, no clock.
#![forbid(unsafe_code)]
