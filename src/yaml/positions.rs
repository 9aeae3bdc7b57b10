//! Where each key of a YAML text is, from the parser's spans ([`KeyPositions`]), for problems found
//! after the parse.

use super::limits::{MAX_EVENTS, MAX_NODES, options};

/// Where each key of a YAML text is, as the parser read it: every mapping, with its keys' (line,
/// column), 1-based.
#[derive(Debug, Default)]
pub struct KeyPositions {
    /// Mappings in the order they start; the first is the document's top level when it is one.
    maps: Vec<Vec<(String, (usize, usize))>>,
    /// Each mapping that is the value of a key (or an item of a list that is), by where it is.
    children: std::collections::HashMap<Parent, usize>,
    /// Whether the document itself is a mapping.
    top_is_map: bool,
}

/// Where a mapping is: the value of key `key` of mapping `map`, or item `item` of the list there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Parent {
    map: usize,
    key: usize,
    item: Option<usize>,
}

impl KeyPositions {
    /// The keys of `text`, or `None` when it does not parse as YAML.
    pub fn read(text: &str) -> Option<KeyPositions> {
        let node = serde_saphyr::from_str_with_options::<Node>(text, options(MAX_NODES, MAX_EVENTS)).ok()?;
        let mut keys = KeyPositions { top_is_map: matches!(node, Node::Map(_)), ..Default::default() };
        keys.add(node, None);
        Some(keys)
    }

    fn add(&mut self, node: Node, parent: Option<Parent>) {
        match node {
            Node::Map(entries) => {
                let i = self.maps.len();
                self.maps.push(Vec::new());
                if let Some(p) = parent {
                    self.children.insert(p, i);
                }
                for (k, (key, value)) in entries.into_iter().enumerate() {
                    let at = (key.referenced.line() as usize, key.referenced.column() as usize);
                    self.maps[i].push((key.value.0, at));
                    self.add(value, Some(Parent { map: i, key: k, item: None }));
                }
            }
            Node::Seq(items) => {
                for (j, n) in items.into_iter().enumerate() {
                    let item = parent.filter(|p| p.item.is_none()).map(|p| Parent { item: Some(j), ..p });
                    self.add(n, item);
                }
            }
            Node::Other => {}
        }
    }

    /// The mapping at `path`: each key in the mapping that is the value of the one before.
    fn walk(&self, path: &[&str]) -> Option<usize> {
        if !self.top_is_map || self.maps.is_empty() {
            return None;
        }
        let mut map = 0;
        for key in path {
            let k = self.maps[map].iter().position(|(name, _)| name == key)?;
            map = *self.children.get(&Parent { map, key: k, item: None })?;
        }
        Some(map)
    }

    fn key_in(&self, map: usize, key: &str) -> Option<(usize, usize)> {
        self.maps.get(map)?.iter().find(|(name, _)| name == key).map(|(_, at)| *at)
    }

    /// Position of the key at the end of `path`, each key in the mapping that is the value of the
    /// one before (`["policies", "6973.1R"]`).
    pub fn at_path(&self, path: &[&str]) -> Option<(usize, usize)> {
        let (last, parents) = path.split_last()?;
        self.key_in(self.walk(parents)?, last)
    }

    /// Position of `key` in item `index` of the list at `path` (`["accounts"]`, 3, `"url"`).
    pub fn item_key(&self, path: &[&str], index: usize, key: &str) -> Option<(usize, usize)> {
        let (list, parents) = path.split_last()?;
        let map = self.walk(parents)?;
        let k = self.maps[map].iter().position(|(name, _)| name == list)?;
        let item = *self.children.get(&Parent { map, key: k, item: Some(index) })?;
        self.key_in(item, key)
    }

    /// Position of a key of the top-level mapping.
    pub fn top(&self, key: &str) -> Option<(usize, usize)> {
        self.top_level().find(|(k, _)| *k == key).map(|(_, at)| at)
    }

    /// The keys of the top-level mapping, with their positions.
    pub fn top_level(&self) -> impl Iterator<Item = (&str, (usize, usize))> {
        self.maps.first().filter(|_| self.top_is_map).into_iter().flatten().map(|(k, at)| (k.as_str(), *at))
    }

    /// Position of `key` in the mapping whose first key is on `line` (a list item such as a quiz
    /// question, whose line the parser gave).
    pub fn in_map_at(&self, line: usize, key: &str) -> Option<(usize, usize)> {
        let map = self.maps.iter().find(|m| m.first().is_some_and(|(_, (l, _))| *l == line))?;
        map.iter().find(|(k, _)| k == key).map(|(_, at)| *at)
    }
}

/// A YAML value, reduced to what [`KeyPositions`] needs: mappings with their keys' places.
enum Node {
    Map(Vec<(serde_saphyr::Spanned<KeyText>, Node)>),
    Seq(Vec<Node>),
    Other,
}

/// A mapping key as text (`1`, `true` and `name` alike).
struct KeyText(String);

impl<'de> serde::Deserialize<'de> for KeyText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<KeyText, E> {
                Ok(KeyText(String::new()))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> serde::Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key()? {
                    entries.push((key, map.next_value()?));
                }
                Ok(Node::Map(entries))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(n) = seq.next_element()? {
                    items.push(n);
                }
                Ok(Node::Seq(items))
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                <Node as serde::Deserialize>::deserialize(d)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Other)
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Node, E> {
                Ok(Node::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
                Ok(Node::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
                Ok(Node::Other)
            }
            fn visit_i128<E>(self, _: i128) -> Result<Node, E> {
                Ok(Node::Other)
            }
            fn visit_u128<E>(self, _: u128) -> Result<Node, E> {
                Ok(Node::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
                Ok(Node::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<Node, E> {
                Ok(Node::Other)
            }
            fn visit_bytes<E>(self, _: &[u8]) -> Result<Node, E> {
                Ok(Node::Other)
            }
            fn visit_enum<A: serde::de::EnumAccess<'de>>(self, e: A) -> Result<Node, A::Error> {
                use serde::de::VariantAccess;
                let (IgnoredAny, v) = e.variant::<IgnoredAny>()?;
                v.newtype_variant::<IgnoredAny>()?;
                Ok(Node::Other)
            }
        }
        d.deserialize_any(V)
    }
}
