//! Group commit for report intake. Handlers check and prepare a submission concurrently (parse,
//! photos), then hand it to one committer task, which writes every submission that queued up
//! meanwhile in a single transaction — one `fsync` for the batch instead of one per report —
//! and answers each handler only after the commit: an acknowledged report is on disk.
//! Statements are per batch, not per report (multi-row inserts), so a bigger batch costs
//! little more than a small one.
//!
//! Under light load a batch is one report and nothing waits; under heavy load batches grow by
//! themselves while the previous commit is flushing.

use super::Lookup;
use crate::{AppState, Error};
use miasto_store::photos::Stored;
use miasto_store::rate_limit::{self, Limit};
use miasto_store::reports::{self, Created, NewReport};
use tokio::sync::{mpsc, oneshot};

/// A checked report waiting to be written.
pub struct Submission {
    pub report: NewReport,
    /// Settled by the handler (concurrent reads) so the committer only writes.
    pub kind: miasto_domain::reference::ReportKind,
    pub unit: miasto_domain::UnitId,
    pub photos: Vec<Stored>,
    /// The form's idempotency key and its scope (a double-click writes once).
    pub form_key: String,
    pub form_scope: &'static str,
    /// The rate-limit counter to charge, if any (web forms; not the hotline).
    pub limit: Option<(String, Limit)>,
    /// An API `Idempotency-Key` (hashed with its sender) and the request's fingerprint: the
    /// report created is remembered under it in the same transaction.
    pub remember: Option<(String, String)>,
}

/// What happened to a submission.
#[derive(Debug)]
pub enum Outcome {
    Created(Box<Created>),
    /// The same form was already submitted.
    Duplicate,
    /// The sender is over the rate limit.
    Limited {
        retry_after_secs: u64,
    },
}

type Reply = oneshot::Sender<Result<Outcome, Error>>;

/// The handle handlers submit through.
#[derive(Clone)]
pub struct Intake(mpsc::Sender<(Submission, Reply)>);

/// Most submissions written in one transaction.
const MAX_BATCH: usize = 64;

/// The committer's end of the channel.
pub struct Queue(mpsc::Receiver<(Submission, Reply)>);

impl Intake {
    pub fn channel() -> (Self, Queue) {
        let (tx, rx) = mpsc::channel(1024);
        (Self(tx), Queue(rx))
    }

    /// Writes the submission (with others queued at the same moment) and returns once it is
    /// committed.
    pub async fn submit(&self, submission: Submission) -> Result<Outcome, Error> {
        let (reply, answer) = oneshot::channel();
        self.0
            .send((submission, reply))
            .await
            .map_err(|_| Error::internal("the intake committer has stopped"))?;
        answer
            .await
            .map_err(|_| Error::internal("the intake committer dropped a submission"))?
    }
}

/// The committer loop: runs until every sender is gone.
pub async fn run(state: AppState, Queue(mut rx): Queue) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        commit(&state, batch).await;
    }
}

async fn commit(state: &AppState, batch: Vec<(Submission, Reply)>) {
    let size = batch.len();
    match write(state, &batch).await {
        Ok(outcomes) => {
            for ((_, reply), outcome) in batch.into_iter().zip(outcomes) {
                let _ = reply.send(outcome);
            }
            state.wake_worker();
            tracing::debug!(size, "intake batch committed");
        }
        // One submission the database refuses must not sink the others: each is written
        // again in a transaction of its own, and only the one that fails alone fails.
        Err(error) if size > 1 => {
            tracing::warn!(%error, size, "intake batch failed; writing its submissions one by one");
            for one in batch {
                let single = [one];
                let result = write(state, &single).await;
                let [(_, reply)] = single;
                match result {
                    Ok(mut outcomes) => {
                        let outcome = outcomes
                            .pop()
                            .unwrap_or_else(|| Err(Error::internal("intake outcome missing")));
                        let _ = reply.send(outcome);
                        state.wake_worker();
                    }
                    Err(error) => {
                        tracing::error!(%error, "intake submission failed");
                        let _ = reply.send(Err(Error::internal("intake submission failed")));
                    }
                }
            }
        }
        Err(error) => {
            tracing::error!(%error, "intake submission failed");
            for (_, reply) in batch {
                let _ = reply.send(Err(Error::internal("intake submission failed")));
            }
        }
    }
}

