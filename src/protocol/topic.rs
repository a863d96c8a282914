//! Topic names and topic filters (MQTT 5.0 section 4.7, MQTT 3.1.1 section 4.7).
//!
//! A topic name is what a PUBLISH carries; a topic filter is what a SUBSCRIBE carries and may
//! hold the wildcards `+` (exactly one level) and `#` (this level and everything below it).
//! Levels are separated by `/` and may be empty.
//!
//! The checks here follow libmosquitto's utility functions to the letter, including their
//! corner cases (an empty topic is a valid topic name for the checkers but not for the
//! matcher, topics starting with `$` are only matched by filters starting with `$`, and the
//! matcher reports a malformed filter only when it reaches the malformed part).
//!
//! Topics are handled as bytes: the C API does not require UTF-8 here, and checking UTF-8 is
//! a separate step ([`crate::protocol::utf8`]).

/// The longest topic name or filter, in bytes (the length prefix of an MQTT string is 16 bits).
pub const MAX_TOPIC_LEN: usize = 65_535;

/// A topic name or topic filter that [`matches_sub`] cannot work with: empty, a topic name
/// holding a wildcard, or a filter whose wildcards do not occupy whole levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidTopic;

impl std::fmt::Display for InvalidTopic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("invalid topic name or topic filter")
    }
}

impl std::error::Error for InvalidTopic {}

const LEVEL_SEPARATOR: u8 = b'/';
const SINGLE_LEVEL: u8 = b'+';
const MULTI_LEVEL: u8 = b'#';

fn is_wildcard(byte: u8) -> bool {
    byte == SINGLE_LEVEL || byte == MULTI_LEVEL
}

/// True if `topic` may be published to: it holds no `+` or `#` and is at most
/// [`MAX_TOPIC_LEN`] bytes long. The empty topic passes (MQTT 5 uses it with topic aliases).
/// Every byte counts, a NUL included; UTF-8 is not checked.
pub fn is_valid_pub_topic(topic: &[u8]) -> bool {
    topic.len() <= MAX_TOPIC_LEN && !topic.iter().copied().any(is_wildcard)
}

/// True if `filter` may be subscribed to: a `+` or `#` must be a whole level on its own, a `#`
/// must be the last level, and the filter is at most [`MAX_TOPIC_LEN`] bytes long. The empty
/// filter passes. Every byte counts, a NUL included; UTF-8 is not checked.
pub fn is_valid_sub_filter(filter: &[u8]) -> bool {
    if filter.len() > MAX_TOPIC_LEN {
        return false;
    }
    filter.iter().enumerate().all(|(i, &byte)| {
        let starts_level = i == 0 || filter[i - 1] == LEVEL_SEPARATOR;
        let next = filter.get(i + 1).copied();
        match byte {
            SINGLE_LEVEL => starts_level && matches!(next, None | Some(LEVEL_SEPARATOR)),
            MULTI_LEVEL => starts_level && next.is_none(),
            _ => true,
        }
    })
}

/// The part of `bytes` before its first NUL (all of it if there is none): the matcher sees
/// its inputs as C strings would.
fn until_nul(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|&b| b == 0) {
        Some(end) => &bytes[..end],
        None => bytes,
    }
}

/// Whether the topic name `topic` matches the subscription `filter`, with the results of
/// `mosquitto_topic_matches_sub`.
///
/// For a valid filter and a valid topic name this is the matching of the specification:
/// `+` stands for exactly one level (an empty one too), `#` for the parent level and any
/// number of levels below it (`a/#` matches `a`), and a topic starting with `$` is matched
/// only by a filter starting with `$`.
///
/// Errors ([`InvalidTopic`]): either string is empty, the topic holds `+` or `#`, or the
/// filter has a wildcard that is not a level of its own or a `#` that is not last. These are
/// found while walking both strings, as libmosquitto does, so a mistake that lies beyond the
/// point where the match already failed (or succeeded through `#`) is not reported: for
/// example `a/b+` against `x` is `Ok(false)` and `#` against `a/+` is an error, but `$x/#`
/// against `+` is `Ok(false)` because the `$` rule decides first.
///
/// A NUL byte ends either input, as in C.
pub fn matches_sub(filter: &[u8], topic: &[u8]) -> Result<bool, InvalidTopic> {
    matches_sub_inner(filter, topic, None)
}

