//! Counting each pool with `miasto-tally`, the stored results, their publication and the
//! anonymised Pabulib export.

use super::*;

/// A pool's vote as `miasto-tally` reads it, anonymised: voters are numbered in the order of
/// their ballots' random ids. Projects are the pool's accepted ones, at their final cost.
pub async fn election(
    c: &impl ConnectionTrait,
    edition: &Edition,
    pool: &Pool,
) -> Result<(miasto_tally::Election, Vec<Project>)> {
    let projects = ballot_projects(c, pool.id).await?;
    let index: HashMap<Uuid, usize> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    let rows: Vec<(Uuid, Uuid, i32)> = budget_ballot_choices::Entity::find()
        .select_only()
        .column(budget_ballot_choices::Column::BallotId)
        .column(budget_ballot_choices::Column::ProjectId)
        .column(budget_ballot_choices::Column::Points)
        .filter(budget_ballot_choices::Column::PoolId.eq(pool.id))
        .into_tuple()
        .all(c)
        .await?;
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

/// The pool's ballots as a Pabulib file (see [`election`]).
pub async fn pabulib(c: &impl ConnectionTrait, edition: &Edition, pool: &Pool) -> Result<String> {
    let (election, _) = election(c, edition, pool).await?;
    Ok(miasto_tally::pabulib::write(&election))
}

/// Counts every pool of the edition with its rule and stores the results (replacing any
/// earlier count). Run it once voting has closed; publishing is a separate step.
pub async fn count(c: &impl ConnectionTrait, edition: &Edition) -> Result<()> {
    let counted_at = now();
    for pool in pools(c, edition.id).await? {
        let (e, projects) = election(c, edition, &pool).await?;
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
        budget_pool_results::Entity::delete_by_id(pool.id)
            .exec(c)
            .await?;
        budget_pool_results::ActiveModel {
            pool_id: Set(pool.id),
            ballots_online: Set(i64::try_from(channels.0).unwrap_or(i64::MAX)),
            ballots_paper: Set(i64::try_from(channels.1).unwrap_or(i64::MAX)),
            spent: Set(outcome.cost(&e).hundredths()),
            counted_at: Set(counted_at),
        }
        .insert(c)
        .await?;
        let rows = order
            .iter()
            .enumerate()
            .map(|(position, &i)| budget_results::ActiveModel {
                pool_id: Set(pool.id),
                project_id: Set(projects[i].id),
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
    Ok(())
}

/// Ballots that chose something in the pool: (online, paper).
async fn pool_channels(c: &impl ConnectionTrait, pool: Uuid) -> Result<(u64, u64)> {
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
        .filter(budget_ballot_choices::Column::PoolId.eq(pool))
        .group_by(budget_ballots::Column::Channel)
        .into_tuple()
        .all(c)
        .await?;
    Ok(by_channel(&rows))
}

/// Whether the edition's votes have been counted (any pool has stored results).
pub async fn is_counted(c: &impl ConnectionTrait, edition: Uuid) -> Result<bool> {
    let pools: Vec<Uuid> = pools(c, edition).await?.iter().map(|p| p.id).collect();
    Ok(budget_pool_results::Entity::find()
        .filter(budget_pool_results::Column::PoolId.is_in(pools))
        .one(c)
        .await?
        .is_some())
}

/// Makes the counted results public.
pub async fn publish(c: &impl ConnectionTrait, edition: Uuid) -> Result<bool> {
    Ok(budget_editions::Entity::update_many()
        .col_expr(
            budget_editions::Column::ResultsPublishedAt,
            Expr::value(now()),
        )
        .filter(budget_editions::Column::Id.eq(edition))
        .filter(budget_editions::Column::ResultsPublishedAt.is_null())
        .exec(c)
        .await?
        .rows_affected
        == 1)
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

/// The stored count of every pool counted so far, in pool order.
pub async fn results(c: &impl ConnectionTrait, edition: &Edition) -> Result<Vec<PoolResult>> {
    let mut out = Vec::new();
    for pool in pools(c, edition.id).await? {
        let Some(totals) = budget_pool_results::Entity::find_by_id(pool.id)
            .one(c)
            .await?
        else {
            continue;
        };
        let rows = budget_results::Entity::find()
            .filter(budget_results::Column::PoolId.eq(pool.id))
            .order_by_asc(budget_results::Column::Position)
            .all(c)
            .await?;
        let projects: HashMap<Uuid, Project> = all::<_, Project>(
            budget_projects::Entity::find()
                .filter(budget_projects::Column::PoolId.eq(pool.id))
                .all(c)
                .await?,
        )?
        .into_iter()
        .map(|p| (p.id, p))
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
    projects: &[Uuid],
) -> Result<HashMap<Uuid, Realisation>> {
    let rows = budget_milestones::Entity::find()
        .filter(budget_milestones::Column::ProjectId.is_in(projects.iter().copied()))
        .order_by_asc(budget_milestones::Column::HappenedOn)
        .order_by_asc(budget_milestones::Column::RecordedAt)
        .all(c)
        .await?;
    let mut out = HashMap::new();
    for row in rows {
        if let Some(status) = Realisation::parse(&row.status) {
            out.insert(row.project_id, status);
        }
    }
    Ok(out)
}
