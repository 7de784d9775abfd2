//! Lint rules about gates: irreversible changes need a human, and no agent may go around one.

mod agent_can_bypass_gate;
mod irreversible_without_human_gate;

use crate::lint::Rule;

pub static RULES: &[&Rule] = &[
    &irreversible_without_human_gate::IRREVERSIBLE_WITHOUT_HUMAN_GATE,
    &agent_can_bypass_gate::AGENT_CAN_BYPASS_GATE,
];
