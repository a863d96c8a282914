//! The literal children of a tree node, keyed by their level name.
//!
//! Most nodes have a handful of children, which a short vector holds in the least memory and
//! searches fastest: each entry carries a 32-bit tag of its name, so a search compares tags and
//! reads a name only when its tag matches. A node with many children (one per device under
//! `devices/`, say) switches to a hash map, which keeps its default, randomly keyed hasher:
//! level names come from the network. (Tags may collide at will: that costs a comparison.)

use std::collections::HashMap;

/// Above this many children a node uses a hash map.
pub(super) const SMALL_MAX: usize = 16;
/// A hash map that shrinks to this many children goes back to a vector.
const SMALL_AGAIN: usize = SMALL_MAX / 4;

pub(super) enum Children {
    /// At most [`SMALL_MAX`] children, in the order they were added (removal keeps the order).
    Small(Vec<Entry>),
    /// More children; boxed so that the enum stays as small as the vector.
    #[allow(clippy::box_collection, reason = "a HashMap is twice the size of the Vec")]
    Large(Box<HashMap<Box<str>, u32>>),
}

/// A child in a short list.
pub(super) struct Entry {
    name: Box<str>,
    ix: u32,
    /// [`tag`] of `name`, in what would otherwise be padding.
    tag: u32,
}

/// A 32-bit summary of a level name (FNV-1a).
fn tag(name: &str) -> u32 {
    name.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

impl Default for Children {
    fn default() -> Self {
        Children::Small(Vec::new())
    }
}

impl Children {
    /// The child named `name`.
    pub(super) fn get(&self, name: &str) -> Option<u32> {
        match self {
            Children::Small(list) => {
                let tag = tag(name);
                list.iter()
                    .find(|e| e.tag == tag && &*e.name == name)
                    .map(|e| e.ix)
            }
            Children::Large(map) => map.get(name).copied(),
        }
    }

    /// Add the child `name`, which must not be present yet.
    pub(super) fn insert(&mut self, name: &str, ix: u32) {
        match self {
            Children::Small(list) if list.len() < SMALL_MAX => {
                if list.capacity() == 0 {
                    list.reserve_exact(1);
                }
                list.push(Entry {
                    name: name.into(),
                    ix,
                    tag: tag(name),
                });
            }
            Children::Small(list) => {
                let mut map: HashMap<Box<str>, u32> = HashMap::with_capacity(list.len() * 2);
                map.extend(list.drain(..).map(|e| (e.name, e.ix)));
                map.insert(name.into(), ix);
                *self = Children::Large(Box::new(map));
            }
            Children::Large(map) => {
                map.insert(name.into(), ix);
            }
        }
    }

    /// Remove the child `name` if it is `ix`; whether it was.
    pub(super) fn remove(&mut self, name: &str, ix: u32) -> bool {
        match self {
            Children::Small(list) => {
                let Some(at) = list.iter().position(|e| e.ix == ix && &*e.name == name) else {
                    return false;
                };
                list.remove(at);
                if list.is_empty() {
                    *list = Vec::new();
                }
                true
            }
            Children::Large(map) => {
                if map.get(name) != Some(&ix) {
                    return false;
                }
                map.remove(name);
                if map.len() <= SMALL_AGAIN {
                    let list: Vec<Entry> = map
                        .drain()
                        .map(|(name, ix)| Entry {
                            tag: tag(&name),
                            name,
                            ix,
                        })
                        .collect();
                    *self = Children::Small(list);
                } else if map.len() * 4 < map.capacity() {
                    map.shrink_to(map.len() * 2);
                }
                true
            }
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        match self {
            Children::Small(list) => list.is_empty(),
            Children::Large(map) => map.is_empty(),
        }
    }

    /// Every child, in no particular order.
    #[cfg(test)]
    pub(super) fn iter(&self) -> Box<dyn Iterator<Item = (&str, u32)> + '_> {
        match self {
            Children::Small(list) => Box::new(list.iter().map(|e| (&*e.name, e.ix))),
            Children::Large(map) => Box::new(map.iter().map(|(n, ix)| (&**n, *ix))),
        }
    }

    /// Heap bytes held, estimated from capacities (allocator overhead not counted).
    #[cfg(test)]
    pub(super) fn heap_bytes(&self) -> usize {
        let names: usize = self.iter().map(|(n, _)| n.len()).sum();
        match self {
            Children::Small(list) => list.capacity() * size_of::<Entry>() + names,
            Children::Large(map) => {
                // A swiss table: one bucket and one control byte per slot, slots = capacity * 8 / 7.
                let slots = map.capacity() * 8 / 7 + 1;
                size_of::<HashMap<Box<str>, u32>>() + slots * (size_of::<(Box<str>, u32)>() + 1) + names
            }
        }
    }
}
