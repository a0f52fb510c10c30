//! Verification (assignment to a unit, formal and merit assessments), the author's appeal
//! and its decision, and the funded project's delivery milestones.

use super::*;

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

/// Records an assessment; a corrected cost becomes the project's cost on the ballot.
pub async fn assess(
    c: &impl ConnectionTrait,
    project: &Project,
    assessment: &Assessment,
) -> Result<()> {
    budget_assessments::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(project.id),
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
    if let Some(cost) = assessment.corrected_cost {
        budget_projects::Entity::update_many()
            .col_expr(budget_projects::Column::CorrectedCost, Expr::value(cost))
            .filter(budget_projects::Column::Id.eq(project.id))
            .exec(c)
            .await?;
    }
    Ok(())
}

/// A project's assessments, oldest first.
pub async fn assessments(c: &impl ConnectionTrait, project: Uuid) -> Result<Vec<Assessment>> {
    budget_assessments::Entity::find()
        .filter(budget_assessments::Column::ProjectId.eq(project))
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

/// Files the author's appeal; false when one was filed already (one per project).
pub async fn file_appeal(
    c: &impl Savepoints,
    project: Uuid,
    author: Option<UserId>,
    reason: &str,
) -> Result<bool> {
    let savepoint = c.begin().await?;
    let inserted = budget_appeals::ActiveModel {
        project_id: Set(project),
        author_id: Set(author.map(|u| u.0)),
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
            Ok(true)
        }
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            savepoint.rollback().await?;
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn appeal(c: &impl ConnectionTrait, project: Uuid) -> Result<Option<Appeal>> {
    Ok(budget_appeals::Entity::find_by_id(project)
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

/// Records the decision on an appeal and sets the project's status from it. False when there
/// is no undecided appeal.
pub async fn decide_appeal(
    c: &impl ConnectionTrait,
    project: Uuid,
    upheld: bool,
    reason: &str,
    by: UserId,
) -> Result<bool> {
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
        .filter(budget_appeals::Column::ProjectId.eq(project))
        .filter(budget_appeals::Column::Decision.is_null())
        .exec(c)
        .await?
        .rows_affected
        == 1;
    if done {
        let status = if upheld {
            ProjectStatus::Accepted
        } else {
            ProjectStatus::Rejected
        };
        set_status(c, project, status).await?;
    }
    Ok(done)
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
    project: Uuid,
    milestone: &Milestone,
) -> Result<()> {
    budget_milestones::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(project),
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
pub async fn milestones(c: &impl ConnectionTrait, project: Uuid) -> Result<Vec<Milestone>> {
    budget_milestones::Entity::find()
        .filter(budget_milestones::Column::ProjectId.eq(project))
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
