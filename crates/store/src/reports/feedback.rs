//! The "was it solved?" questionnaire after a report is closed.

use super::*;

/// Starts the "was it solved?" questionnaire for a closed problem: returns the answer link's
/// token, or `None` if it was already sent.
pub async fn start_feedback(c: &impl ConnectionTrait, id: ReportId) -> Result<Option<String>> {
    if report_feedback::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .is_some()
    {
        return Ok(None);
    }
    let (token, hash) = new_token();
    report_feedback::ActiveModel {
        report_id: Set(id.0),
        token_hash: Set(hash),
        sent_at: Set(now()),
        answered_at: Set(None),
        solved: Set(None),
        score: Set(None),
    }
    .insert(c)
    .await?;
    Ok(Some(token))
}

/// A questionnaire as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub report: ReportId,
    pub answered_at: Option<DateTime<Utc>>,
    pub solved: Option<bool>,
    pub score: Option<u8>,
}

fn feedback_from(m: report_feedback::Model) -> Feedback {
    Feedback {
        report: ReportId(m.report_id),
        answered_at: m.answered_at,
        solved: m.solved,
        score: m.score.and_then(|s| u8::try_from(s).ok()),
    }
}

/// The questionnaire a link points at.
pub async fn feedback_by_token(c: &impl ConnectionTrait, token: &str) -> Result<Option<Feedback>> {
    let token = token.trim();
    if token.len() != 64 {
        return Ok(None);
    }
    Ok(report_feedback::Entity::find()
        .filter(report_feedback::Column::TokenHash.eq(token_hash(token)))
        .one(c)
        .await?
        .map(feedback_from))
}

/// Stores the answer (a later answer replaces an earlier one) and counts it in the
/// statistics. `score` is 1–5. Returns `false` for an unknown link.
pub async fn answer_feedback(
    db: &DatabaseConnection,
    token: &str,
    solved: bool,
    score: u8,
) -> Result<bool> {
    let hash = token_hash(token.trim());
    let tx = crate::begin(db).await?;
    let Some(found) = report_feedback::Entity::find()
        .filter(report_feedback::Column::TokenHash.eq(&hash))
        .one(&tx)
        .await?
    else {
        return Ok(false);
    };
    let id = ReportId(found.report_id);
    // Answers to the same link, and a reassignment (which moves the answer), queue on the
    // report's lock; the answer is read again under it, so the one taken away is current.
    lock_report(&tx, id).await?;
    let (Some(before), Some(report)) = (
        report_feedback::Entity::find_by_id(id.0).one(&tx).await?,
        get(&tx, id).await?,
    ) else {
        return Ok(false);
    };
    let after = report_feedback::Model {
        answered_at: Some(now()),
        solved: Some(solved),
        score: Some(i32::from(score.clamp(1, 5))),
        ..before.clone()
    };
    report_feedback::ActiveModel::from(after.clone())
        .reset_all()
        .update(&tx)
        .await?;
    let place = stats::FeedbackPlace::of(&report);
    let changes = [
        (place, stats::Answer::of(&before), -1),
        (place, stats::Answer::of(&after), 1),
    ];
    stats::count_feedback(&tx, &changes).await?;
    tx.commit().await?;
    Ok(true)
}

/// Takes the report's row lock until the transaction ends (PostgreSQL; SQLite's write
/// transaction holds the whole database already).
async fn lock_report(c: &impl ConnectionTrait, id: ReportId) -> Result<()> {
    reports::Entity::update_many()
        .col_expr(
            reports::Column::UpdatedAt,
            Expr::col(reports::Column::UpdatedAt),
        )
        .filter(reports::Column::Id.eq(id.0))
        .exec(c)
        .await?;
    Ok(())
}

/// Answers so far: (asked, answered, said solved, sum of scores).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedbackTotals {
    pub asked: u64,
    pub answered: u64,
    pub solved: u64,
    pub score_sum: u64,
}

pub async fn feedback_totals(c: &impl ConnectionTrait) -> Result<FeedbackTotals> {
    let rows = report_feedback::Entity::find().all(c).await?;
    let mut t = FeedbackTotals {
        asked: rows.len() as u64,
        ..Default::default()
    };
    for r in rows.iter().filter(|r| r.answered_at.is_some()) {
        t.answered += 1;
        t.solved += u64::from(r.solved == Some(true));
        t.score_sum += r.score.and_then(|s| u64::try_from(s).ok()).unwrap_or(0);
    }
    Ok(t)
}
