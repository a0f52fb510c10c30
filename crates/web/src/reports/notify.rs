//! E-mails about reports, enqueued in the transaction of the change that causes them: the
//! receipt with the tracking number and private link, status changes (to the reporter and
//! supporters, and to those of reports merged into this one), the one-time "was it solved?"
//! questionnaire when a problem is first closed, and the notice that a report was merged.

use super::{Lookup, status_label};
use crate::{AppState, Error, emails};
use miasto_domain::reference::ReportKind;
use miasto_store::ConnectionTrait;
use miasto_store::jobs::{self, Job};
use miasto_store::reports::{self, Report, StatusChange};

fn link(state: &AppState, path: &str) -> String {
    format!("{}{path}", state.config().base_url.trim_end_matches('/'))
}

fn category_name(lookup: &Lookup, report: &Report, locale: miasto_domain::Locale) -> String {
    lookup
        .category(report.category)
        .map(|c| c.names.get(locale).to_owned())
        .unwrap_or_default()
}

/// The receipt (tracking number, private link) as e-mail jobs, for the caller to enqueue:
/// intake enqueues a whole batch's at once.
pub async fn receipt_jobs(
    c: &impl ConnectionTrait,
    state: &AppState,
    report: &Report,
    tracking_token: &str,
    lookup: &Lookup,
) -> Result<Vec<Job>, Error> {
    let private = link(state, &format!("/reports/track/{tracking_token}"));
    let public = link(state, &report.number.path());
    let mut out = Vec::new();
    for r in reports::receipt_recipients(c, report).await? {
        let message = emails::report_received(
            r.locale,
            &r.email,
            &report.number.to_string(),
            &category_name(lookup, report, r.locale),
            &private,
            &public,
        )?;
        out.push(Job::SendEmail(message));
    }
    Ok(out)
}

pub async fn status_changed(
    c: &impl ConnectionTrait,
    state: &AppState,
    change: &StatusChange,
    public_message: Option<&str>,
) -> Result<(), Error> {
    let mut told: Vec<String> = Vec::new();
    for report in std::iter::once(&change.report).chain(change.followers.iter()) {
        for r in reports::recipients(c, report).await? {
            if told.contains(&r.email) {
                continue;
            }
            let message = emails::report_status_changed(
                r.locale,
                &r.email,
                &report.number.to_string(),
                &status_label(r.locale, report.kind, report.status),
                public_message,
                &link(state, &report.number.path()),
            )?;
            jobs::enqueue(c, &Job::SendEmail(message)).await?;
            told.push(r.email);
        }
    }
    if change.first_close
        && change.report.kind == ReportKind::Problem
        && let Some(token) = reports::start_feedback(c, change.report.id).await?
    {
        let answer = link(state, &format!("/feedback/{token}"));
        for r in reports::recipients(c, &change.report)
            .await?
            .into_iter()
            .filter(|r| r.reporter)
        {
            let message = emails::report_feedback(
                r.locale,
                &r.email,
                &change.report.number.to_string(),
                &answer,
            )?;
            jobs::enqueue(c, &Job::SendEmail(message)).await?;
        }
    }
    Ok(())
}

pub async fn merged(
    c: &impl ConnectionTrait,
    state: &AppState,
    duplicate: &Report,
    master: &Report,
) -> Result<(), Error> {
    for r in reports::recipients(c, duplicate).await? {
        let message = emails::report_merged(
            r.locale,
            &r.email,
            &duplicate.number.to_string(),
            &master.number.to_string(),
            &link(state, &master.number.path()),
        )?;
        jobs::enqueue(c, &Job::SendEmail(message)).await?;
    }
    Ok(())
}
