//! Typed reads of a validated syntax node. A value of the wrong type reads as absent: the
//! checker has already reported it.

use crate::merge::Merged;
use crate::source::Spanned;
use crate::syntax::{Node, RawValue};
use crate::values::{Bytes, Duration, Millicores, Resource, ServiceRef, check_name};

use super::{Scalar, Suppression};

pub(super) trait NodeView {
    fn prop_raw(&self, key: &str) -> Option<&Spanned<RawValue>>;
    fn arg_raw(&self, index: usize) -> Option<&Spanned<RawValue>>;
    fn named<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Node>;

    fn child(&self, name: &str) -> Option<&Node> {
        self.named(name).last()
    }

    fn prop_str(&self, key: &str) -> Option<Spanned<String>> {
        let v = self.prop_raw(key)?;
        v.value
            .as_str()
            .map(|s| Spanned::new(s.to_string(), v.span))
    }

    fn prop_name(&self, key: &str) -> Option<Spanned<String>> {
        self.prop_str(key).filter(|s| check_name(&s.value).is_ok())
    }

    fn prop_int<T: TryFrom<i128>>(&self, key: &str) -> Option<Spanned<T>> {
        int(self.prop_raw(key)?)
    }

    fn prop_f64(&self, key: &str) -> Option<Spanned<f64>> {
        float(self.prop_raw(key)?)
    }

    fn prop_bool(&self, key: &str) -> Option<Spanned<bool>> {
        let v = self.prop_raw(key)?;
        match v.value {
            RawValue::Bool(b) => Some(Spanned::new(b, v.span)),
            _ => None,
        }
    }

    fn prop_duration(&self, key: &str) -> Option<Spanned<Duration>> {
        duration(self.prop_raw(key)?)
    }

    fn prop_cpu(&self, key: &str) -> Option<Spanned<Millicores>> {
        let v = self.prop_raw(key)?;
        Millicores::parse(&v.value)
            .ok()
            .map(|m| Spanned::new(m, v.span))
    }

    fn prop_bytes(&self, key: &str) -> Option<Spanned<Bytes>> {
        let v = self.prop_str(key)?;
        Bytes::parse(&v.value).ok().map(|b| Spanned::new(b, v.span))
    }

    fn prop_scalar(&self, key: &str) -> Option<Spanned<Scalar>> {
        scalar(self.prop_raw(key)?)
    }

    fn arg_str(&self, index: usize) -> Option<Spanned<String>> {
        let v = self.arg_raw(index)?;
        v.value
            .as_str()
            .map(|s| Spanned::new(s.to_string(), v.span))
    }

    fn arg_name(&self, index: usize) -> Option<Spanned<String>> {
        self.arg_str(index).filter(|s| check_name(&s.value).is_ok())
    }

    fn arg_int<T: TryFrom<i128>>(&self, index: usize) -> Option<Spanned<T>> {
        int(self.arg_raw(index)?)
    }

    fn arg_duration(&self, index: usize) -> Option<Spanned<Duration>> {
        duration(self.arg_raw(index)?)
    }

    /// A child's first argument as text: `summary "…"`, `expr "…"`.
    fn child_text(&self, name: &str) -> Option<Spanned<String>> {
        self.child(name)?.arg_str(0)
    }

    fn suppressions(&self) -> Vec<Suppression> {
        self.named("allow")
            .filter(|n| {
                n.prop_raw("reason").is_some()
                    || n.arg_str(0)
                        .is_some_and(|s| crate::rules::all_ids().any(|r| r == s.value))
            })
            .filter_map(|n| {
                Some(Suppression {
                    rule: n.arg_str(0)?,
                    reason: n.prop_str("reason"),
                })
            })
            .collect()
    }
}

impl NodeView for Merged<'_> {
    fn prop_raw(&self, key: &str) -> Option<&Spanned<RawValue>> {
        self.head.prop_raw(key)
    }

    fn arg_raw(&self, index: usize) -> Option<&Spanned<RawValue>> {
        self.head.arg_raw(index)
    }

    fn named<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Node> {
        self.children().filter(move |c| c.name.value == name)
    }
}

impl NodeView for Node {
    fn prop_raw(&self, key: &str) -> Option<&Spanned<RawValue>> {
        // KDL keeps the rightmost of repeated properties; so do we.
        self.props()
            .filter(|(k, _)| k.value == key)
            .map(|(_, v)| v)
            .last()
    }

    fn arg_raw(&self, index: usize) -> Option<&Spanned<RawValue>> {
        self.args().nth(index)
    }

    fn named<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Node> {
        self.children.iter().filter(move |c| c.name.value == name)
    }
}

/// Collecting into a vector of exactly the items' length. A vector grown push by push keeps
/// room for four items at least, and the typed AST is kept whole (per environment) for every
/// feature of a workspace: the spare room was most of its memory.
pub(super) trait CollectExact: Iterator + Sized {
    fn collect_exact(self) -> Vec<Self::Item> {
        let mut items: Vec<Self::Item> = self.collect();
        items.shrink_to_fit();
        items
    }
}

impl<I: Iterator> CollectExact for I {}

pub(super) fn strings(node: &Node) -> Vec<Spanned<String>> {
    node.args()
        .filter_map(|v| {
            v.value
                .as_str()
                .map(|s| Spanned::new(s.to_string(), v.span))
        })
        .collect()
}

pub(super) fn service_refs(node: &Node) -> Vec<Spanned<ServiceRef>> {
    strings(node)
        .into_iter()
        .filter_map(|s| {
            ServiceRef::parse(&s.value)
                .ok()
                .map(|r| Spanned::new(r, s.span))
        })
        .collect()
}

pub(super) fn resources(node: &Node) -> Vec<Spanned<Resource>> {
    strings(node)
        .into_iter()
        .skip(1)
        .filter_map(|s| {
            Resource::parse(&s.value)
                .ok()
                .map(|r| Spanned::new(r, s.span))
        })
        .collect()
}

pub(super) fn numbers(node: &Node) -> Vec<Spanned<f64>> {
    node.args().filter_map(float).collect()
}

fn int<T: TryFrom<i128>>(v: &Spanned<RawValue>) -> Option<Spanned<T>> {
    match v.value {
        RawValue::Integer(i) => T::try_from(i).ok().map(|n| Spanned::new(n, v.span)),
        _ => None,
    }
}

fn float(v: &Spanned<RawValue>) -> Option<Spanned<f64>> {
    match v.value {
        RawValue::Integer(i) => Some(Spanned::new(i as f64, v.span)),
        RawValue::Float(f) if f.is_finite() => Some(Spanned::new(f, v.span)),
        _ => None,
    }
}

fn duration(v: &Spanned<RawValue>) -> Option<Spanned<Duration>> {
    let text = v.value.as_str()?;
    Duration::parse(text).ok().map(|d| Spanned::new(d, v.span))
}

fn scalar(v: &Spanned<RawValue>) -> Option<Spanned<Scalar>> {
    let s = match &v.value {
        RawValue::Bool(b) => Scalar::Bool(*b),
        RawValue::String(s) => Scalar::String(s.clone()),
        RawValue::Integer(i) => Scalar::Integer(i64::try_from(*i).ok()?),
        RawValue::Float(f) => Scalar::Float(*f),
        RawValue::Null => return None,
    };
    Some(Spanned::new(s, v.span))
}
