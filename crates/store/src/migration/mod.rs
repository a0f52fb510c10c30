//! The one migration set, rendered per engine by sea-query. Every migration runs inside a
//! transaction on both engines (SQLite's default would be none). Migrations are append-only:
//! never edit one that has shipped.

use sea_orm_migration::prelude::*;

mod m20261121_000001_foundation;
mod m20261121_000002_contact_centre;
mod m20261121_000003_photo_moderation;
mod m20261121_000004_open311;
mod m20261121_000005_mobile_api;
mod m20261121_000006_statistics;
mod m20261121_000007_statistics_totals;
mod m20261121_000008_statistics_feedback;
mod m20261121_000009_citizens_budget;
mod m20261121_000010_budget_photos;
mod m20261121_000011_budget_results_due;
mod m20261121_000012_sealed_ballots;
mod m20261206_000013_support_requests;
mod m20261206_000014_staged_photos;
mod m20261206_000015_ballot_drafts;
mod m20261206_000016_reply_templates;
mod m20261206_000017_consultations;
mod m20261206_000018_consultation_comments;
mod m20261207_000019_consultation_documents;
mod m20261207_000020_consultation_surveys;
mod m20261207_000021_consultation_meetings;
mod m20261207_000022_consultation_subscriptions;
mod m20261207_000023_consultation_premoderation;
mod m20261207_000024_meeting_cancellation;
mod m20261207_000025_survey_margins;
mod m20261207_000026_survey_files;
mod m20261207_000027_answer_templates;
mod m20261207_000028_consultation_outline;
mod m20261207_000029_duty_hour_cancellation;
mod m20261207_000030_comment_groups;
mod m20261207_000031_statements;
mod m20261207_000032_opinion_state;
mod m20261207_000033_signature_requests;
mod m20261207_000034_dialogue;
mod m20261207_000035_local_initiatives;
mod m20261207_000036_district_referenda;
mod m20261207_000037_budget_ballot_box;
mod m20261207_000038_initiative_photos;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_foundation::Migration),
            Box::new(m20261121_000002_contact_centre::Migration),
            Box::new(m20261121_000003_photo_moderation::Migration),
            Box::new(m20261121_000004_open311::Migration),
            Box::new(m20261121_000005_mobile_api::Migration),
            Box::new(m20261121_000006_statistics::Migration),
            Box::new(m20261121_000007_statistics_totals::Migration),
            Box::new(m20261121_000008_statistics_feedback::Migration),
            Box::new(m20261121_000009_citizens_budget::Migration),
            Box::new(m20261121_000010_budget_photos::Migration),
            Box::new(m20261121_000011_budget_results_due::Migration),
            Box::new(m20261121_000012_sealed_ballots::Migration),
            Box::new(m20261206_000013_support_requests::Migration),
            Box::new(m20261206_000014_staged_photos::Migration),
            Box::new(m20261206_000015_ballot_drafts::Migration),
            Box::new(m20261206_000016_reply_templates::Migration),
            Box::new(m20261206_000017_consultations::Migration),
            Box::new(m20261206_000018_consultation_comments::Migration),
            Box::new(m20261207_000019_consultation_documents::Migration),
            Box::new(m20261207_000020_consultation_surveys::Migration),
            Box::new(m20261207_000021_consultation_meetings::Migration),
            Box::new(m20261207_000022_consultation_subscriptions::Migration),
            Box::new(m20261207_000023_consultation_premoderation::Migration),
            Box::new(m20261207_000024_meeting_cancellation::Migration),
            Box::new(m20261207_000025_survey_margins::Migration),
            Box::new(m20261207_000026_survey_files::Migration),
            Box::new(m20261207_000027_answer_templates::Migration),
            Box::new(m20261207_000028_consultation_outline::Migration),
            Box::new(m20261207_000029_duty_hour_cancellation::Migration),
            Box::new(m20261207_000030_comment_groups::Migration),
            Box::new(m20261207_000031_statements::Migration),
            Box::new(m20261207_000032_opinion_state::Migration),
            Box::new(m20261207_000033_signature_requests::Migration),
            Box::new(m20261207_000034_dialogue::Migration),
            Box::new(m20261207_000035_local_initiatives::Migration),
            Box::new(m20261207_000036_district_referenda::Migration),
            Box::new(m20261207_000037_budget_ballot_box::Migration),
            Box::new(m20261207_000038_initiative_photos::Migration),
        ]
    }
}
