//! AWS Budgets: one monthly cost budget per feature, measured on the `feature` cost-allocation
//! tag that provider `default_tags` puts on everything, limited to the sum of its agents'
//! monthly budgets. It warns the owner team when the month is forecast to reach 80 % and when
//! actual spend reaches 100 %.

use gantry::ast::{Agent, Team};
use hcl::expr::Expression;

use super::hcl::{BlockBuilder, call, keyword, literal, literals, reference};
use super::module::{Context, Module};

/// Days in the longest month: what a daily budget allows in a month at most.
const DAYS_PER_MONTH: f64 = 31.0;

/// The most an agent may spend in a month: its monthly budget, or 31 of its daily ones,
/// whichever is lower; `None` when it has no budget in dollars.
pub fn monthly_usd(agent: &Agent) -> Option<f64> {
    let budget = agent.budget.as_ref()?;
    let month = budget.usd_per_month.as_ref().map(|m| m.value);
    let days = budget
        .usd_per_day
        .as_ref()
        .map(|d| d.value * DAYS_PER_MONTH);
    match (month, days) {
        (Some(m), Some(d)) => Some(m.min(d)),
        (m, d) => m.or(d),
    }
}

pub fn emit(cx: &Context, module: &mut Module) {
    let amounts: Vec<f64> = cx.feature.agents.iter().filter_map(monthly_usd).collect();
    if amounts.is_empty() {
        return;
    }
    let limit: f64 = amounts.iter().sum();
    let team = cx.feature.owner.as_ref().and_then(|o| {
        cx.model
            .workspace
            .teams
            .iter()
            .find(|t| t.name.value == o.value)
    });
    let emails = owner_emails(module, team);
    let feature = cx.feature_name();
    let label = super::names::label(&[feature]);
    let notification = |kind: &str, percent: u64| {
        BlockBuilder::new("notification", &[])
            .attr("comparison_operator", literal("GREATER_THAN"))
            .attr("threshold", percent)
            .attr("threshold_type", literal("PERCENTAGE"))
            .attr("notification_type", literal(kind))
            .attr("subscriber_email_addresses", emails.clone())
            .build()
    };
    module.resources.push(
        BlockBuilder::new("resource", &["aws_budgets_budget", &label])
            .attr("name", literal(&format!("{feature}-{}", cx.environment())))
            .attr("budget_type", literal("COST"))
            .attr("limit_amount", literal(&format!("{limit:.2}")))
            .attr("limit_unit", literal("USD"))
            .attr("time_unit", literal("MONTHLY"))
            .block(
                BlockBuilder::new("cost_filter", &[])
                    .attr("name", literal("TagKeyValue"))
                    .attr(
                        "values",
                        literals([format!("user:feature${feature}").as_str()]),
                    )
                    .build(),
            )
            .block(notification("FORECASTED", 80))
            .block(notification("ACTUAL", 100))
            .build(),
    );
    module.output(
        &format!("{label}_budget"),
        "The name of the feature's AWS budget.",
        reference(&format!("aws_budgets_budget.{label}.name")),
    );
}

/// `var.owner_emails`: who hears about the budget. It defaults to the owner team's approvers
/// (the people who approve the feature's irreversible changes, billing among them); with no
/// approvers in gantry.kdl, the platform must give it.
fn owner_emails(module: &mut Module, team: Option<&Team>) -> Expression {
    let approvers: Vec<&str> = team
        .map(|t| t.approvers.iter().map(|a| a.value.as_str()).collect())
        .unwrap_or_default();
    let var = reference("var.owner_emails");
    let mut block = BlockBuilder::new("variable", &["owner_emails"])
        .attr("type", call("list", vec![keyword("string")]))
        .attr(
            "description",
            literal("Who receives the feature's budget alerts (at most 10 addresses)."),
        )
        .attr("nullable", false);
    if !approvers.is_empty() {
        block = block.attr("default", literals(approvers));
    }
    block = block.block(
        BlockBuilder::new("validation", &[])
            .attr(
                "condition",
                Expression::from(hcl::expr::Operation::Binary(hcl::expr::BinaryOp::new(
                    Expression::from(hcl::expr::Operation::Binary(hcl::expr::BinaryOp::new(
                        call("length", vec![var.clone()]),
                        hcl::expr::BinaryOperator::Greater,
                        Expression::from(0u64),
                    ))),
                    hcl::expr::BinaryOperator::And,
                    Expression::from(hcl::expr::Operation::Binary(hcl::expr::BinaryOp::new(
                        call("length", vec![var.clone()]),
                        hcl::expr::BinaryOperator::LessEq,
                        Expression::from(10u64),
                    ))),
                ))),
            )
            .attr(
                "error_message",
                literal("AWS Budgets sends a notification to 1 to 10 email addresses."),
            )
            .build(),
    );
    module.extra_variables.push(block.build());
    var
}