/// The client id and user name that stand in for `%c` and `%u` levels of a pattern.
#[derive(Debug, Clone, Copy, Default)]
pub struct Substitutes<'a> {
    pub client_id: Option<&'a [u8]>,
    pub username: Option<&'a [u8]>,
}

impl<'a> Substitutes<'a> {
    /// What replaces the pattern level `%c` or `%u` that starts at `pos` in `filter`, if a
    /// pattern level starts there. `Some(None)`: a pattern whose value is missing, empty or
    /// holds a wildcard, which matches nothing.
    fn at(&self, filter: &[u8], pos: usize) -> Option<Option<&'a [u8]>> {
        let starts_level = pos == 0 || filter[pos - 1] == LEVEL_SEPARATOR;
        let rest = &filter[pos..];
        if !starts_level || rest.len() < 2 || rest[0] != b'%' {
            return None;
        }
        if !matches!(rest.get(2), None | Some(&LEVEL_SEPARATOR)) {
            return None;
        }
        let value = match rest[1] {
            b'c' => self.client_id,
            b'u' => self.username,
            _ => return None,
        };
        Some(
            value
                .map(until_nul)
                .filter(|v| !v.is_empty() && !v.iter().copied().any(is_wildcard)),
        )
    }
}

/// [`matches_sub`] where a level of the filter that is exactly `%c` or `%u` stands for the
/// client id or the user name in `subst`, as `mosquitto_topic_matches_sub_with_pattern` does.
/// A pattern whose value is missing, empty or holds a wildcard matches nothing.
pub fn matches_sub_with_pattern(
    filter: &[u8],
    topic: &[u8],
    subst: Substitutes<'_>,
) -> Result<bool, InvalidTopic> {
    matches_sub_inner(filter, topic, Some(subst))
}

fn matches_sub_inner(
    filter: &[u8],
    topic: &[u8],
    subst: Option<Substitutes<'_>>,
) -> Result<bool, InvalidTopic> {
    let filter = until_nul(filter);
    let topic = until_nul(topic);
    if filter.is_empty() || topic.is_empty() {
        return Err(InvalidTopic);
    }
    // MQTT 5.0 section 4.7.2: wildcards at the start of a filter never match `$` topics.
    if (filter[0] == b'$') != (topic[0] == b'$') {
        return Ok(false);
    }

    let at = |s: &[u8], i: usize| s.get(i).copied();
    // `f` walks the filter, `t` the topic; `t` never passes the end of the topic.
    let (mut f, mut t) = (0usize, 0usize);
    while f < filter.len() {
        let mut substituted = false;
        if let Some(value) = subst.as_ref().and_then(|s| s.at(filter, f)) {
            if at(topic, t).is_some_and(is_wildcard) {
                return Err(InvalidTopic);
            }
            // The level of the topic must begin with the value.
            let Some(value) = value.filter(|v| topic[t..].starts_with(v)) else {
                return Ok(false);
            };
            f += 2;
            t += value.len();
            if t == topic.len() && (f == filter.len() || &filter[f..] == b"/#") {
                return Ok(true);
            }
            if f == filter.len() {
                return Ok(false);
            }
            substituted = true;
        }
        let fb = filter[f];
        let tb = at(topic, t);
        if !substituted && tb.is_some_and(is_wildcard) {
            return Err(InvalidTopic);
        }

        if tb == Some(fb) {
            // The same literal byte on both sides.
            if t + 1 == topic.len() && &filter[f + 1..] == b"/#" {
                // "a" against "a/#": the parent level of a multi-level wildcard.
                return Ok(true);
            }
            f += 1;
            t += 1;
            if f == filter.len() && t == topic.len() {
                return Ok(true);
            }
            if t == topic.len() && &filter[f..] == b"+" {
                // "a/" against "a/+": the last, empty, level matches `+`.
                return if filter[f - 1] == LEVEL_SEPARATOR {
                    Ok(true)
                } else {
                    Err(InvalidTopic)
                };
            }
            continue;
        }

        let starts_level = f == 0 || filter[f - 1] == LEVEL_SEPARATOR;
        match fb {
            SINGLE_LEVEL => {
                if !starts_level || !matches!(at(filter, f + 1), None | Some(LEVEL_SEPARATOR)) {
                    return Err(InvalidTopic);
                }
                f += 1;
                // Consume one topic level, whatever it holds.
                while let Some(b) = at(topic, t).filter(|&b| b != LEVEL_SEPARATOR) {
                    if is_wildcard(b) {
                        return Err(InvalidTopic);
                    }
                    t += 1;
                }
                if f == filter.len() && t == topic.len() {
                    return Ok(true);
                }
            }
            MULTI_LEVEL => {
                if !starts_level || f + 1 != filter.len() || topic[t..].iter().copied().any(is_wildcard) {
                    return Err(InvalidTopic);
                }
                return Ok(true);
            }
            _ => return no_match_rest(filter, f, topic, t),
        }
    }

    // The filter is used up but the topic is not (or ended in a way no rule above accepted).
    if topic[t..].iter().copied().any(is_wildcard) {
        return Err(InvalidTopic);
    }
    Ok(false)
}

