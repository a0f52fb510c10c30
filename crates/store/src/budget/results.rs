//! Opening the envelopes with the commission's shares, counting each pool with
//! `miasto-tally`, the stored results, their publication (and corrections after it) and the
//! anonymised Pabulib export.

use super::*;
use miasto_domain::vote::{BallotContent, OpeningKey, envelope_mac};

/// A pool's vote as `miasto-tally` reads it, anonymised: voters are numbered in the order of
/// their ballots' random ids. Projects are the pool's accepted ones, at their final cost.
pub async fn election(
    c: &impl ConnectionTrait,
    edition: &Edition,
    pool: &Pool,
) -> Result<(miasto_tally::Election, Vec<Project>)> {
    let rows: Vec<Mark> = budget_ballot_choices::Entity::find()
        .select_only()
        .column(budget_ballot_choices::Column::BallotId)
        .column(budget_ballot_choices::Column::ProjectId)
        .column(budget_ballot_choices::Column::Points)
        .filter(budget_ballot_choices::Column::PoolId.eq(pool.id.0))
        .into_tuple()
        .all(c)
        .await?;
    election_of(c, edition, pool, rows).await
}

/// One stored mark: ballot, project, points.
type Mark = (Uuid, Uuid, i32);

/// The pool's election from its marks (as stored, or as just written by the count).
async fn election_of(
    c: &impl ConnectionTrait,
    edition: &Edition,
    pool: &Pool,
    rows: Vec<Mark>,
) -> Result<(miasto_tally::Election, Vec<Project>)> {
    let projects = ballot_projects(c, pool.id).await?;
    let index: HashMap<Uuid, usize> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.0, i))
        .collect();
    let mut by_ballot: BTreeMap<Uuid, Vec<(usize, u64)>> = BTreeMap::new();
    for (ballot, project, points) in rows {
        if let Some(&i) = index.get(&project) {
            by_ballot
                .entry(ballot)
                .or_default()
                .push((i, u64::try_from(points).unwrap_or(0)));
        }
    }
    let vote_type = miasto_tally::VoteType::parse(pool.rule.vote_type())
        .unwrap_or(miasto_tally::VoteType::Approval);
    let cumulative = vote_type == miasto_tally::VoteType::Cumulative;
    let ballots = by_ballot
        .into_values()
        .enumerate()
        .map(|(n, mut marks)| {
            // Ordinal ballots list the first choice first.
            marks.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let voter = (n + 1).to_string();
            let mut fields = vec![voter.clone(), String::new()];
            if cumulative {
                fields.push(String::new());
            }
            miasto_tally::Ballot {
                voter_id: voter,
                choices: marks.iter().map(|m| m.0).collect(),
                points: cumulative.then(|| marks.iter().map(|m| m.1).collect()),
                fields,
            }
        })
        .collect::<Vec<_>>();
    let mut meta = vec![
        (
            "description".to_owned(),
            format!("{} — {}", edition.name_pl, pool.name_pl),
        ),
        ("country".to_owned(), "Poland".to_owned()),
        ("unit".to_owned(), pool.name_pl.clone()),
        ("instance".to_owned(), edition.slug.clone()),
        ("num_projects".to_owned(), projects.len().to_string()),
        ("num_votes".to_owned(), ballots.len().to_string()),
        (
            "budget".to_owned(),
            miasto_tally::Amount::from_hundredths(pool.budget).to_string(),
        ),
        ("vote_type".to_owned(), vote_type.as_str().to_owned()),
        ("rule".to_owned(), pool.counting.as_str().to_owned()),
        ("currency".to_owned(), "PLN".to_owned()),
        ("language".to_owned(), "pl".to_owned()),
    ];
    if let BallotRule::Ranked { picks } = pool.rule {
        meta.push(("min_length".to_owned(), picks.to_string()));
        meta.push(("max_length".to_owned(), picks.to_string()));
    }
    let election = miasto_tally::Election {
        meta,
        budget: miasto_tally::Amount::from_hundredths(pool.budget),
        vote_type,
        project_columns: vec!["project_id".into(), "cost".into(), "name".into()],
        projects: projects
            .iter()
            .map(|p| {
                let cost = miasto_tally::Amount::from_hundredths(p.final_cost());
                miasto_tally::Project {
                    id: p.code.clone(),
                    cost,
                    fields: vec![p.code.clone(), cost.to_string(), p.title.clone()],
                }
            })
            .collect(),
        vote_columns: if cumulative {
            vec!["voter_id".into(), "vote".into(), "points".into()]
        } else {
            vec!["voter_id".into(), "vote".into()]
        },
        ballots,
    };
    Ok((election, projects))
}

