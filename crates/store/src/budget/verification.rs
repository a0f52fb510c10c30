//! Verification (assignment to a unit, formal and merit assessments), the author's appeal
//! and its decision, and the funded project's delivery milestones.

use super::*;
use miasto_domain::budget::{AppealState, ProjectFacts};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Formal,
    Merit,
}

impl Stage {
    pub const ALL: [Self; 2] = [Self::Formal, Self::Merit];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Formal => "formal",
            Self::Merit => "merit",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub stage: Stage,
    pub positive: bool,
    pub justification: String,
    pub corrected_cost: Option<i64>,
    pub unit: Option<UnitId>,
    pub by: Option<UserId>,
    pub at: DateTime<Utc>,
}

/// Records an assessment while verification is open; a corrected cost becomes the project's
/// cost on the ballot. Refused (nothing written) once voting opens or for a withdrawn project.
pub async fn assess(
    c: &impl ConnectionTrait,
    project: ProjectId,
    assessment: &Assessment,
) -> Result<(), BudgetError> {
    let action = if assessment.corrected_cost.is_some() {
        Action::ChangeCost
    } else {
        Action::Assess
    };
    let mut update = budget_projects::Entity::update_many()
        .col_expr(budget_projects::Column::UpdatedAt, Expr::value(now()));
    if let Some(cost) = assessment.corrected_cost {
        update = update.col_expr(budget_projects::Column::CorrectedCost, Expr::value(cost));
    }
    let result = update
        .filter(budget_projects::Column::Id.eq(project.0))
        .filter(project_open_for(action, now()))
        .exec(c)
        .await?;
    applied(result.rows_affected)?;
    budget_assessments::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(project.0),
        stage: Set(assessment.stage.as_str().to_owned()),
        positive: Set(assessment.positive),
        justification: Set(assessment.justification.clone()),
        corrected_cost: Set(assessment.corrected_cost),
        unit_id: Set(assessment.unit.map(|u| u.0)),
        assessed_by: Set(assessment.by.map(|u| u.0)),
        assessed_at: Set(assessment.at),
    }
    .insert(c)
    .await?;
    Ok(())
}

