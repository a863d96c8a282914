//! Keepalive: when to send PINGREQ and when to give up on a silent server.

use super::*;

impl Session {
    // ---------------------------------------------------------------------------------------
    // Keepalive

    /// When [`Session::handle_timeout`] next has something to do.
    pub(crate) fn next_timeout(&self) -> Option<Instant> {
        if self.keepalive == 0 || !self.has_socket {
            return None;
        }
        let k = Duration::from_secs(u64::from(self.keepalive));
        let a = self.next_msg_out?;
        let b = self.last_msg_in? + k;
        Some(a.min(b))
    }

    /// The keepalive check: send PINGREQ when due, or give up when the server stayed silent.
    pub(crate) fn handle_timeout(&mut self, now: Instant) -> Result<(), DisconnectCause> {
        let Some(deadline) = self.next_timeout() else {
            return Ok(());
        };
        if now < deadline {
            return Ok(());
        }
        if self.state == State::Active && self.ping_sent.is_none() {
            self.log(LogLevel::Debug, |s| {
                format!("Client {} sending PINGREQ", s.id_for_log())
            });
            Packet::Pingreq.encode(self.opts.protocol, self.out.writer());
            self.ping_sent = Some(now);
            self.last_msg_in = Some(now);
            self.next_msg_out = Some(now + Duration::from_secs(u64::from(self.keepalive)));
            Ok(())
        } else {
            Err(DisconnectCause::Error(Error::Keepalive))
        }
    }
}