/// The pool's ballots as a Pabulib file (see [`election`]); None before the results are
/// published (two downloads around one vote would reveal it).
pub async fn pabulib(
    c: &impl ConnectionTrait,
    edition: &Edition,
    pool: &Pool,
) -> Result<Option<String>> {
    if edition.results_published_at.is_none() {
        return Ok(None);
    }
    let (election, _) = election(c, edition, pool).await?;
    Ok(Some(miasto_tally::pabulib::write(&election)))
}

/// What the count needs and what it tells on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The shares opened the key; this many envelopes to open.
    KeyOpened { envelopes: u64 },
    /// Envelopes opened so far.
    Opened { done: u64, of: u64 },
    /// The ballots are written, in random order.
    Written { ballots: u64 },
    /// Every pool is counted.
    Counted,
}

/// Why the envelopes were not opened. Nothing is written when any of these happens.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("the shares do not open the key: {}", .0.code())]
    Shares(shares::ShareError),
    #[error("refused: {}", .0.code())]
    Refused(Refusal),
    /// An envelope the platform did not sign, or that does not open with the key.
    #[error("envelope {index} is not a ballot of this edition ({why})")]
    Envelope { index: usize, why: &'static str },
    /// Voters and envelopes must be as many: one ballot per voter recorded.
    #[error("{voters} voters but {envelopes} envelopes")]
    Mismatch { voters: u64, envelopes: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for OpenError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

impl From<BudgetError> for OpenError {
    fn from(e: BudgetError) -> Self {
        match e {
            BudgetError::Refused(r) => Self::Refused(r),
            BudgetError::Store(e) => Self::Store(e),
        }
    }
}

/// What the opening did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opened {
    pub ballots: u64,
    /// SQLite: the write-ahead log was emptied after the count, so it no longer holds the
    /// envelopes written during voting (false when a reader kept it busy; it empties at the
    /// next checkpoint).
    pub log_truncated: bool,
}

/// Opens the edition's envelopes and counts, once voting has closed: the `entries` (shares as
/// typed, at least the edition's threshold) put the private key together in memory; every
/// envelope is checked (the platform's signature, one per voter recorded) and opened; the
/// ballots are shuffled and written in one transaction, in random order, after which the
/// envelopes are deleted, paper sheets still open are closed, and every pool is counted. On
/// SQLite the deleted envelopes are overwritten (`secure_delete`) and the write-ahead log is
/// checkpointed and truncated after the commit.
pub async fn open_and_count(
    db: &sea_orm::DatabaseConnection,
    edition: &Edition,
    entries: &[&str],
    by: Option<UserId>,
    secret: &[u8],
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Opened, OpenError> {
    let (Some(ballot_key), Some(threshold)) = (&edition.ballot_key, edition.threshold) else {
        return Err(OpenError::Refused(Refusal::NoKey));
    };
    let issued = issued(&share_slots(db, edition.id).await?);
    let key =
        shares::combine(entries, ballot_key, threshold, &issued).map_err(OpenError::Shares)?;
    let sqlite = db.get_database_backend() == sea_orm::DbBackend::Sqlite;
    let tx = crate::begin(db).await?;
    if sqlite {
        // ENGINE-SPECIFIC: overwrite what this connection deletes (the envelopes).
        tx.execute_unprepared("PRAGMA secure_delete = ON").await?;
    }
    guard(
        &tx,
        edition.id,
        Action::Count,
        Condition::all()
            .add(budget_editions::Column::BallotKey.is_not_null())
            .add(budget_editions::Column::OpenedAt.is_null()),
        Hold::Exclusive,
    )
    .await?;
    let mut envelopes = crate::ballot_box::envelopes(&tx, edition.id.0).await?;
    let voters = voter_count(&tx, edition.id).await?;
    let count = u64::try_from(envelopes.len()).unwrap_or(u64::MAX);
    if voters != count {
        return Err(OpenError::Mismatch {
            voters,
            envelopes: count,
        });
    }
    progress(Progress::KeyOpened { envelopes: count });
    let projects: HashMap<Uuid, Uuid> = budget_projects::Entity::find()
        .select_only()
        .column(budget_projects::Column::Id)
        .column(budget_projects::Column::PoolId)
        .filter(budget_projects::Column::EditionId.eq(edition.id.0))
        .into_tuple::<(Uuid, Uuid)>()
        .all(&tx)
        .await?
        .into_iter()
        .collect();
    // A random order first: ballots are written as they open, in an order that says nothing
    // about when each was cast (envelopes are read in the order they were stored).
    {
        use rand::seq::SliceRandom;
        envelopes.shuffle(&mut rand::rng());
    }
    let written =
        open_and_write(&tx, key, edition.id, envelopes, secret, &projects, progress).await?;
    progress(Progress::Written { ballots: count });
    // The envelopes go; paper sheets still open forget who and what.
    crate::ballot_box::empty(&tx, edition.id.0).await?;
    budget_editions::Entity::update_many()
        .col_expr(budget_editions::Column::OpenedAt, Expr::value(now()))
        .filter(budget_editions::Column::Id.eq(edition.id.0))
        .exec(&tx)
        .await?;
    // Counted from the marks just written (what the transaction holds), without reading
    // them back.
    tally(&tx, edition, by, None, Some(written)).await?;
    tx.commit().await?;
    progress(Progress::Counted);
    let log_truncated = if sqlite { truncate_log(db).await } else { true };
    Ok(Opened {
        ballots: count,
        log_truncated,
    })
}

/// Opens every envelope (checking the platform's signature first) on every core but one's
/// share, while the ballots already opened are written: chunks of envelopes go to opening
/// threads, and each opened chunk is written as it comes back. Nothing is written unless the
/// caller commits; any envelope that fails its check stops everything.
async fn open_and_write(
    c: &impl ConnectionTrait,
    key: OpeningKey,
    edition: EditionId,
    envelopes: Vec<crate::entities::ballot_box_envelopes::Model>,
    secret: &[u8],
    pools: &HashMap<Uuid, Uuid>,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<HashMap<Uuid, Vec<Mark>>, OpenError> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    const CHUNK: usize = 500;
    let of = u64::try_from(envelopes.len()).unwrap_or(u64::MAX);
    let envelopes = Arc::new(envelopes);
    let key = Arc::new(key);
    let secret = Arc::new(zeroize::Zeroizing::new(secret.to_vec()));
    let next = Arc::new(AtomicUsize::new(0));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (sender, mut opened) = tokio::sync::mpsc::channel(threads * 2);
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (envelopes, key, secret, next) =
                (envelopes.clone(), key.clone(), secret.clone(), next.clone());
            let sender = sender.clone();
            std::thread::spawn(move || {
                loop {
                    let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                    let Some(part) = envelopes.get(start..(start + CHUNK).min(envelopes.len()))
                    else {
                        break;
                    };
                    if part.is_empty() {
                        break;
                    }
                    let ballots: Result<Vec<BallotContent>, OpenError> = part
                        .iter()
                        .enumerate()
                        .map(|(i, e)| {
                            let index = start + i;
                            if envelope_mac(&secret, edition.0, &e.sealed) != e.mac {
                                return Err(OpenError::Envelope {
                                    index,
                                    why: "not signed by this platform",
                                });
                            }
                            key.open(&e.sealed).map_err(|_| OpenError::Envelope {
                                index,
                                why: "does not open with the key",
                            })
                        })
                        .collect();
                    let failed = ballots.is_err();
                    if sender.blocking_send(ballots).is_err() || failed {
                        break;
                    }
                }
            })
        })
        .collect();
    drop(sender);
    drop(key);
    let mut done = 0u64;
    let mut outcome = Ok(());
    let mut marks: HashMap<Uuid, Vec<Mark>> = HashMap::new();
    while let Some(part) = opened.recv().await {
        let written = match part {
            Ok(ballots) => write_ballots(c, edition, &ballots, pools, &mut marks)
                .await
                .map(|()| ballots.len()),
            Err(e) => Err(e),
        };
        match written {
            Ok(n) => {
                let before = done;
                done += u64::try_from(n).unwrap_or(0);
                if before / 10_000 != done / 10_000 {
                    progress(Progress::Opened { done, of });
                }
            }
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    // Stops the openers (their next send fails) and waits for them off the async threads.
    drop(opened);
    let joined = tokio::task::spawn_blocking(move || workers.into_iter().all(|w| w.join().is_ok()))
        .await
        .unwrap_or(false);
    outcome?;
    if !joined || done != of {
        return Err(OpenError::Envelope {
            index: usize::try_from(done).unwrap_or(usize::MAX),
            why: "the opening thread failed",
        });
    }
    progress(Progress::Opened { done: of, of });
    Ok(marks)
}

/// Writes opened ballots in the order given (random), in batches.
async fn write_ballots(
    c: &impl ConnectionTrait,
    edition: EditionId,
    ballots: &[BallotContent],
    pools: &HashMap<Uuid, Uuid>,
    written: &mut HashMap<Uuid, Vec<Mark>>,
) -> Result<(), OpenError> {
    const BATCH: usize = 500;
    for part in ballots.chunks(BATCH) {
        let ids: Vec<Uuid> = part.iter().map(|_| Uuid::new_v4()).collect();
        budget_ballots::Entity::insert_many(part.iter().zip(&ids).map(|(b, id)| {
            budget_ballots::ActiveModel {
                id: Set(*id),
                edition_id: Set(edition.0),
                channel: Set(b.channel.as_str().to_owned()),
            }
        }))
        .exec_without_returning(c)
        .await?;
        let mut choices = Vec::new();
        for (b, id) in part.iter().zip(&ids) {
            for (project, points) in &b.marks {
                let pool = pools.get(project).ok_or_else(|| {
                    corrupt(
                        "ballot_box_envelopes",
                        "a ballot marks a project of another edition".into(),
                    )
                })?;
                written
                    .entry(*pool)
                    .or_default()
                    .push((*id, *project, i32::from(*points)));
                choices.push(budget_ballot_choices::ActiveModel {
                    ballot_id: Set(*id),
                    project_id: Set(*project),
                    pool_id: Set(*pool),
                    points: Set(i32::from(*points)),
                });
            }
        }
        if !choices.is_empty() {
            budget_ballot_choices::Entity::insert_many(choices)
                .exec_without_returning(c)
                .await?;
        }
    }
    Ok(())
}

/// ENGINE-SPECIFIC (SQLite): moves everything from the write-ahead log into the database
/// file and empties the log. Tries a few times while readers finish.
async fn truncate_log(db: &sea_orm::DatabaseConnection) -> bool {
    for attempt in 0..20 {
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "PRAGMA wal_checkpoint(TRUNCATE)",
            ))
            .await;
        if let Ok(Some(row)) = row
            && row.try_get_by_index::<i32>(0).ok() == Some(0)
        {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50 * (attempt + 1))).await;
    }
    false
}

