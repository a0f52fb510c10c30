//! Background jobs are rows: typed, enqueued in the caller's transaction (so a job exists if
//! and only if the change that caused it committed), claimed with `FOR UPDATE SKIP LOCKED`
//! on PostgreSQL (SQLite serialises writers and needs no lock clause), retried with
//! exponential backoff, and registered in one enum, [`Job`].

use crate::entities::jobs;
use crate::mail::{EmailMessage, Mailer};
use crate::{Result, now};
use chrono::Duration;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Order, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::Notify;
use uuid::Uuid;

/// Every kind of background work. Adding a variant means adding its arm in [`Worker::perform`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Job {
    SendEmail(EmailMessage),
}

impl Job {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::SendEmail(_) => "send_email",
        }
    }

    fn max_attempts(&self) -> i32 {
        match self {
            Self::SendEmail(_) => 8,
        }
    }
}

const QUEUED: &str = "queued";
const RUNNING: &str = "running";
const FAILED: &str = "failed";

/// Adds a job to the queue, to run as soon as a worker is free. Call it with the transaction
/// of the change that needs the job.
pub async fn enqueue(c: &impl ConnectionTrait, job: &Job) -> Result<()> {
    enqueue_many(c, std::slice::from_ref(job)).await
}

/// Adds a job to run at `run_at` under `key` (a reminder, say), so that [`withdraw`] can take
/// it back while it waits. Call it with the transaction of the change that needs the job.
pub async fn enqueue_at(
    c: &impl ConnectionTrait,
    job: &Job,
    run_at: chrono::DateTime<chrono::Utc>,
    key: &str,
) -> Result<()> {
    jobs::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(job.kind().to_owned()),
        payload: Set(serde_json::to_value(job).map_err(|e| sea_orm::DbErr::Json(e.to_string()))?),
        state: Set(QUEUED.to_owned()),
        attempts: Set(0),
        max_attempts: Set(job.max_attempts()),
        run_at: Set(run_at),
        locked_at: Set(None),
        last_error: Set(None),
        dedupe_key: Set(Some(key.to_owned())),
        created_at: Set(now()),
    }
    .insert(c)
    .await?;
    Ok(())
}

/// Takes back the jobs waiting under `key` (a reminder of a cancelled booking); one already
/// running goes ahead.
pub async fn withdraw(c: &impl ConnectionTrait, key: &str) -> Result<u64> {
    let done = jobs::Entity::delete_many()
        .filter(jobs::Column::DedupeKey.eq(key))
        .filter(jobs::Column::State.eq(QUEUED))
        .exec(c)
        .await?;
    Ok(done.rows_affected)
}

/// Takes back every job waiting under a key that starts with `prefix` (the opening e-mails
/// of a consultation whose dates moved or that was called off).
pub async fn withdraw_prefix(c: &impl ConnectionTrait, prefix: &str) -> Result<u64> {
    let done = jobs::Entity::delete_many()
        .filter(jobs::Column::DedupeKey.starts_with(prefix))
        .filter(jobs::Column::State.eq(QUEUED))
        .exec(c)
        .await?;
    Ok(done.rows_affected)
}

/// Enqueues several jobs with one statement.
pub async fn enqueue_many(c: &impl ConnectionTrait, list: &[Job]) -> Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    let at = now();
    let rows =
        list.iter()
            .map(|job| {
                Ok(jobs::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    kind: Set(job.kind().to_owned()),
                    payload: Set(serde_json::to_value(job)
                        .map_err(|e| sea_orm::DbErr::Json(e.to_string()))?),
                    state: Set(QUEUED.to_owned()),
                    attempts: Set(0),
                    max_attempts: Set(job.max_attempts()),
                    run_at: Set(at),
                    locked_at: Set(None),
                    last_error: Set(None),
                    dedupe_key: Set(None),
                    created_at: Set(at),
                })
            })
            .collect::<Result<Vec<_>>>()?;
    jobs::Entity::insert_many(rows)
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// Counts of jobs by state, for `/metrics` and the admin area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueStats {
    pub queued: u64,
    pub running: u64,
    pub failed: u64,
}

pub async fn stats(c: &impl ConnectionTrait) -> Result<QueueStats> {
    use sea_orm::PaginatorTrait;
    let count = |state: &'static str| {
        jobs::Entity::find()
            .filter(jobs::Column::State.eq(state))
            .count(c)
    };
    Ok(QueueStats {
        queued: count(QUEUED).await?,
        running: count(RUNNING).await?,
        failed: count(FAILED).await?,
    })
}

