//! Staff changing a report: status changes (conditional on the status read), notes,
//! reassignment, merges, moderation of the public text, and the tallies behind them.

use super::*;

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no such report")]
    NotFound,
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("the report was merged into another one; change that one")]
    Merged,
    #[error("someone else changed the report meanwhile")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for ChangeError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

impl ChangeError {
    /// Every refusal (all but the database's own failures), for translation checks.
    pub fn refusals() -> Vec<ChangeError> {
        let mut all = vec![Self::NotFound, Self::Merged, Self::Conflict];
        all.extend(TransitionError::ALL.map(Self::Transition));
        all
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "report_not_found",
            Self::Transition(e) => e.code(),
            Self::Merged => "report_merged",
            Self::Conflict => "report_changed_meanwhile",
            Self::Store(_) => "internal",
        }
    }
}

/// A status change that happened, for notifications.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub report: Report,
    pub from: Status,
    /// Reports merged into this one, which followed it.
    pub followers: Vec<Report>,
    /// The report was closed now and never before: time to ask "was it solved?".
    pub first_close: bool,
}

/// Sets a new status. Only an allowed transition succeeds; the change must start from the
/// status the actor saw (`expected`), so two operators cannot overwrite each other.
pub async fn change_status(
    c: &impl ConnectionTrait,
    id: ReportId,
    expected: Option<Status>,
    to: Status,
    actor: Option<UserId>,
    public_message: Option<String>,
    internal_note: Option<String>,
) -> Result<StatusChange, ChangeError> {
    let report = get(c, id).await?.ok_or(ChangeError::NotFound)?;
    if report.merged_into.is_some() {
        return Err(ChangeError::Merged);
    }
    if expected.is_some_and(|e| e != report.status) {
        return Err(ChangeError::Conflict);
    }
    check_transition(report.kind, report.status, to)?;
    let first_close = to.is_closed() && !ever_closed(c, id).await?;
    let updated = set_status(c, &report, to).await?;
    if !updated {
        return Err(ChangeError::Conflict);
    }
    let fields = EventFields {
        from: Some(report.status),
        to: Some(to),
        public_message,
        internal_note,
        ..Default::default()
    };
    record_event(c, id, actor, EventKind::StatusChanged, fields).await?;
    let mut followers = Vec::new();
    for child in merged_children(c, id).await? {
        follow(c, &child, to, actor, report.number).await?;
        followers.push(get(c, child.id).await?.ok_or(ChangeError::NotFound)?);
    }
    let from = report.status;
    let report = get(c, id).await?.ok_or(ChangeError::NotFound)?;
    Ok(StatusChange {
        report,
        from,
        followers,
        first_close,
    })
}

async fn ever_closed(c: &impl ConnectionTrait, id: ReportId) -> Result<bool> {
    let closed: Vec<&str> = Status::ALL
        .iter()
        .filter(|s| s.is_closed())
        .map(|s| s.as_str())
        .collect();
    Ok(report_events::Entity::find()
        .filter(report_events::Column::ReportId.eq(id.0))
        .filter(report_events::Column::ToStatus.is_in(closed))
        .count(c)
        .await?
        > 0)
}

/// Writes the status (and closing time) if the report still has the status read before.
async fn set_status(c: &impl ConnectionTrait, report: &Report, to: Status) -> Result<bool> {
    let at = now();
    let closed_at = if to.is_closed() {
        Some(report.closed_at.unwrap_or(at))
    } else {
        None
    };
    let result = reports::Entity::update_many()
        .col_expr(reports::Column::Status, Expr::value(to.as_str()))
        .col_expr(reports::Column::Open, Expr::value(!to.is_closed()))
        .col_expr(reports::Column::StatusAt, Expr::value(at))
        .col_expr(reports::Column::UpdatedAt, Expr::value(at))
        .col_expr(reports::Column::ClosedAt, Expr::value(closed_at))
        .filter(reports::Column::Id.eq(report.id.0))
        .filter(reports::Column::Status.eq(report.status.as_str()))
        .filter(reports::Column::UnitId.eq(report.unit.0))
        .exec(c)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    adjust_tallies(
        c,
        vec![(report.unit, report.status, -1), (report.unit, to, 1)],
    )
    .await?;
    let before = stats::Shape::of(report);
    let after = before.with_status(to, report.created_at, closed_at);
    stats::count(c, &[(before, -1), (after, 1)]).await?;
    Ok(true)
}

async fn merged_children(c: &impl ConnectionTrait, id: ReportId) -> Result<Vec<Report>> {
    reports::Entity::find()
        .filter(reports::Column::MergedInto.eq(id.0))
        .all(c)
        .await?
        .into_iter()
        .map(Report::try_from)
        .collect()
}

