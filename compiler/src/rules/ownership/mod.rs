//! Lint rules about who answers for a feature and where its alerts reach them.

mod feature_without_owner;
mod team_chat_without_receiver;

use crate::lint::Rule;

pub static RULES: &[&Rule] = &[
    &feature_without_owner::FEATURE_WITHOUT_OWNER,
    &team_chat_without_receiver::TEAM_CHAT_WITHOUT_RECEIVER,
];