/// Counts the opened ballots again: before publication while counting (no reason needed),
/// or after it as a correction, with the reason the results page shows. Refused before the
/// envelopes are opened.
pub async fn recount(
    c: &impl ConnectionTrait,
    edition: &Edition,
    by: Option<UserId>,
    reason: Option<&str>,
) -> Result<(), BudgetError> {
    let action = if reason.is_some() {
        Action::Correct
    } else {
        Action::Count
    };
    guard(
        c,
        edition.id,
        action,
        Condition::all().add(budget_editions::Column::OpenedAt.is_not_null()),
        Hold::Exclusive,
    )
    .await?;
    Ok(tally(c, edition, by, reason, None).await?)
}

/// Counts every pool of the edition with its rule from the opened ballots and stores the
/// results (replacing the previous count), how many ballots they include, and a record of
/// the count.
/// Counts every pool from its stored marks, or from `written` (the marks of each pool just
/// written in this transaction, by pool).
async fn tally(
    c: &impl ConnectionTrait,
    edition: &Edition,
    by: Option<UserId>,
    reason: Option<&str>,
    mut written: Option<HashMap<Uuid, Vec<Mark>>>,
) -> Result<()> {
    let counted_at = now();
    for pool in pools(c, edition.id).await? {
        let (e, projects) = match written.as_mut() {
            Some(marks) => {
                let rows = marks.remove(&pool.id.0).unwrap_or_default();
                election_of(c, edition, &pool, rows).await?
            }
            None => election(c, edition, &pool).await?,
        };
        let outcome = match pool.counting {
            Counting::Greedy => miasto_tally::greedy::greedy(&e, e.budget, &Default::default()),
            Counting::EqualSharesCost | Counting::EqualSharesApproval => {
                let utility = if pool.counting == Counting::EqualSharesCost {
                    miasto_tally::mes::Utility::Cost
                } else {
                    miasto_tally::mes::Utility::Approval
                };
                miasto_tally::mes::mes(
                    &e,
                    e.budget,
                    &miasto_tally::mes::Options {
                        utility,
                        completion: miasto_tally::mes::Completion::Add1,
                        ..Default::default()
                    },
                )
            }
        };
        let (score, votes) = e.scores();
        let order = miasto_tally::greedy::ranking(&e, miasto_tally::TieRule::default());
        let channels = pool_channels(c, pool.id).await?;
        budget_pool_results::Entity::delete_by_id(pool.id.0)
            .exec(c)
            .await?;
        budget_results::Entity::delete_many()
            .filter(budget_results::Column::PoolId.eq(pool.id.0))
            .exec(c)
            .await?;
        budget_pool_results::ActiveModel {
            pool_id: Set(pool.id.0),
            ballots_online: Set(i64::try_from(channels.online).unwrap_or(i64::MAX)),
            ballots_paper: Set(i64::try_from(channels.paper + channels.counter).unwrap_or(i64::MAX)),
            spent: Set(outcome.cost(&e).hundredths()),
            counted_at: Set(counted_at),
        }
        .insert(c)
        .await?;
        let rows = order
            .iter()
            .enumerate()
            .map(|(position, &i)| budget_results::ActiveModel {
                pool_id: Set(pool.id.0),
                project_id: Set(projects[i].id.0),
                score: Set(i64::try_from(score[i]).unwrap_or(i64::MAX)),
                voters: Set(i64::try_from(votes[i]).unwrap_or(i64::MAX)),
                funded: Set(outcome.funded.contains(&i)),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            });
        if !order.is_empty() {
            budget_results::Entity::insert_many(rows)
                .exec_without_returning(c)
                .await?;
        }
    }
    let ballots = ballot_totals(c, edition.id).await?.all();
    let ballots = i64::try_from(ballots).unwrap_or(i64::MAX);
    budget_editions::Entity::update_many()
        .col_expr(
            budget_editions::Column::CountedBallots,
            Expr::value(ballots),
        )
        .filter(budget_editions::Column::Id.eq(edition.id.0))
        .exec(c)
        .await?;
    budget_counts::ActiveModel {
        id: Set(Uuid::now_v7()),
        edition_id: Set(edition.id.0),
        counted_at: Set(counted_at),
        counted_by: Set(by.map(|u| u.0)),
        ballots: Set(ballots),
        reason: Set(reason.map(str::to_owned)),
    }
    .insert(c)
    .await?;
    Ok(())
}