/// A merged report takes its master's status, whatever the transition table says: it is no
/// longer handled on its own.
async fn follow(
    c: &impl ConnectionTrait,
    child: &Report,
    to: Status,
    actor: Option<UserId>,
    master: TrackingNumber,
) -> Result<()> {
    if child.status == to {
        return Ok(());
    }
    set_status(c, child, to).await?;
    let fields = EventFields {
        from: Some(child.status),
        to: Some(to),
        details: Some(serde_json::json!({ "master": master.to_string() })),
        ..Default::default()
    };
    record_event(c, child.id, actor, EventKind::StatusFollowed, fields).await
}

/// An internal note (never public).
pub async fn add_note(
    c: &impl ConnectionTrait,
    id: ReportId,
    actor: UserId,
    note: String,
) -> Result<()> {
    let fields = EventFields {
        internal_note: Some(note),
        ..Default::default()
    };
    record_event(c, id, Some(actor), EventKind::Note, fields).await?;
    touch(c, id).await
}

async fn touch(c: &impl ConnectionTrait, id: ReportId) -> Result<()> {
    reports::Entity::update_many()
        .col_expr(reports::Column::UpdatedAt, Expr::value(now()))
        .filter(reports::Column::Id.eq(id.0))
        .exec(c)
        .await?;
    Ok(())
}

/// Hands a report to another unit, with the reason kept in the timeline.
pub async fn reassign(
    c: &impl ConnectionTrait,
    id: ReportId,
    actor: UserId,
    unit: UnitId,
    reason: String,
) -> Result<bool> {
    let Some(report) = get(c, id).await? else {
        return Ok(false);
    };
    if report.unit == unit {
        return Ok(false);
    }
    // Moves only from the unit read above: a concurrent change shows as "nothing to do".
    let moved = reports::Entity::update_many()
        .col_expr(reports::Column::UnitId, Expr::value(unit.0))
        .col_expr(reports::Column::UpdatedAt, Expr::value(now()))
        .filter(reports::Column::Id.eq(id.0))
        .filter(reports::Column::UnitId.eq(report.unit.0))
        .filter(reports::Column::Status.eq(report.status.as_str()))
        .exec(c)
        .await?;
    if moved.rows_affected != 1 {
        return Ok(false);
    }
    adjust_tallies(
        c,
        vec![(report.unit, report.status, -1), (unit, report.status, 1)],
    )
    .await?;
    let before = stats::Shape::of(&report);
    stats::count(c, &[(before, -1), (before.with_unit(unit), 1)]).await?;
    // An answer to "was it solved?" moves with the report (read after the move, so an
    // answer committed meanwhile is seen).
    if let Some(feedback) = report_feedback::Entity::find_by_id(id.0).one(c).await? {
        let answer = stats::Answer::of(&feedback);
        let place = stats::FeedbackPlace::of(&report);
        let moved = [(place, answer, -1), (place.with_unit(unit), answer, 1)];
        stats::count_feedback(c, &moved).await?;
    }
    let fields = EventFields {
        unit: Some(unit),
        internal_note: Some(reason),
        details: Some(serde_json::json!({ "from_unit": report.unit.to_string() })),
        ..Default::default()
    };
    record_event(c, id, Some(actor), EventKind::Assigned, fields).await?;
    Ok(true)
}

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("no such report")]
    NotFound,
    #[error("a report cannot be merged into itself")]
    Itself,
    #[error("reports of different kinds cannot be merged")]
    KindMismatch,
    #[error("the target was itself merged into another report")]
    TargetMerged,
    #[error("the report is already merged")]
    AlreadyMerged,
    #[error("other reports are merged into this one; merge those into the target first")]
    HasFollowers,
    /// The actor works for one unit and one of the reports belongs to another.
    #[error("the report belongs to another unit")]
    OtherUnit,
    /// The report changed between reading and writing (merged, moved to another unit).
    #[error("the report changed meanwhile")]
    Changed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for MergeError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

impl MergeError {
    /// Every refusal (all but the database's own failures), for translation checks.
    pub fn refusals() -> [MergeError; 8] {
        [
            Self::NotFound,
            Self::Itself,
            Self::KindMismatch,
            Self::TargetMerged,
            Self::AlreadyMerged,
            Self::HasFollowers,
            Self::OtherUnit,
            Self::Changed,
        ]
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "report_not_found",
            Self::Itself => "merge_itself",
            Self::KindMismatch => "merge_kind_mismatch",
            Self::TargetMerged => "merge_target_merged",
            Self::AlreadyMerged => "merge_already_merged",
            Self::HasFollowers => "merge_has_followers",
            Self::OtherUnit => "merge_other_unit",
            Self::Changed => "report_changed_meanwhile",
            Self::Store(_) => "internal",
        }
    }
}

