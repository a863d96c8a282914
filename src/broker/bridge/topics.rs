//! A bridge's `topic` lines: the filters it subscribes to on each side, and how a topic is
//! rewritten on its way across (the local prefix swapped for the remote one and back).

use crate::broker::config::{BridgeDirection, BridgeTopic};
use crate::protocol::topic;

/// One `topic` line, with its full filter on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Mapping {
    pub(super) direction: BridgeDirection,
    pub(super) qos: u8,
    pub(super) local_prefix: Option<String>,
    pub(super) remote_prefix: Option<String>,
    /// The filter on this broker: the local prefix and the pattern (the prefix alone for `""`).
    pub(super) local_topic: String,
    /// The filter on the remote broker.
    pub(super) remote_topic: String,
}

impl Mapping {
    pub(super) fn new(t: &BridgeTopic) -> Self {
        let full = |prefix: &Option<String>| {
            let mut s = prefix.clone().unwrap_or_default();
            if let Some(p) = &t.pattern {
                s.push_str(p);
            }
            s
        };
        Self {
            direction: t.direction,
            qos: t.qos,
            local_prefix: t.local_prefix.clone(),
            remote_prefix: t.remote_prefix.clone(),
            local_topic: full(&t.local_prefix),
            remote_topic: full(&t.remote_prefix),
        }
    }

    /// Messages travel from this broker to the remote one.
    pub(super) fn outgoing(&self) -> bool {
        matches!(self.direction, BridgeDirection::Out | BridgeDirection::Both)
    }

    /// Messages travel from the remote broker to this one.
    pub(super) fn incoming(&self) -> bool {
        matches!(self.direction, BridgeDirection::In | BridgeDirection::Both)
    }

    fn remaps(&self) -> bool {
        self.local_prefix.is_some() || self.remote_prefix.is_some()
    }
}

/// Swap `from` for `to` at the start of `topic`.
fn swap_prefix(topic: &str, from: Option<&str>, to: Option<&str>) -> String {
    let rest = match from {
        Some(p) => topic.strip_prefix(p).unwrap_or(topic),
        None => topic,
    };
    match to {
        Some(p) => format!("{p}{rest}"),
        None => rest.to_owned(),
    }
}

/// The remote topic of a local message: the first outgoing line with a prefix whose local
/// filter matches rewrites it; otherwise it crosses unchanged.
pub(super) fn to_remote(mappings: &[Mapping], local: &str) -> String {
    for m in mappings.iter().filter(|m| m.outgoing() && m.remaps()) {
        if topic::matches_sub(m.local_topic.as_bytes(), local.as_bytes()) == Ok(true) {
            return swap_prefix(local, m.local_prefix.as_deref(), m.remote_prefix.as_deref());
        }
    }
    local.to_owned()
}

/// The local topic of a remote message: the first incoming line with a prefix whose remote
/// filter matches rewrites it; otherwise it crosses unchanged.
pub(super) fn to_local(mappings: &[Mapping], remote: &str) -> String {
    for m in mappings.iter().filter(|m| m.incoming() && m.remaps()) {
        if topic::matches_sub(m.remote_topic.as_bytes(), remote.as_bytes()) == Ok(true) {
            return swap_prefix(remote, m.remote_prefix.as_deref(), m.local_prefix.as_deref());
        }
    }
    remote.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(
        pattern: Option<&str>,
        direction: BridgeDirection,
        local: Option<&str>,
        remote: Option<&str>,
    ) -> Mapping {
        Mapping::new(&BridgeTopic {
            pattern: pattern.map(str::to_owned),
            direction,
            qos: 1,
            local_prefix: local.map(str::to_owned),
            remote_prefix: remote.map(str::to_owned),
        })
    }

    #[test]
    fn full_topics_follow_the_table_of_the_manual() {
        use BridgeDirection::Both;
        let m = line(Some("pattern"), Both, Some("L/"), Some("R/"));
        assert_eq!(
            (m.local_topic.as_str(), m.remote_topic.as_str()),
            ("L/pattern", "R/pattern")
        );
        let m = line(Some("pattern"), Both, Some("L/"), None);
        assert_eq!(
            (m.local_topic.as_str(), m.remote_topic.as_str()),
            ("L/pattern", "pattern")
        );
        let m = line(Some("pattern"), Both, None, Some("R/"));
        assert_eq!(
            (m.local_topic.as_str(), m.remote_topic.as_str()),
            ("pattern", "R/pattern")
        );
        let m = line(Some("pattern"), Both, None, None);
        assert_eq!(
            (m.local_topic.as_str(), m.remote_topic.as_str()),
            ("pattern", "pattern")
        );
        let m = line(None, Both, Some("local"), Some("remote"));
        assert_eq!(
            (m.local_topic.as_str(), m.remote_topic.as_str()),
            ("local", "remote")
        );
    }

    #[test]
    fn topics_are_rewritten_both_ways() {
        use BridgeDirection::{Both, In, Out};
        let lines = vec![
            line(Some("a/#"), Out, Some("L/"), Some("R/")),
            line(Some("b/#"), In, Some("L/"), Some("R/")),
            line(Some("c/#"), Both, None, Some("R/")),
            line(None, Both, Some("here/x"), Some("there/y")),
            line(Some("plain/#"), Both, None, None),
        ];
        assert_eq!(to_remote(&lines, "L/a/1"), "R/a/1");
        assert_eq!(to_local(&lines, "R/b/2"), "L/b/2");
        // An "in" line does not rewrite outgoing messages, nor an "out" line incoming ones.
        assert_eq!(to_remote(&lines, "L/b/2"), "L/b/2");
        assert_eq!(to_local(&lines, "R/a/1"), "R/a/1");
        assert_eq!(to_remote(&lines, "c/3"), "R/c/3");
        assert_eq!(to_local(&lines, "R/c/3"), "c/3");
        assert_eq!(to_remote(&lines, "here/x"), "there/y");
        assert_eq!(to_local(&lines, "there/y"), "here/x");
        assert_eq!(to_remote(&lines, "plain/z"), "plain/z");
        assert_eq!(to_local(&lines, "other"), "other");
    }

    #[test]
    fn the_first_matching_line_wins() {
        use BridgeDirection::Out;
        let lines = vec![
            line(Some("a/b"), Out, None, Some("first/")),
            line(Some("a/#"), Out, None, Some("second/")),
        ];
        assert_eq!(to_remote(&lines, "a/b"), "first/a/b");
        assert_eq!(to_remote(&lines, "a/c"), "second/a/c");
    }
}
