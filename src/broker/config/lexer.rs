//! The byte-level syntax of a configuration file: lines, tokens and value conversions.
//!
//! The rules are mosquitto's, including the odd ones: a comment needs `#` as the very first byte
//! of the line, tokens are separated by the space character only (a tab is part of a token),
//! integers are read like C's `atoi` (leading digits only, junk reads as 0), and a string value
//! is the rest of the line after the separator that ended the keyword, trimmed.

/// The lines of `text` that carry a directive, each with its 1-based line number and with its
/// end-of-line bytes removed. Lines starting with `#`, CR or LF are skipped, and a line is cut
/// at its first NUL byte (the file is read as C strings).
pub(super) fn directive_lines(text: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    text.split_inclusive(|&b| b == b'\n')
        .enumerate()
        .filter_map(|(index, raw)| {
            let raw = raw.split(|&b| b == 0).next().unwrap_or_default();
            match raw.first() {
                None | Some(b'#' | b'\n' | b'\r') => None,
                Some(_) => {
                    let end = raw
                        .iter()
                        .rposition(|&b| b != b'\n' && b != b'\r')
                        .map_or(0, |p| p + 1);
                    Some((index + 1, raw.get(..end).unwrap_or_default()))
                }
            }
        })
}

/// Reads a line the way `strtok_r` with a single-space delimiter does.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tokens<'a> {
    rest: &'a [u8],
}

impl<'a> Tokens<'a> {
    pub(super) fn new(line: &'a [u8]) -> Self {
        Tokens { rest: line }
    }

    /// The next space-separated token, skipping any run of spaces before it. The one space that
    /// ends the token is consumed with it, so [`Tokens::rest`] starts right after it.
    pub(super) fn next_token(&mut self) -> Option<&'a [u8]> {
        let start = self.rest.iter().position(|&b| b != b' ')?;
        let tail = self.rest.get(start..).unwrap_or_default();
        match tail.iter().position(|&b| b == b' ') {
            Some(end) => {
                self.rest = tail.get(end + 1..).unwrap_or_default();
                tail.get(..end)
            }
            None => {
                self.rest = &[];
                Some(tail)
            }
        }
    }

    /// Everything not read yet, untouched, or `None` when nothing is left.
    pub(super) fn rest(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        let rest = self.rest;
        self.rest = &[];
        Some(rest)
    }
}

/// C's `isspace` in the "C" locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `bytes` without leading and trailing `isspace` bytes.
pub(super) fn trim_c_space(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| !is_c_space(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_c_space(b))
        .map_or(start, |p| p + 1);
    bytes.get(start..end).unwrap_or_default()
}

/// `bytes` without leading spaces and tabs.
pub(super) fn skip_blanks(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// glibc's `strtol(s, NULL, 10)`: leading white space, an optional sign, then as many decimal
/// digits as there are; no digits reads as 0 and an out-of-range value saturates.
pub(super) fn atol(bytes: &[u8]) -> i64 {
    let mut rest = bytes.iter().copied().skip_while(|&b| is_c_space(b)).peekable();
    let negative = match rest.peek() {
        Some(b'-') => {
            rest.next();
            true
        }
        Some(b'+') => {
            rest.next();
            false
        }
        _ => false,
    };
    let mut value: i64 = 0;
    for digit in rest.take_while(u8::is_ascii_digit) {
        let digit = i64::from(digit - b'0');
        value = if negative {
            value.saturating_mul(10).saturating_sub(digit)
        } else {
            value.saturating_mul(10).saturating_add(digit)
        };
    }
    value
}

/// glibc's `atoi`: [`atol`] cut to 32 bits.
pub(super) fn atoi(bytes: &[u8]) -> i32 {
    // Truncation, not saturation: `atoi` is `(int)strtol(...)`.
    atol(bytes) as i32
}

/// A token or value as text for a message; bytes that are not UTF-8 are shown replaced.
pub(super) fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(usize, String)> {
        directive_lines(text.as_bytes())
            .map(|(n, l)| (n, lossy(l)))
            .collect()
    }

    #[test]
    fn comments_blank_lines_and_line_ends() {
        let text = "# comment\n\nmax_qos 1\r\n\r\n  # not a comment\n   \nlast";
        assert_eq!(
            lines(text),
            vec![
                (3, "max_qos 1".to_string()),
                (5, "  # not a comment".to_string()),
                (6, "   ".to_string()),
                (7, "last".to_string())
            ]
        );
        assert_eq!(lines("a\r\r\n"), vec![(1, "a".to_string())]);
        assert_eq!(
            lines("a\0b c\nd"),
            vec![(1, "a".to_string()), (2, "d".to_string())]
        );
        assert!(lines("\0x\n").is_empty());
    }

    #[test]
    fn tokens_split_on_spaces_only() {
        let mut t = Tokens::new(b"  listener  1883\t0 x ");
        assert_eq!(t.next_token(), Some(&b"listener"[..]));
        assert_eq!(t.next_token(), Some(&b"1883\t0"[..]));
        assert_eq!(t.next_token(), Some(&b"x"[..]));
        assert_eq!(t.next_token(), None);
        assert_eq!(t.rest(), None);
    }

    #[test]
    fn rest_starts_after_the_one_separator() {
        let mut t = Tokens::new(b"include_dir   inc  ");
        assert_eq!(t.next_token(), Some(&b"include_dir"[..]));
        assert_eq!(t.rest(), Some(&b"  inc  "[..]));
        let mut t = Tokens::new(b"password_file ");
        t.next_token();
        assert_eq!(t.rest(), None);
        let mut t = Tokens::new(b"password_file");
        t.next_token();
        assert_eq!(t.rest(), None);
    }

    #[test]
    fn trimming() {
        assert_eq!(trim_c_space(b" \t\x0b\x0cx y\t "), b"x y");
        assert_eq!(trim_c_space(b" \t "), b"");
        assert_eq!(skip_blanks(b" \t x "), b"x ");
    }

    #[test]
    fn atoi_quirks() {
        assert_eq!(atoi(b"42"), 42);
        assert_eq!(atoi(b"42abc"), 42);
        assert_eq!(atoi(b"abc"), 0);
        assert_eq!(atoi(b""), 0);
        assert_eq!(atoi(b"-7"), -7);
        assert_eq!(atoi(b"+7"), 7);
        assert_eq!(atoi(b"\t 9"), 9);
        assert_eq!(atoi(b"- 9"), 0);
        assert_eq!(atoi(b"4294967296"), 0);
        assert_eq!(atoi(b"4294967295"), -1);
        assert_eq!(atoi(b"99999999999999999999"), -1);
        assert_eq!(atol(b"99999999999999999999"), i64::MAX);
        assert_eq!(atol(b"-99999999999999999999"), i64::MIN);
    }
}