/// Wakes an in-process worker right after a commit instead of at its next poll.
#[derive(Debug, Clone, Default)]
pub struct Signal(Arc<Notify>);

impl Signal {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// Claims up to `limit` due jobs for this worker.
async fn claim(db: &DatabaseConnection, limit: u64) -> Result<Vec<jobs::Model>> {
    let at = now();
    // ENGINE-SPECIFIC: PostgreSQL gets FOR UPDATE SKIP LOCKED so concurrent workers never
    // claim the same row; sea-query's SQLite builder omits the clause (SQLite serialises writers).
    let due = Query::select()
        .column(jobs::Column::Id)
        .from(jobs::Entity)
        .and_where(Expr::col(jobs::Column::State).eq(QUEUED))
        .and_where(Expr::col(jobs::Column::RunAt).lte(at))
        .order_by(jobs::Column::RunAt, Order::Asc)
        // Ties (jobs enqueued in one transaction) go in the order they were enqueued: ids are
        // time-ordered UUIDv7, so a receipt is never overtaken by a later status e-mail.
        .order_by(jobs::Column::Id, Order::Asc)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .to_owned();
    let claim = Query::update()
        .table(jobs::Entity)
        .value(jobs::Column::State, RUNNING)
        .value(jobs::Column::LockedAt, at)
        .value(
            jobs::Column::Attempts,
            Expr::col(jobs::Column::Attempts).add(1),
        )
        .and_where(Expr::col(jobs::Column::Id).in_subquery(due))
        .returning_all()
        .to_owned();
    let stmt = db.get_database_backend().build(&claim);
    let mut claimed = jobs::Entity::find().from_raw_sql(stmt).all(db).await?;
    // RETURNING gives no order; run the batch in the order the jobs were enqueued.
    claimed.sort_by_key(|job| (job.run_at, job.id));
    Ok(claimed)
}

/// Delay before retry number `attempt` (1-based): 30 s, 1 min, 2 min, … capped at 1 h.
fn backoff(attempt: i32) -> Duration {
    let exp = attempt.clamp(1, 8) - 1;
    Duration::seconds(Ord::min(30_i64 << exp, 3600))
}

/// Runs jobs. One per `miasto serve` (unless disabled) or `miasto worker` process; any
/// number may run against the same database.
#[derive(Clone)]
pub struct Worker {
    db: DatabaseConnection,
    mailer: Arc<Mailer>,
    signal: Signal,
    /// Where photos live, for housekeeping's sweep of orphaned files.
    files: Option<crate::photos::FileStore>,
}

/// What the worker did with the jobs it claimed in one pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub done: usize,
    pub retried: usize,
    pub failed: usize,
}

impl Pass {
    pub fn total(self) -> usize {
        self.done + self.retried + self.failed
    }
}

impl Worker {
    pub fn new(db: DatabaseConnection, mailer: Arc<Mailer>, signal: Signal) -> Self {
        Self {
            db,
            mailer,
            signal,
            files: None,
        }
    }

    /// Housekeeping also deletes photo files no row points at.
    pub fn with_files(mut self, files: crate::photos::FileStore) -> Self {
        self.files = Some(files);
        self
    }

    pub fn mailer(&self) -> &Mailer {
        &self.mailer
    }

    /// Claims and runs one batch of due jobs.
    pub async fn run_once(&self) -> Result<Pass> {
        let mut pass = Pass::default();
        for row in claim(&self.db, 16).await? {
            let outcome = match serde_json::from_value::<Job>(row.payload.clone()) {
                Ok(job) => self.perform(&job).await,
                Err(e) => Err(format!("unreadable payload: {e}")),
            };
            match outcome {
                Ok(()) => {
                    jobs::Entity::delete_by_id(row.id).exec(&self.db).await?;
                    pass.done += 1;
                    tracing::debug!(job.id = %row.id, job.kind = %row.kind, "job done");
                }
                Err(error) if row.attempts >= row.max_attempts => {
                    self.mark(row.id, FAILED, now(), &error).await?;
                    pass.failed += 1;
                    tracing::error!(job.id = %row.id, job.kind = %row.kind, %error, "job failed for good");
                }
                Err(error) => {
                    self.mark(row.id, QUEUED, now() + backoff(row.attempts), &error)
                        .await?;
                    pass.retried += 1;
                    tracing::warn!(job.id = %row.id, job.kind = %row.kind, attempt = row.attempts, %error, "job will be retried");
                }
            }
        }
        Ok(pass)
    }