/// The end of a walk at a literal byte of the filter that the topic (or subscription) does
/// not have at the same place: a match only in the "a/b" against "a/+/#" case, otherwise no
/// match, unless a `#` before the end of the filter's rest makes it invalid.
fn no_match_rest(filter: &[u8], f: usize, other: &[u8], t: usize) -> Result<bool, InvalidTopic> {
    // "a/b" against "a/+/#": the topic ended right after the level taken by `+`.
    if t == other.len() && f > 0 && filter[f - 1] == SINGLE_LEVEL && filter[f..].starts_with(b"/#") {
        return Ok(true);
    }
    let rest = &filter[f..];
    let misplaced_hash = rest
        .iter()
        .enumerate()
        .any(|(i, &b)| b == MULTI_LEVEL && i + 1 < rest.len());
    if misplaced_hash {
        Err(InvalidTopic)
    } else {
        Ok(false)
    }
}

/// Whether the subscription `sub` (a topic filter, wildcards allowed) is covered by the ACL
/// topic filter `acl`, as `mosquitto_sub_matches_acl` decides it: every topic the subscription
/// can match must be matched by the ACL. A `+` of the ACL covers any one level of the
/// subscription except `#`, a `#` of the ACL covers the rest, and any other byte must be the
/// same in both (wildcards of the subscription are compared as bytes there). With `subst`,
/// ACL levels that are exactly `%c` or `%u` stand for the client id or user name
/// (`mosquitto_sub_matches_acl_with_pattern`).
///
/// Errors: either string is empty, or the ACL has a misplaced wildcard met while walking.
pub fn sub_matches_acl(acl: &[u8], sub: &[u8], subst: Option<Substitutes<'_>>) -> Result<bool, InvalidTopic> {
    let acl = until_nul(acl);
    let sub = until_nul(sub);
    if acl.is_empty() || sub.is_empty() {
        return Err(InvalidTopic);
    }
    if (acl[0] == b'$') != (sub[0] == b'$') {
        return Ok(false);
    }
    let at = |s: &[u8], i: usize| s.get(i).copied();
    let (mut a, mut s) = (0usize, 0usize);
    while a < acl.len() {
        if let Some(value) = subst.as_ref().and_then(|x| x.at(acl, a)) {
            let Some(value) = value.filter(|v| sub[s..].starts_with(v)) else {
                return Ok(false);
            };
            a += 2;
            s += value.len();
            if s == sub.len() && (a == acl.len() || &acl[a..] == b"/#") {
                return Ok(true);
            }
            if a == acl.len() {
                return Ok(false);
            }
        }
        let ab = acl[a];
        let sb = at(sub, s);
        if sb == Some(ab) {
            if s + 1 == sub.len() && &acl[a + 1..] == b"/#" {
                return Ok(true);
            }
            a += 1;
            s += 1;
            if a == acl.len() && s == sub.len() {
                return Ok(true);
            }
            if s == sub.len() && &acl[a..] == b"+" {
                return if acl[a - 1] == LEVEL_SEPARATOR {
                    Ok(true)
                } else {
                    Err(InvalidTopic)
                };
            }
            continue;
        }
        let starts_level = a == 0 || acl[a - 1] == LEVEL_SEPARATOR;
        match ab {
            SINGLE_LEVEL => {
                if sb == Some(MULTI_LEVEL) {
                    // One level cannot cover any number of levels.
                    return Ok(false);
                }
                if !starts_level || !matches!(at(acl, a + 1), None | Some(LEVEL_SEPARATOR)) {
                    return Err(InvalidTopic);
                }
                a += 1;
                while at(sub, s).is_some_and(|b| b != LEVEL_SEPARATOR) {
                    s += 1;
                }
                if a == acl.len() && s == sub.len() {
                    return Ok(true);
                }
            }
            MULTI_LEVEL => {
                if !starts_level || a + 1 != acl.len() {
                    return Err(InvalidTopic);
                }
                return Ok(true);
            }
            _ => return no_match_rest(acl, a, sub, s),
        }
    }
    Ok(s == sub.len())
}

