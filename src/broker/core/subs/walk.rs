//! The matching walk: the tree followed along a topic's levels, in mosquitto's tree order.

use super::{NONE, Node, ROOT, Sub};

/// A frame position meaning "no topic level left".
const END: usize = usize::MAX;

/// One level of the matching walk: `node` is being matched against the topic level that
/// starts at byte `pos` (or against nothing, `END`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    node: u32,
    /// The child being descended into (literal at stage 1, `+` at stage 2).
    child: u32,
    pos: usize,
    /// Where the next level starts, or `END` if `pos` holds the last one.
    next: usize,
    /// 0: start, 1: back from the literal child, 2: back from `+`, 3: `#` and done.
    stage: u8,
}

/// Frames beyond this many are given back after a walk, so that one very deep topic does not
/// keep its stack allocated.
pub(super) const STACK_KEEP: usize = 256;

/// Walk the tree along `topic`, calling `visit` for each matching subscription in tree order
/// (and `true` for a shared group's chosen member). Iterative: `stack` holds one frame per
/// level being matched.
pub(super) fn walk(
    nodes: &mut [Node],
    stack: &mut Vec<Frame>,
    topic: &str,
    mut visit: impl FnMut(Sub, bool),
) {
    // `+` and `#` at the first level never match a `$` topic.
    let dollar = topic.starts_with('$');
    stack.clear();
    stack.push(Frame {
        node: ROOT,
        child: NONE,
        pos: 0,
        next: END,
        stage: 0,
    });
    while let Some(frame) = stack.last_mut() {
        let Some(node) = nodes.get(frame.node as usize) else {
            stack.pop();
            continue;
        };
        let wildcards = !(dollar && frame.node == ROOT);
        match frame.stage {
            0 => {
                if frame.pos == END {
                    frame.stage = 3;
                    continue;
                }
                let rest = topic.get(frame.pos..).unwrap_or("");
                let (level, next) = match rest.bytes().position(|b| b == b'/') {
                    Some(i) => (rest.get(..i).unwrap_or(""), frame.pos + i + 1),
                    None => (rest, END),
                };
                frame.next = next;
                frame.stage = 1;
                frame.child = node.children.get(level).unwrap_or(NONE);
                if frame.child != NONE {
                    let child = frame.child;
                    stack.push(Frame {
                        node: child,
                        child: NONE,
                        pos: next,
                        next: END,
                        stage: 0,
                    });
                }
            }
            1 | 2 => {
                let (done, last) = (frame.child, frame.next == END);
                let plus = if frame.stage == 1 && wildcards {
                    node.plus
                } else {
                    NONE
                };
                frame.stage += 1;
                frame.child = plus;
                let next = frame.next;
                if done != NONE && last {
                    visit_node(nodes, done, &mut visit);
                }
                if plus != NONE {
                    stack.push(Frame {
                        node: plus,
                        child: NONE,
                        pos: next,
                        next: END,
                        stage: 0,
                    });
                }
            }
            _ => {
                let hash = if wildcards { node.hash } else { NONE };
                stack.pop();
                if hash != NONE {
                    visit_node(nodes, hash, &mut visit);
                }
            }
        }
    }
    if stack.capacity() > STACK_KEEP {
        stack.shrink_to(STACK_KEEP);
    }
}

/// Visit the subscriptions of the filter ending at `ix`: the normal ones, then one member of
/// each shared group.
fn visit_node(nodes: &mut [Node], ix: u32, visit: &mut impl FnMut(Sub, bool)) {
    let Some(node) = nodes.get_mut(ix as usize) else {
        return;
    };
    for sub in node.subs.iter() {
        visit(*sub, false);
    }
    for group in node.shared.iter_mut() {
        if let Some(member) = group.serve() {
            visit(member, true);
        }
    }
}