/// Merges `duplicate` into `master`: the duplicate follows the master's status from now on.
/// Returns the duplicate as it is after the merge. An actor confined to one unit (`scope`)
/// merges only between reports of that unit; the write is conditional on the duplicate still
/// being unmerged and in the unit read.
pub async fn merge(
    c: &impl ConnectionTrait,
    duplicate: ReportId,
    master: ReportId,
    actor: UserId,
    scope: Option<UnitId>,
) -> Result<Report, MergeError> {
    if duplicate == master {
        return Err(MergeError::Itself);
    }
    let child = get(c, duplicate).await?.ok_or(MergeError::NotFound)?;
    let target = get(c, master).await?.ok_or(MergeError::NotFound)?;
    if child.merged_into.is_some() {
        return Err(MergeError::AlreadyMerged);
    }
    if target.merged_into.is_some() {
        return Err(MergeError::TargetMerged);
    }
    if child.kind != target.kind {
        return Err(MergeError::KindMismatch);
    }
    if scope.is_some_and(|unit| child.unit != unit || target.unit != unit) {
        return Err(MergeError::OtherUnit);
    }
    if !merged_children(c, duplicate).await?.is_empty() {
        return Err(MergeError::HasFollowers);
    }
    let written = reports::Entity::update_many()
        .col_expr(reports::Column::MergedInto, Expr::value(target.id.0))
        .col_expr(reports::Column::UpdatedAt, Expr::value(now()))
        .filter(reports::Column::Id.eq(child.id.0))
        .filter(reports::Column::MergedInto.is_null())
        .filter(reports::Column::UnitId.eq(child.unit.0))
        .exec(c)
        .await?;
    if written.rows_affected != 1 {
        return Err(MergeError::Changed);
    }
    let fields = EventFields {
        details: Some(serde_json::json!({ "into": target.number.to_string() })),
        ..Default::default()
    };
    record_event(c, child.id, Some(actor), EventKind::Merged, fields).await?;
    let fields = EventFields {
        internal_note: Some(format!("{}", child.number)),
        details: Some(serde_json::json!({ "absorbed": child.number.to_string() })),
        ..Default::default()
    };
    record_event(c, target.id, Some(actor), EventKind::Note, fields).await?;
    follow(c, &child, target.status, Some(actor), target.number).await?;
    get(c, child.id).await?.ok_or(MergeError::NotFound)
}

/// Replaces the public text (moderation: a passage with personal data); the original stays
/// for staff. `None` restores the original.
pub async fn redact_description(
    c: &impl ConnectionTrait,
    id: ReportId,
    actor: UserId,
    public_text: Option<String>,
    reason: String,
) -> Result<bool> {
    let result = reports::Entity::update_many()
        .col_expr(
            reports::Column::DescriptionRedacted,
            Expr::value(public_text),
        )
        .col_expr(reports::Column::UpdatedAt, Expr::value(now()))
        .filter(reports::Column::Id.eq(id.0))
        .exec(c)
        .await?;
    if result.rows_affected == 1 {
        let fields = EventFields {
            internal_note: Some(reason),
            ..Default::default()
        };
        record_event(c, id, Some(actor), EventKind::TextRedacted, fields).await?;
    }
    Ok(result.rows_affected == 1)
}

/// How many reports each unit has in each status, kept in step with every write (the queue's
/// overview). For one unit, or all units summed.
pub async fn count_by_status(
    c: &impl ConnectionTrait,
    unit: Option<UnitId>,
) -> Result<Vec<(Status, u64)>> {
    let mut select = report_tallies::Entity::find();
    if let Some(unit) = unit {
        select = select.filter(report_tallies::Column::UnitId.eq(unit.0));
    }
    let mut out: Vec<(Status, u64)> = Vec::new();
    for row in select.all(c).await? {
        let status =
            Status::parse(&row.status).map_err(|_| corrupt(format!("tally {}", row.status)))?;
        let n = u64::try_from(row.count).unwrap_or(0);
        match out.iter_mut().find(|(s, _)| *s == status) {
            Some(entry) => entry.1 += n,
            None => out.push((status, n)),
        }
    }
    out.retain(|(_, n)| *n > 0);
    out.sort_by_key(|(s, _)| Status::ALL.iter().position(|x| x == s));
    Ok(out)
}

/// Moves the per-unit status tallies. Rows are touched in key order, so two transactions
/// never wait on each other's tally rows in opposite orders.
pub(super) async fn adjust_tallies(
    c: &impl ConnectionTrait,
    mut changes: Vec<(UnitId, Status, i64)>,
) -> Result<()> {
    changes.sort_by_key(|(u, s, _)| (u.0, s.as_str()));
    for (unit, status, delta) in changes {
        if delta == 0 {
            continue;
        }
        report_tallies::Entity::insert(report_tallies::ActiveModel {
            unit_id: Set(unit.0),
            status: Set(status.as_str().to_owned()),
            count: Set(delta),
        })
        .on_conflict(
            OnConflict::columns([
                report_tallies::Column::UnitId,
                report_tallies::Column::Status,
            ])
            .value(
                report_tallies::Column::Count,
                Expr::col((report_tallies::Entity, report_tallies::Column::Count)).add(delta),
            )
            .to_owned(),
        )
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}
