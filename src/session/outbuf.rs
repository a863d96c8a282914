//! The queue of encoded bytes waiting for the socket.
//!
//! Packets are appended whole; the transport writes from the front and reports how much it wrote.
//! A few packets need to be told when their last byte has left (a QoS 0 PUBLISH fires the publish
//! callback then, a DISCONNECT closes the connection), so their end offsets are remembered.

use std::collections::VecDeque;

/// What to do once a packet has been written completely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Completion {
    /// A QoS 0 PUBLISH with this message id.
    Qos0Publish(u16),
    /// DISCONNECT: close the connection.
    Disconnect,
}

/// Pending output.
#[derive(Debug, Default)]
pub(crate) struct OutBuf {
    buf: Vec<u8>,
    /// Bytes of `buf` already written.
    start: usize,
    /// End offsets (into `buf`) of packets that need a completion, in order.
    marks: VecDeque<(usize, Completion)>,
    /// Whether any byte was written since the last call to [`OutBuf::take_wrote_any`].
    wrote_any: bool,
}

impl OutBuf {
    /// The bytes still to be written.
    pub(crate) fn pending(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.start == self.buf.len()
    }

    /// The vector to append one whole packet to. Call [`OutBuf::mark`] right after appending a
    /// packet that needs a completion.
    pub(crate) fn writer(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    /// Remember that the packet just appended needs `completion` once written.
    pub(crate) fn mark(&mut self, completion: Completion) {
        self.marks.push_back((self.buf.len(), completion));
    }

    /// Record that `n` more bytes were written; completions now due are appended to `done`.
    pub(crate) fn consume(&mut self, n: usize, done: &mut Vec<Completion>) {
        let n = n.min(self.buf.len() - self.start);
        if n == 0 {
            return;
        }
        self.start += n;
        self.wrote_any = true;
        while let Some(&(end, completion)) = self.marks.front() {
            if end > self.start {
                break;
            }
            self.marks.pop_front();
            done.push(completion);
        }
        if self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        } else if self.start >= 64 * 1024 && self.start * 2 >= self.buf.len() {
            // Keep the buffer from growing without bound under a steady partial-write load.
            let start = self.start;
            self.buf.drain(..start);
            self.start = 0;
            for mark in &mut self.marks {
                mark.0 -= start;
            }
        }
    }

    /// True (once) if any byte was written since the last call.
    pub(crate) fn take_wrote_any(&mut self) -> bool {
        std::mem::take(&mut self.wrote_any)
    }

    /// Drop everything (the connection is gone); the completions still due never happen.
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.start = 0;
        self.wrote_any = false;
        self.marks.clear();
    }

    /// Shrink the allocation if a burst left it large and it is now idle.
    pub(crate) fn shrink_if_idle(&mut self) {
        if self.is_empty() && self.buf.capacity() > 1024 * 1024 {
            self.buf = Vec::new();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_fire_when_their_last_byte_is_written() {
        let mut out = OutBuf::default();
        out.writer().extend_from_slice(&[1, 2, 3]);
        out.mark(Completion::Qos0Publish(7));
        out.writer().extend_from_slice(&[4, 5]);
        out.writer().extend_from_slice(&[0xe0, 0]);
        out.mark(Completion::Disconnect);
        let mut done = Vec::new();
        out.consume(2, &mut done);
        assert!(done.is_empty());
        assert_eq!(out.pending(), &[3, 4, 5, 0xe0, 0]);
        out.consume(1, &mut done);
        assert_eq!(done, vec![Completion::Qos0Publish(7)]);
        out.consume(3, &mut done);
        assert_eq!(done.len(), 1);
        out.consume(10, &mut done);
        assert_eq!(done, vec![Completion::Qos0Publish(7), Completion::Disconnect]);
        assert!(out.is_empty());
        assert!(out.take_wrote_any());
        assert!(!out.take_wrote_any());
    }

    #[test]
    fn compaction_keeps_marks_aligned() {
        let mut out = OutBuf::default();
        out.writer().resize(100_000, 0);
        out.mark(Completion::Qos0Publish(1));
        out.writer().resize(150_000, 0);
        out.mark(Completion::Qos0Publish(2));
        let mut done = Vec::new();
        out.consume(90_000, &mut done);
        assert!(done.is_empty());
        assert_eq!(out.pending().len(), 60_000);
        out.consume(10_000, &mut done);
        assert_eq!(done, vec![Completion::Qos0Publish(1)]);
        out.consume(50_000, &mut done);
        assert_eq!(done, vec![Completion::Qos0Publish(1), Completion::Qos0Publish(2)]);
    }
}
