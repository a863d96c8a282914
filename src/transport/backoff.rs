//! The reconnect delay of `mosquitto_reconnect_delay_set`.

/// Reconnect delay settings, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub delay: u32,
    pub delay_max: u32,
    pub exponential: bool,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            delay: 1,
            delay_max: 1,
            exponential: false,
        }
    }
}

impl Backoff {
    /// The delay before reconnect attempt number `reconnects` (0-based), and whether the attempt
    /// counter should advance (it stops once the delay reached the maximum).
    pub fn delay_for(&self, reconnects: u32) -> (u64, bool) {
        let n = u64::from(reconnects);
        let delay = u64::from(self.delay);
        let max = u64::from(self.delay_max);
        let d = if max > delay {
            if self.exponential {
                delay.saturating_mul((n + 1).saturating_mul(n + 1))
            } else {
                delay.saturating_mul(n + 1)
            }
        } else {
            delay
        };
        if d > max { (max, false) } else { (d, true) }
    }
}

#[cfg(test)]
mod tests {
    use super::Backoff;

    #[test]
    fn linear_and_exponential_delays_are_capped() {
        let b = Backoff {
            delay: 2,
            delay_max: 10,
            exponential: false,
        };
        let seq: Vec<u64> = (0..6).map(|n| b.delay_for(n).0).collect();
        assert_eq!(seq, vec![2, 4, 6, 8, 10, 10]);
        assert!(!b.delay_for(5).1);
        let b = Backoff {
            delay: 1,
            delay_max: 30,
            exponential: true,
        };
        let seq: Vec<u64> = (0..7).map(|n| b.delay_for(n).0).collect();
        assert_eq!(seq, vec![1, 4, 9, 16, 25, 30, 30]);
        let b = Backoff::default();
        assert_eq!(b.delay_for(100), (1, true));
    }
}