/// Ballots that chose something in the pool, per channel.
async fn pool_channels(c: &impl ConnectionTrait, pool: PoolId) -> Result<Totals> {
    let rows: Vec<(String, i64)> = budget_ballot_choices::Entity::find()
        .select_only()
        .column(budget_ballots::Column::Channel)
        .column_as(
            Expr::col((
                budget_ballot_choices::Entity,
                budget_ballot_choices::Column::BallotId,
            ))
            .count_distinct(),
            "n",
        )
        .join(
            sea_orm::JoinType::InnerJoin,
            budget_ballot_choices::Entity::belongs_to(budget_ballots::Entity)
                .from(budget_ballot_choices::Column::BallotId)
                .to(budget_ballots::Column::Id)
                .into(),
        )
        .filter(budget_ballot_choices::Column::PoolId.eq(pool.0))
        .group_by(budget_ballots::Column::Channel)
        .into_tuple()
        .all(c)
        .await?;
    Ok(Totals::from_rows(&rows))
}

/// Makes the counted results public: only when the envelopes are opened (none left) and the
/// latest count includes every ballot; once.
pub async fn publish(c: &impl ConnectionTrait, edition: EditionId) -> Result<(), BudgetError> {
    use budget_editions::Column as C;
    let ballots = Query::select()
        .expr(Expr::col(budget_ballots::Column::Id).count())
        .from(budget_ballots::Entity)
        .and_where(budget_ballots::Column::EditionId.eq(edition.0))
        .to_owned();
    let envelopes = crate::ballot_box::envelope_ids(edition.0);
    let result = budget_editions::Entity::update_many()
        .col_expr(C::ResultsPublishedAt, Expr::value(now()))
        .filter(C::Id.eq(edition.0))
        .filter(C::ResultsPublishedAt.is_null())
        .filter(C::OpenedAt.is_not_null())
        .filter(Expr::col(C::CountedBallots).eq(Expr::SubQuery(
            None,
            Box::new(sea_orm::sea_query::SubQueryStatement::SelectStatement(
                ballots,
            )),
        )))
        .filter(Expr::exists(envelopes).not())
        .filter(in_phases(Action::Publish.phases(), now()))
        .exec(c)
        .await?;
    applied(result.rows_affected)
}

