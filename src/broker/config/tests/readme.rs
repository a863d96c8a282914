//! The table of configuration options in README: generated here from the reader's option lists
//! and the table of refused options, and compared with README's copy. Run with
//! `UPDATE_README=1` to rewrite README's copy.

use std::collections::BTreeSet;

use super::options::EVERY_OPTION;
use crate::broker::config::bridge::BRIDGE_OPTIONS;
use crate::broker::config::listener::LISTENER_OPTIONS;
use crate::broker::config::unsupported::refusal;

const BEGIN: &str = "<!-- options:begin -->\n";
const END: &str = "<!-- options:end -->\n";

/// The options of mosquitto 2.0 (the manual page) and ours, with the `*_opt_*` families as
/// written in the manual.
fn options() -> BTreeSet<String> {
    let mut all: BTreeSet<String> = EVERY_OPTION
        .lines()
        .filter_map(|l| l.split(' ').next())
        .filter(|w| !w.is_empty() && !w.starts_with('#'))
        .map(|w| match w {
            "auth_opt_key" => "auth_opt_*".to_owned(),
            "plugin_opt_key" => "plugin_opt_*".to_owned(),
            other => other.to_owned(),
        })
        .collect();
    all.insert("worker_threads".to_owned());
    all
}

fn table() -> String {
    let mut out = String::from("| Option | Where | Supported |\n|---|---|---|\n");
    for option in options() {
        let bare = option.trim_end_matches('*');
        let place = if BRIDGE_OPTIONS.contains(&bare) || option == "connection" {
            "bridge"
        } else if LISTENER_OPTIONS.contains(&bare) || option == "listener" {
            "listener"
        } else {
            "global"
        };
        let support = refusal(bare).unwrap_or_else(|| "yes".to_owned());
        let support = if option == "worker_threads" {
            "yes (this broker's own)".to_owned()
        } else {
            support
        };
        out.push_str(&format!("| `{option}` | {place} | {support} |\n"));
    }
    out
}

#[test]
fn readme_lists_every_option_with_its_support() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).expect("read README.md");
    let (Some(start), Some(end)) = (readme.find(BEGIN), readme.find(END)) else {
        panic!("README.md has no {BEGIN:?} ... {END:?} block");
    };
    let current = &readme[start + BEGIN.len()..end];
    let wanted = table();
    if current != wanted {
        if std::env::var_os("UPDATE_README").is_some() {
            let updated = format!("{}{wanted}{}", &readme[..start + BEGIN.len()], &readme[end..]);
            std::fs::write(path, updated).expect("write README.md");
        } else {
            panic!(
                "README.md's options table is out of date: run `UPDATE_README=1 cargo test --lib \
                 readme_lists_every_option` and commit README.md"
            );
        }
    }
}