/// Writes a batch in one transaction with a handful of statements, whatever its size: the
/// rate limits charged per client, the form keys claimed, one number reservation, the reports
/// with their first events, their photos, the receipts. Nothing fallible is left between the
/// writes of one report, so no savepoints are needed: a database error fails the whole
/// transaction, and [`commit`] then writes the submissions one by one.
async fn write(
    state: &AppState,
    batch: &[(Submission, Reply)],
) -> Result<Vec<Result<Outcome, Error>>, Error> {
    let lookup = Lookup::load(state).await?;
    let tx = miasto_store::begin(state.db()).await?;
    let submissions: Vec<&Submission> = batch.iter().map(|(s, _)| s).collect();
    let mut outcomes: Vec<Option<Result<Outcome, Error>>> =
        submissions.iter().map(|_| None).collect();

    // Rate limits: one counter update per client, deciding its submissions in order.
    let mut keys: Vec<(&str, Limit)> = submissions
        .iter()
        .filter_map(|s| s.limit.as_ref().map(|(k, l)| (k.as_str(), *l)))
        .collect();
    keys.sort_unstable_by_key(|(k, _)| *k);
    keys.dedup_by_key(|(k, _)| *k);
    for (key, limit) in keys {
        let mine: Vec<usize> = (0..submissions.len())
            .filter(|&i| submissions[i].limit.as_ref().is_some_and(|(k, _)| k == key))
            .collect();
        let n = u32::try_from(mine.len()).unwrap_or(u32::MAX);
        let decisions = rate_limit::hit_many(&tx, key, limit, n).await?;
        for (i, decision) in mine.into_iter().zip(decisions) {
            if let rate_limit::Decision::Limited { retry_after_secs } = decision {
                outcomes[i] = Some(Ok(Outcome::Limited { retry_after_secs }));
            }
        }
    }

    // Form keys, per scope: a repeated form (a double-click, a resent POST) writes once.
    let mut scopes: Vec<&str> = submissions.iter().map(|s| s.form_scope).collect();
    scopes.sort_unstable();
    scopes.dedup();
    for scope in scopes {
        let mine: Vec<usize> = (0..submissions.len())
            .filter(|&i| outcomes[i].is_none() && submissions[i].form_scope == scope)
            .collect();
        let keys: Vec<&str> = mine
            .iter()
            .map(|&i| submissions[i].form_key.as_str())
            .collect();
        let claimed = miasto_store::form_keys::claim_many(&tx, scope, &keys).await?;
        for (i, first) in mine.into_iter().zip(claimed) {
            if !first {
                outcomes[i] = Some(Ok(Outcome::Duplicate));
            }
        }
    }

    let accepted: Vec<usize> = (0..submissions.len())
        .filter(|&i| outcomes[i].is_none())
        .collect();
    if !accepted.is_empty() {
        let year = reports::numbering_year(miasto_store::now());
        let count = u32::try_from(accepted.len()).unwrap_or(u32::MAX);
        let first = reports::reserve_numbers(&tx, year, count).await?;
        let items = accepted
            .iter()
            .zip(first.seq..)
            .map(|(&i, seq)| reports::Numbered {
                new: submissions[i].report.clone(),
                kind: submissions[i].kind,
                unit: submissions[i].unit,
                number: miasto_domain::reports::TrackingNumber { year, seq },
            })
            .collect();
        let created = reports::insert_many(&tx, items).await?;
        let mut receipts = Vec::new();
        for (&i, created) in accepted.iter().zip(created) {
            let photos = &submissions[i].photos;
            if !photos.is_empty() {
                miasto_store::photos::attach(&tx, created.report.id, photos).await?;
            }
            if let Some((key, fingerprint)) = &submissions[i].remember {
                miasto_store::form_keys::remember_submission(
                    &tx,
                    key,
                    fingerprint,
                    created.report.id,
                )
                .await?;
            }
            receipts.extend(
                super::notify::receipt_jobs(
                    &tx,
                    state,
                    &created.report,
                    &created.tracking_token,
                    &lookup,
                )
                .await?,
            );
            outcomes[i] = Some(Ok(Outcome::Created(Box::new(created))));
        }
        miasto_store::jobs::enqueue_many(&tx, &receipts).await?;
    }
    tx.commit().await?;
    Ok(outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Err(Error::internal("intake outcome missing"))))
        .collect())
}