/// One count of the edition, as the results page lists corrections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountRecord {
    pub at: DateTime<Utc>,
    pub by: Option<UserId>,
    pub ballots: u64,
    /// Set for a correction after publication.
    pub reason: Option<String>,
}

/// Every count, oldest first.
pub async fn counts(c: &impl ConnectionTrait, edition: EditionId) -> Result<Vec<CountRecord>> {
    Ok(budget_counts::Entity::find()
        .filter(budget_counts::Column::EditionId.eq(edition.0))
        .order_by_asc(budget_counts::Column::CountedAt)
        .all(c)
        .await?
        .into_iter()
        .map(|m| CountRecord {
            at: m.counted_at,
            by: m.counted_by.map(UserId),
            ballots: u64::try_from(m.ballots).unwrap_or(0),
            reason: m.reason,
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    pub project: Project,
    pub score: u64,
    pub voters: u64,
    pub funded: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PoolResult {
    pub pool: Pool,
    pub online: u64,
    /// On paper or at a counter (recorded by staff).
    pub paper: u64,
    pub spent: i64,
    pub counted_at: DateTime<Utc>,
    /// In the order the count considered them (score, then the tie rule).
    pub rows: Vec<ResultRow>,
}

impl PoolResult {
    pub fn ballots(&self) -> u64 {
        self.online + self.paper
    }

    pub fn leftover(&self) -> i64 {
        self.pool.budget - self.spent
    }
}

/// The published results of every pool, in pool order: empty before publication, for
/// everyone (officials included).
pub async fn results(c: &impl ConnectionTrait, edition: &Edition) -> Result<Vec<PoolResult>> {
    if edition.results_published_at.is_none() {
        return Ok(Vec::new());
    }
    stored_results(c, edition).await
}

/// The stored count whether published or not: for the count's own checks and tests only.
pub async fn stored_results(
    c: &impl ConnectionTrait,
    edition: &Edition,
) -> Result<Vec<PoolResult>> {
    let mut out = Vec::new();
    for pool in pools(c, edition.id).await? {
        let Some(totals) = budget_pool_results::Entity::find_by_id(pool.id.0)
            .one(c)
            .await?
        else {
            continue;
        };
        let rows = budget_results::Entity::find()
            .filter(budget_results::Column::PoolId.eq(pool.id.0))
            .order_by_asc(budget_results::Column::Position)
            .all(c)
            .await?;
        let projects: HashMap<Uuid, Project> = all::<_, Project>(
            budget_projects::Entity::find()
                .filter(budget_projects::Column::PoolId.eq(pool.id.0))
                .all(c)
                .await?,
        )?
        .into_iter()
        .map(|p| (p.id.0, p))
        .collect();
        let rows = rows
            .into_iter()
            .filter_map(|r| {
                Some(ResultRow {
                    project: projects.get(&r.project_id)?.clone(),
                    score: u64::try_from(r.score).unwrap_or(0),
                    voters: u64::try_from(r.voters).unwrap_or(0),
                    funded: r.funded,
                })
            })
            .collect();
        out.push(PoolResult {
            online: u64::try_from(totals.ballots_online).unwrap_or(0),
            paper: u64::try_from(totals.ballots_paper).unwrap_or(0),
            spent: totals.spent,
            counted_at: totals.counted_at,
            rows,
            pool,
        });
    }
    Ok(out)
}

/// The funded project's realisation, for lists: its latest milestone.
pub async fn latest_milestones(
    c: &impl ConnectionTrait,
    projects: &[ProjectId],
) -> Result<HashMap<ProjectId, Realisation>> {
    let rows = budget_milestones::Entity::find()
        .filter(budget_milestones::Column::ProjectId.is_in(projects.iter().map(|p| p.0)))
        .order_by_asc(budget_milestones::Column::HappenedOn)
        .order_by_asc(budget_milestones::Column::RecordedAt)
        .all(c)
        .await?;
    let mut out = HashMap::new();
    for row in rows {
        if let Some(status) = Realisation::parse(&row.status) {
            out.insert(ProjectId(row.project_id), status);
        }
    }
    Ok(out)
}