/// Split a topic name or filter into its levels, an empty level giving `None`, as
/// `mosquitto_sub_topic_tokenise` does: `"/a//b/"` gives `[None, Some("a"), None, Some("b"),
/// None]`, and the empty string gives one empty level. There are always one more levels than
/// there are `/`.
pub fn tokenise(topic: &str) -> Vec<Option<&str>> {
    topic
        .split('/')
        .map(|level| (!level.is_empty()).then_some(level))
        .collect()
}

/// [`tokenise`] for byte strings that need not be UTF-8.
pub fn tokenise_bytes(topic: &[u8]) -> Vec<Option<&[u8]>> {
    topic
        .split(|&b| b == LEVEL_SEPARATOR)
        .map(|level| (!level.is_empty()).then_some(level))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pub_topic_checks() {
        for ok in ["", "a", "/", "a/b/c", "$SYS/broker", "a b", "caf\u{e9}", "//"] {
            assert!(is_valid_pub_topic(ok.as_bytes()), "{ok:?}");
        }
        for bad in ["+", "#", "a/+", "a/#", "a+", "#a", "a/b+/c", "+/#"] {
            assert!(!is_valid_pub_topic(bad.as_bytes()), "{bad:?}");
        }
        // Bytes are not interpreted: invalid UTF-8 and NUL pass.
        assert!(is_valid_pub_topic(b"a\x80"));
        assert!(is_valid_pub_topic(b"a\0b"));
        assert!(!is_valid_pub_topic(b"a\0+"));
    }

    #[test]
    fn sub_filter_checks() {
        for ok in [
            "", "a", "/", "#", "+", "+/+", "/+", "+/", "a/+", "a/#", "+/#", "a/+/b", "/#", "$SYS/#", "//",
            "a//+//#",
        ] {
            assert!(is_valid_sub_filter(ok.as_bytes()), "{ok:?}");
        }
        for bad in [
            "a+", "+a", "a/b+/c", "a/#/b", "#/", "#a", "a#", "++", "##", "a/++/b", "#/a", "a/+b", "a/#/",
        ] {
            assert!(!is_valid_sub_filter(bad.as_bytes()), "{bad:?}");
        }
    }

    #[test]
    fn length_limit() {
        let max = vec![b'a'; MAX_TOPIC_LEN];
        let over = vec![b'a'; MAX_TOPIC_LEN + 1];
        assert!(is_valid_pub_topic(&max));
        assert!(is_valid_sub_filter(&max));
        assert!(!is_valid_pub_topic(&over));
        assert!(!is_valid_sub_filter(&over));
    }

    const E: Result<bool, InvalidTopic> = Err(InvalidTopic);
    const T: Result<bool, InvalidTopic> = Ok(true);
    const F: Result<bool, InvalidTopic> = Ok(false);

    fn check(cases: &[(&str, &str, Result<bool, InvalidTopic>)]) {
        for &(filter, topic, expected) in cases {
            assert_eq!(
                matches_sub(filter.as_bytes(), topic.as_bytes()),
                expected,
                "filter {filter:?} topic {topic:?}"
            );
        }
    }

    #[test]
    fn matching_plain_filters() {
        check(&[
            ("a/b/c", "a/b/c", T),
            ("a/b/c", "a/b", F),
            ("a/b", "a/b/c", F),
            ("a/b/c", "a/b/d", F),
            ("foo//bar", "foo//bar", T),
            ("/", "/", T),
            ("/a", "a", F),
            ("a", "a/", F),
            ("$foo", "$foo", T),
            ("$", "$", T),
            ("foo", "bar", F),
        ]);
    }

    #[test]
    fn matching_single_level_wildcard() {
        check(&[
            ("+", "foo", T),
            ("+", "/", F),
            ("+", "foo/bar", F),
            ("foo/+", "foo/bar", T),
            ("foo/+", "foo/", T),
            ("foo/+", "foo", F),
            ("foo/+", "foo/bar/baz", F),
            ("+/+", "/", T),
            ("+/+", "/foo", T),
            ("+/+", "foo/", T),
            ("/+", "/", T),
            ("+/", "/", T),
            ("+/", "foo/", T),
            ("foo/+/bar", "foo//bar", T),
            ("foo/+/bar", "foo/x/bar", T),
            ("foo/+/bar", "foo/x/baz", F),
        ]);
    }

    #[test]
    fn matching_multi_level_wildcard() {
        check(&[
            ("#", "foo", T),
            ("#", "/", T),
            ("#", "foo/bar/baz", T),
            ("foo/#", "foo", T),
            ("foo/#", "foo/", T),
            ("foo/#", "foo/bar/baz", T),
            ("foo/#", "foobar", F),
            ("foo/bar/#", "foo/bar", T),
            ("foo/bar/#", "foo", F),
            ("/#", "/foo", T),
            ("/#", "foo", F),
            ("+/#", "foo", T),
            ("+/#", "/", T),
            ("foo/+/#", "foo/bar", T),
            ("foo/+/#", "foo/", T),
            ("foo/+/#", "foo", F),
            ("a/b/c/#", "a/b/c", T),
        ]);
    }

    #[test]
    fn dollar_topics() {
        check(&[
            ("#", "$SYS", F),
            ("#", "$SYS/x", F),
            ("+/x", "$SYS/x", F),
            ("$SYS/#", "$SYS", T),
            ("$SYS/#", "$SYS/x/y", T),
            ("$SYS/+", "$SYS/x", T),
            ("$SYS/#", "foo", F),
            ("$", "foo", F),
            // The `$` rule comes before any other check.
            ("$SYS/#", "+", F),
            ("#", "$+", F),
        ]);
    }

    #[test]
    fn matching_errors() {
        check(&[
            ("", "a", E),
            ("a", "", E),
            ("", "", E),
            // Wildcards in the topic.
            ("#", "+", E),
            ("#", "foo/#", E),
            ("+", "+", E),
            ("foo/+", "foo/+", E),
            ("foo/#", "foo/#", E),
            ("a/b/c", "#", E),
            ("a", "a/+", E),
            // Malformed filters, met while matching.
            ("#/a", "foo", E),
            ("a/#/b", "a/b/c", E),
            ("a/#/b", "x", E),
            ("+foo", "foo", E),
            ("foo+", "foo", E),
            ("foo#", "foo", E),
            ("a/b#", "a/b", E),
            ("a/+b", "a/b", E),
            ("++", "a", E),
            ("a/++/b", "a/b", E),
            ("#/", "a", E),
            ("a/#/", "foo", E),
        ]);
    }

    #[test]
    fn malformed_filter_beyond_the_mismatch_is_not_reported() {
        check(&[
            ("foo+", "bar", F),
            ("foo+", "a/b", F),
            ("a/b#", "foo", F),
            ("a/+b", "foo", F),
            ("a/+b", "a/b/c", E),
            // The "+/#" shortcut does not look past the `#`.
            ("foo/+/#x", "foo/bar", T),
            // A wildcard in the topic after a failed match is not reported either.
            ("a", "b/+", F),
        ]);
    }

    #[test]
    fn nul_ends_the_inputs() {
        assert_eq!(matches_sub(b"a\0b", b"a"), T);
        assert_eq!(matches_sub(b"a", b"a\0+"), T);
        assert_eq!(matches_sub(b"\0a", b"a"), E);
    }

    #[test]
    fn valid_inputs_agree_with_a_level_by_level_matcher() {
        // A straightforward matcher for valid filters and topics, for cross-checking.
        fn reference(filter: &str, topic: &str) -> bool {
            if filter.starts_with('$') != topic.starts_with('$') {
                return false;
            }
            let f: Vec<&str> = filter.split('/').collect();
            let t: Vec<&str> = topic.split('/').collect();
            for (i, level) in f.iter().enumerate() {
                match *level {
                    "#" => return true,
                    "+" if i < t.len() => {}
                    _ if t.get(i) == Some(level) => {}
                    _ => return false,
                }
            }
            f.len() == t.len()
        }
        let alphabet = ["a", "b", "/", "+", "#", "$"];
        let mut strings = vec![String::new()];
        for _ in 0..4 {
            let next: Vec<String> = strings
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(next);
        }
        strings.sort();
        strings.dedup();
        let filters: Vec<&String> = strings
            .iter()
            .filter(|s| !s.is_empty() && is_valid_sub_filter(s.as_bytes()))
            .collect();
        let topics: Vec<&String> = strings
            .iter()
            .filter(|s| !s.is_empty() && is_valid_pub_topic(s.as_bytes()))
            .collect();
        for filter in &filters {
            for topic in &topics {
                assert_eq!(
                    matches_sub(filter.as_bytes(), topic.as_bytes()),
                    Ok(reference(filter, topic)),
                    "filter {filter:?} topic {topic:?}"
                );
            }
        }
    }

    fn pattern(
        filter: &str,
        topic: &str,
        id: Option<&str>,
        user: Option<&str>,
    ) -> Result<bool, InvalidTopic> {
        let subst = Substitutes {
            client_id: id.map(str::as_bytes),
            username: user.map(str::as_bytes),
        };
        matches_sub_with_pattern(filter.as_bytes(), topic.as_bytes(), subst)
    }

    #[test]
    fn matching_with_patterns() {
        let k = Some("kitchen");
        let b = Some("bathroom");
        assert_eq!(
            pattern("sensors/%c/temperature", "sensors/kitchen/temperature", k, None),
            T
        );
        assert_eq!(
            pattern("sensors/%c/temperature", "sensors/bathroom/temperature", k, None),
            F
        );
        assert_eq!(
            pattern(
                "sensors/%count/temperature",
                "sensors/kitchen/temperature",
                k,
                None
            ),
            F
        );
        assert_eq!(
            pattern("%c/%c/%u/%u", "kitchen/kitchen/bathroom/bathroom", k, b),
            T
        );
        assert_eq!(pattern("%c/%c/%u/%u", "kitchen/kitchen/bathroom/bath", k, b), F);
        // A missing or empty value, or one with wildcards, matches nothing.
        assert_eq!(pattern("a/%c", "a/x", None, None), F);
        assert_eq!(pattern("a/%c", "a/", Some(""), None), F);
        assert_eq!(pattern("a/%u", "a/+", None, Some("+")), E);
        assert_eq!(pattern("a/%u", "a/x", None, Some("x+")), F);
        // The value must be the whole level.
        assert_eq!(pattern("a/%c", "a/kitchens", k, None), F);
        assert_eq!(pattern("a/%c/b", "a/kitchens/b", k, None), F);
        assert_eq!(pattern("a/%c/b", "a/kit", k, None), F);
        // With `#` after the pattern, the parent level matches too.
        assert_eq!(pattern("a/%c/#", "a/kitchen", k, None), T);
        assert_eq!(pattern("a/%c/#", "a/kitchen/x/y", k, None), T);
        assert_eq!(pattern("%c/+", "kitchen/x", k, None), T);
        // Without patterns, `%c` is an ordinary level.
        assert_eq!(matches_sub(b"a/%c", b"a/%c"), T);
        assert_eq!(pattern("a/%c", "a/%c", Some("%c"), None), T);
        // The plain rules still hold.
        assert_eq!(pattern("a/+", "a/+", k, None), E);
        assert_eq!(pattern("#", "$SYS", k, None), F);
    }

    fn acl(acl: &str, sub: &str) -> Result<bool, InvalidTopic> {
        sub_matches_acl(acl.as_bytes(), sub.as_bytes(), None)
    }

    #[test]
    fn subscriptions_against_acls() {
        assert_eq!(acl("$SYS/#", "$SYS/broker/#"), T);
        assert_eq!(acl("$SYS/broker/uptime", "$SYS/broker/#"), F);
        assert_eq!(acl("a/+", "a/b"), T);
        assert_eq!(acl("a/+", "a/+"), T);
        assert_eq!(acl("a/+", "a/#"), F);
        assert_eq!(acl("a/#", "a/+/c"), T);
        assert_eq!(acl("a/#", "a"), T);
        assert_eq!(acl("+/b", "x/b"), T);
        assert_eq!(acl("a/b", "a/+"), F);
        assert_eq!(acl("a/b", "a/b"), T);
        assert_eq!(acl("a/b", "a/bc"), F);
        assert_eq!(acl("#", "$SYS/#"), F);
        assert_eq!(acl("#", "a/#"), T);
        assert_eq!(acl("a/+/#", "a/b"), T);
        assert_eq!(acl("", "a"), E);
        assert_eq!(acl("a", ""), E);
        assert_eq!(acl("a#", "ab"), E);
        assert_eq!(acl("a/#/b", "a/x"), E);
        let subst = Substitutes {
            client_id: Some(b"kitchen"),
            username: Some(b"bathroom"),
        };
        let with = |a: &str, s: &str| sub_matches_acl(a.as_bytes(), s.as_bytes(), Some(subst));
        assert_eq!(with("sensors/%c/+", "sensors/kitchen/temperature"), T);
        assert_eq!(with("sensors/%c/+", "sensors/bathroom/temperature"), F);
        assert_eq!(with("sensors/%count/+", "sensors/kitchen/temperature"), F);
        assert_eq!(with("%c/%c/%u/+", "kitchen/kitchen/bathroom/bathroom"), T);
        assert_eq!(with("%u/#", "bathroom"), T);
    }

    #[test]
    fn tokenising() {
        assert_eq!(tokenise(""), vec![None]);
        assert_eq!(tokenise("a"), vec![Some("a")]);
        assert_eq!(tokenise("/"), vec![None, None]);
        assert_eq!(tokenise("a/b"), vec![Some("a"), Some("b")]);
        assert_eq!(
            tokenise("/a///hierarchy/"),
            vec![None, Some("a"), None, None, Some("hierarchy"), None]
        );
        assert_eq!(tokenise("+/#"), vec![Some("+"), Some("#")]);
        assert_eq!(tokenise_bytes(b"\xff/"), vec![Some(&b"\xff"[..]), None]);
        assert_eq!(tokenise_bytes(b""), vec![None]);
    }
}
