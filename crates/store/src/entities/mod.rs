//! One SeaORM entity per table. Rows stay inside `store`: every public function returns the
//! area's own types, never these models.

pub mod api_clients;
pub mod api_submissions;
pub mod api_tokens;
pub mod audit_log;
pub mod categories;
pub mod districts;
pub mod form_keys;
pub mod hotline_calls;
pub mod jobs;
pub mod outbox;
pub mod rate_limits;
pub mod report_counters;
pub mod report_events;
pub mod report_feedback;
pub mod report_photos;
pub mod report_supports;
pub mod report_tallies;
pub mod reports;
pub mod routing_rules;
pub mod sessions;
pub mod stats_close_days;
pub mod stats_close_totals;
pub mod stats_feedback;
pub mod stats_reports;
pub mod stats_totals;
pub mod units;
pub mod user_tokens;
pub mod users;
