//! The UTF-8 rules MQTT places on strings (MQTT 5.0 section 1.5.4, 3.1.1 section 1.5.3).

/// Check `s` against MQTT's string rules, as `mosquitto_validate_utf8` does: well-formed UTF-8
/// (no overlong forms, no surrogates, nothing above U+10FFFF), no NUL, no control characters
/// U+0001..U+001F and U+007F..U+009F, and no non-characters (U+FDD0..U+FDEF and every code point
/// ending in FFFE or FFFF).
pub fn validate(s: &[u8]) -> bool {
    // The standard library rejects overlongs, surrogates, truncation and values above U+10FFFF.
    let Ok(text) = std::str::from_utf8(s) else {
        return false;
    };
    text.chars().all(|c| {
        let cp = u32::from(c);
        !(cp <= 0x1F
            || (0x7F..=0x9F).contains(&cp)
            || (0xFDD0..=0xFDEF).contains(&cp)
            || (cp & 0xFFFE) == 0xFFFE)
    })
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn accepts_plain_and_multibyte_text() {
        assert!(validate(b""));
        assert!(validate(b"sensors/kitchen/temperature"));
        assert!(validate("caf\u{e9} \u{20ac} \u{1F600}".as_bytes()));
        assert!(validate("\u{10FFFD}".as_bytes()));
    }

    #[test]
    fn rejects_nul_and_control_characters() {
        assert!(!validate(b"a\0b"));
        assert!(!validate(b"tab\there"));
        assert!(!validate(b"\x7f"));
        assert!(!validate("\u{85}".as_bytes()));
        assert!(!validate("\u{9f}".as_bytes()));
    }

    #[test]
    fn rejects_malformed_sequences() {
        assert!(!validate(b"\xc0\xaf")); // overlong '/'
        assert!(!validate(b"\xe0\x80\xaf")); // overlong
        assert!(!validate(b"\xed\xa0\x80")); // surrogate D800
        assert!(!validate(b"\xf4\x90\x80\x80")); // above U+10FFFF
        assert!(!validate(b"\xf5\x80\x80\x80")); // invalid lead byte
        assert!(!validate(b"\xe2\x82")); // truncated
        assert!(!validate(b"\x80")); // lone continuation
    }

    #[test]
    fn rejects_non_characters() {
        assert!(!validate("\u{FDD0}".as_bytes()));
        assert!(!validate("\u{FDEF}".as_bytes()));
        assert!(!validate("\u{FFFE}".as_bytes()));
        assert!(!validate("\u{FFFF}".as_bytes()));
        assert!(!validate("\u{1FFFE}".as_bytes()));
        assert!(!validate("\u{10FFFF}".as_bytes()));
    }

    #[test]
    fn boundaries_of_the_excluded_ranges() {
        // Just inside the allowed ranges.
        for ok in [
            "\u{20}", "\u{7e}", "\u{a0}", "\u{7ff}", "\u{800}", "\u{d7ff}", "\u{e000}", "\u{fdcf}",
        ] {
            assert!(validate(ok.as_bytes()), "{ok:?}");
        }
        for ok in [
            "\u{fdf0}",
            "\u{fffd}",
            "\u{10000}",
            "\u{1fffd}",
            "\u{20000}",
            "\u{10fffd}",
        ] {
            assert!(validate(ok.as_bytes()), "{ok:?}");
        }
        // Just outside them.
        assert!(!validate(b"\x1f"));
        assert!(!validate("\u{80}".as_bytes()));
        assert!(!validate(b"\xed\xbf\xbf")); // surrogate DFFF
        assert!(!validate(b"\xe0\x9f\xbf")); // overlong U+07FF
        assert!(!validate(b"\xf0\x8f\xbf\xbf")); // overlong U+FFFF
        assert!(!validate(b"\xc1\xbf")); // overlong U+007F
    }

    #[test]
    fn every_byte_of_a_sequence_is_checked() {
        assert!(!validate(b"\xc2\x41")); // bad continuation
        assert!(!validate(b"\xe2\x41\x82"));
        assert!(!validate(b"\xe2\x82\x41"));
        assert!(!validate(b"\xf0\x9f\x98")); // truncated four-byte sequence
        assert!(!validate(b"ok\xc3")); // truncated at the end
        assert!(!validate(b"\xfe"));
        assert!(!validate(b"\xff"));
        assert!(!validate(b"\xf8\x88\x80\x80\x80")); // five-byte form
    }
}
