//! The risk table as the compiler uses it: grading a change reversible or irreversible, with the
//! reason. Rows come from the stdlib's `risk.kdl` and from `risk` nodes in gantry.kdl, which win.

use crate::source::Span;
use crate::syntax::Node;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RiskTier {
    Reversible,
    Irreversible,
}

impl RiskTier {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskTier::Reversible => "reversible",
            RiskTier::Irreversible => "irreversible",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RiskRow {
    pub kind: String,
    pub change: String,
    pub field: Option<String>,
    pub tier: RiskTier,
    pub reason: String,
    pub span: Span,
}

/// A grade: the tier and why, with the row that decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct Grade {
    pub tier: RiskTier,
    pub reason: String,
    pub row: Option<Span>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RiskTable {
    /// Later rows override earlier ones with the same kind, change and field.
    pub rows: Vec<RiskRow>,
}

impl RiskTable {
    /// Adds the `risk` nodes among `nodes` (the stdlib's first, then the workspace's).
    pub fn extend_from(&mut self, nodes: &[Node]) {
        for node in nodes.iter().filter(|n| n.name.value == "risk") {
            let prop = |key: &str| {
                node.props()
                    .filter(|(k, _)| k.value == key)
                    .filter_map(|(_, v)| v.value.as_str().map(str::to_string))
                    .last()
            };
            let (Some(kind), Some(change), Some(tier), Some(reason)) = (
                node.first_string_arg().map(|a| a.value.to_string()),
                prop("change"),
                prop("tier"),
                prop("reason"),
            ) else {
                continue;
            };
            let tier = if tier == "reversible" {
                RiskTier::Reversible
            } else {
                RiskTier::Irreversible
            };
            let field = prop("field");
            self.rows
                .retain(|r| !(r.kind == kind && r.change == change && r.field == field));
            self.rows.push(RiskRow {
                kind,
                change,
                field,
                tier,
                reason,
                span: node.span,
            });
        }
    }

    /// Grades a change. A row naming the field wins over one that does not; a change no row
    /// covers is irreversible, since nobody said it could be undone.
    pub fn grade(&self, kind: &str, change: &str, field: Option<&str>) -> Grade {
        let matching = |with_field: bool| {
            self.rows.iter().find(|r| {
                r.kind == kind
                    && r.change == change
                    && if with_field {
                        r.field.is_some() && r.field.as_deref() == field
                    } else {
                        r.field.is_none()
                    }
            })
        };
        match matching(true).or_else(|| matching(false)) {
            Some(row) => Grade {
                tier: row.tier,
                reason: row.reason.clone(),
                row: Some(row.span),
            },
            None => Grade {
                tier: RiskTier::Irreversible,
                reason: format!("the risk table does not say a {change} of a {kind} can be undone"),
                row: None,
            },
        }
    }

    /// Whether creating (having) a thing of this kind is irreversible.
    pub fn is_irreversible(&self, kind: &str, change: &str) -> bool {
        self.grade(kind, change, None).tier == RiskTier::Irreversible
    }
}