/// A project's assessments, oldest first.
pub async fn assessments(c: &impl ConnectionTrait, project: ProjectId) -> Result<Vec<Assessment>> {
    budget_assessments::Entity::find()
        .filter(budget_assessments::Column::ProjectId.eq(project.0))
        .order_by_asc(budget_assessments::Column::AssessedAt)
        .all(c)
        .await?
        .into_iter()
        .map(|m| {
            Ok(Assessment {
                stage: Stage::parse(&m.stage)
                    .ok_or_else(|| corrupt("budget_assessments", m.stage.clone()))?,
                positive: m.positive,
                justification: m.justification,
                corrected_cost: m.corrected_cost,
                unit: m.unit_id.map(UnitId),
                by: m.assessed_by.map(UserId),
                at: m.assessed_at,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appeal {
    pub reason: String,
    pub filed_at: DateTime<Utc>,
    /// Some(true): upheld (the project goes on the ballot); Some(false): dismissed.
    pub upheld: Option<bool>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl Appeal {
    pub fn state(appeal: Option<&Self>) -> AppealState {
        match appeal {
            None => AppealState::None,
            Some(a) if a.upheld.is_none() => AppealState::Pending,
            Some(_) => AppealState::Decided,
        }
    }
}

/// Files the author's appeal against leaving the project off the ballot, while appeals are
/// open: once per project.
pub async fn file_appeal(
    c: &impl Savepoints,
    project: ProjectId,
    author: UserId,
    reason: &str,
) -> Result<(), BudgetError> {
    // Holds the project's row: a decision made meanwhile waits or refuses this.
    let open = budget_projects::Entity::update_many()
        .col_expr(budget_projects::Column::UpdatedAt, Expr::value(now()))
        .filter(budget_projects::Column::Id.eq(project.0))
        .filter(budget_projects::Column::AuthorId.eq(author.0))
        .filter(project_open_for(Action::Appeal, now()))
        .exec(c)
        .await?;
    applied(open.rows_affected)?;
    let savepoint = c.begin().await?;
    let inserted = budget_appeals::ActiveModel {
        project_id: Set(project.0),
        author_id: Set(Some(author.0)),
        reason: Set(reason.to_owned()),
        filed_at: Set(now()),
        decision: Set(None),
        decision_reason: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
    }
    .insert(&savepoint)
    .await;
    match inserted {
        Ok(_) => {
            savepoint.commit().await?;
            Ok(())
        }
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            savepoint.rollback().await?;
            Err(BudgetError::Refused(Refusal::AppealFiled))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn appeal(c: &impl ConnectionTrait, project: ProjectId) -> Result<Option<Appeal>> {
    Ok(budget_appeals::Entity::find_by_id(project.0)
        .one(c)
        .await?
        .map(|m| Appeal {
            reason: m.reason,
            filed_at: m.filed_at,
            upheld: m.decision.as_deref().map(|d| d == "upheld"),
            decision_reason: m.decision_reason,
            decided_at: m.decided_at,
        }))
}

/// Records the decision on an appeal (upheld puts the project on the ballot), while appeals
/// are open or the ballot is being prepared, once.
pub async fn decide_appeal(
    c: &impl ConnectionTrait,
    project: ProjectId,
    upheld: bool,
    reason: &str,
    by: UserId,
) -> Result<(), BudgetError> {
    let open = Query::select()
        .column(budget_projects::Column::Id)
        .from(budget_projects::Entity)
        .cond_where(project_open_for(Action::DecideAppeal, now()))
        .and_where(budget_projects::Column::Id.eq(project.0))
        .to_owned();
    let done = budget_appeals::Entity::update_many()
        .col_expr(
            budget_appeals::Column::Decision,
            Expr::value(if upheld { "upheld" } else { "dismissed" }),
        )
        .col_expr(
            budget_appeals::Column::DecisionReason,
            Expr::value(reason.to_owned()),
        )
        .col_expr(budget_appeals::Column::DecidedBy, Expr::value(by.0))
        .col_expr(budget_appeals::Column::DecidedAt, Expr::value(now()))
        .filter(budget_appeals::Column::ProjectId.eq(project.0))
        .filter(budget_appeals::Column::Decision.is_null())
        .filter(budget_appeals::Column::ProjectId.in_subquery(open))
        .exec(c)
        .await?;
    applied(done.rows_affected)?;
    if upheld {
        set_status_if(
            c,
            project,
            Action::DecideAppeal,
            ProjectStatus::Rejected,
            ProjectStatus::Accepted,
        )
        .await?;
    }
    Ok(())
}

/// What the rules need to know about a project: its status, author and unit, its appeal,
/// and whether the published count funded it.
pub async fn facts(c: &impl ConnectionTrait, project: &Project) -> Result<ProjectFacts> {
    let appeal = appeal(c, project.id).await?;
    Ok(ProjectFacts {
        status: project.status,
        author: project.author,
        unit: project.unit,
        appeal: Appeal::state(appeal.as_ref()),
        funded: is_funded(c, project.id).await?,
    })
}

/// Whether the published results fund the project (false before publication: nothing about
/// the count shows until then).
pub async fn is_funded(c: &impl ConnectionTrait, project: ProjectId) -> Result<bool> {
    let published = Query::select()
        .column(budget_projects::Column::Id)
        .from(budget_projects::Entity)
        .cond_where(
            budget_projects::Column::EditionId
                .in_subquery(editions_open_for(Action::RecordDelivery, now())),
        )
        .to_owned();
    Ok(budget_results::Entity::find()
        .filter(budget_results::Column::ProjectId.eq(project.0))
        .filter(budget_results::Column::ProjectId.in_subquery(published))
        .filter(budget_results::Column::Funded.eq(true))
        .one(c)
        .await?
        .is_some())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Realisation {
    Planned,
    InProgress,
    Done,
    Cancelled,
}

impl Realisation {
    pub const ALL: [Self; 4] = [Self::Planned, Self::InProgress, Self::Done, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::InProgress => "in_progress",
            Self::Done => "done",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub status: Realisation,
    pub note: String,
    pub on: NaiveDate,
    pub by: Option<UserId>,
}

pub async fn add_milestone(
    c: &impl ConnectionTrait,
    project: ProjectId,
    milestone: &Milestone,
) -> Result<(), BudgetError> {
    // Results are published (final) and the project was funded by them.
    let funded = budget_projects::Entity::find()
        .select_only()
        .column(budget_projects::Column::Id)
        .filter(budget_projects::Column::Id.eq(project.0))
        .filter(project_open_for(Action::RecordDelivery, now()))
        .filter(
            budget_projects::Column::Id.in_subquery(
                Query::select()
                    .column(budget_results::Column::ProjectId)
                    .from(budget_results::Entity)
                    .and_where(budget_results::Column::Funded.eq(true))
                    .to_owned(),
            ),
        )
        .into_tuple::<Uuid>()
        .one(c)
        .await?;
    if funded.is_none() {
        return Err(BudgetError::Refused(Refusal::Stale));
    }
    budget_milestones::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(project.0),
        status: Set(milestone.status.as_str().to_owned()),
        note: Set(milestone.note.clone()),
        happened_on: Set(milestone.on),
        recorded_by: Set(milestone.by.map(|u| u.0)),
        recorded_at: Set(now()),
    }
    .insert(c)
    .await?;
    Ok(())
}

/// A project's milestones, oldest first; the last one is where it stands.
pub async fn milestones(c: &impl ConnectionTrait, project: ProjectId) -> Result<Vec<Milestone>> {
    budget_milestones::Entity::find()
        .filter(budget_milestones::Column::ProjectId.eq(project.0))
        .order_by_asc(budget_milestones::Column::HappenedOn)
        .order_by_asc(budget_milestones::Column::RecordedAt)
        .all(c)
        .await?
        .into_iter()
        .map(|m| {
            Ok(Milestone {
                status: Realisation::parse(&m.status)
                    .ok_or_else(|| corrupt("budget_milestones", m.status.clone()))?,
                note: m.note,
                on: m.happened_on,
                by: m.recorded_by.map(UserId),
            })
        })
        .collect()
}