    async fn mark(
        &self,
        id: Uuid,
        state: &str,
        run_at: chrono::DateTime<chrono::Utc>,
        error: &str,
    ) -> Result<()> {
        jobs::ActiveModel {
            id: Set(id),
            state: Set(state.to_owned()),
            run_at: Set(run_at),
            locked_at: Set(None),
            last_error: Set(Some(error.chars().take(2000).collect())),
            ..Default::default()
        }
        .update(&self.db)
        .await?;
        Ok(())
    }

    /// Runs one job. Errors are reported as text (they end up in `last_error`) and never
    /// contain personal data.
    async fn perform(&self, job: &Job) -> Result<(), String> {
        match job {
            Job::SendEmail(msg) => self
                .mailer
                .deliver(&self.db, msg)
                .await
                .map_err(|e| e.to_string()),
        }
    }

    /// Runs due jobs until none is left; returns what was done. Tests call this to "drain"
    /// the queue; jobs scheduled for later (retries) stay.
    pub async fn drain(&self) -> Result<Pass> {
        let mut total = Pass::default();
        loop {
            let pass = self.run_once().await?;
            if pass.total() == 0 {
                return Ok(total);
            }
            total.done += pass.done;
            total.retried += pass.retried;
            total.failed += pass.failed;
        }
    }

    /// Housekeeping: expired sessions and app tokens, stale tokens, old rate-limit windows,
    /// form keys and submission keys, photo files no row points at (with [`Worker::with_files`]), fresh planner statistics, and jobs left `running` by a
    /// worker that died.
    pub async fn maintain(&self) -> Result<()> {
        crate::sessions::purge_expired(&self.db).await?;
        crate::api_tokens::purge_expired(&self.db).await?;
        crate::form_keys::purge_submissions(&self.db).await?;
        crate::tokens::purge_stale(&self.db).await?;
        crate::support_requests::purge_expired(&self.db).await?;
        crate::rate_limit::purge_old(&self.db).await?;
        crate::form_keys::purge_old(&self.db).await?;
        crate::photos::purge_staged(&self.db).await?;
        if let Some(files) = &self.files {
            crate::photos::sweep_orphans(&self.db, files).await?;
        }
        crate::optimize(&self.db).await?;
        jobs::Entity::update_many()
            .col_expr(jobs::Column::State, Expr::value(QUEUED))
            .col_expr(
                jobs::Column::LockedAt,
                Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
            )
            .filter(jobs::Column::State.eq(RUNNING))
            .filter(jobs::Column::LockedAt.lt(now() - Duration::minutes(15)))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// The worker loop: runs jobs as they come (woken by [`Signal`] or a 2-second poll for
    /// jobs enqueued by other processes) until `shutdown` resolves, finishing the batch in hand.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut last_maintenance = std::time::Instant::now() - std::time::Duration::from_secs(3600);
        tracing::info!(outbox = self.mailer.uses_outbox(), "job worker started");
        loop {
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                () = std::future::ready(()) => {}
            }
            if last_maintenance.elapsed() >= std::time::Duration::from_secs(600) {
                if let Err(error) = self.maintain().await {
                    tracing::error!(%error, "housekeeping failed");
                }
                last_maintenance = std::time::Instant::now();
            }
            let busy = match self.run_once().await {
                Ok(pass) => pass.total() > 0,
                Err(error) => {
                    tracing::error!(%error, "claiming jobs failed");
                    false
                }
            };
            if busy {
                continue;
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = self.signal.0.notified() => {}
                () = tokio::time::sleep(std::time::Duration::from_secs(2)) => {}
            }
        }
        tracing::info!("job worker stopped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(5), Duration::seconds(480));
        assert_eq!(backoff(100), Duration::seconds(3600));
    }

    #[test]
    fn jobs_serialise_with_their_kind() {
        let job = Job::SendEmail(EmailMessage {
            to: "a@example.pl".into(),
            subject: "S".into(),
            body_text: "B".into(),
        });
        let value = serde_json::to_value(&job).unwrap();
        assert_eq!(value["kind"], "send_email");
        assert_eq!(serde_json::from_value::<Job>(value).unwrap(), job);
    }
}
