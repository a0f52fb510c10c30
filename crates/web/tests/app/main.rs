//! In-process tests of every journey through the real router.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

mod accounts;
mod admin;
mod api;
mod ballot;
mod budget;
mod budget_rules;
mod consultation_answers;
mod consultation_groups;
mod consultation_meetings;
mod consultation_statements;
mod consultation_subscriptions;
mod consultation_survey;
mod consultations;
mod dialogue;
mod harness;
mod hostile;
mod initiatives;
mod intake_channels;
mod open311;
mod opendata;
mod places;
mod referenda;
mod replies;
mod reports;
mod requests;
mod routes;
mod shell;
mod staged;
mod stats;
