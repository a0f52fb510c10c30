//! The citizens' budget: editions with their schedule and eligibility, pools (city-wide and
//! per district) with budgets and ballot rules, projects with cost items, verification
//! (formal and merit assessments by city units), appeals, realisation milestones, and the
//! vote.
//!
//! The vote keeps identity and choice apart. `budget_voters` holds one keyed hash (HMAC with
//! the server secret) of each voter's identity per edition, under a primary key, so a second
//! ballot is refused by the database itself; `budget_ballots` and `budget_ballot_choices`
//! hold what was chosen, with a random id (UUIDv4), the channel and the day only. Neither
//! table records a time or a sequence: on SQLite they are `WITHOUT ROWID`, so rows are kept
//! in key order (random) and no hidden row number shows which voter row and which ballot
//! were written together. Paper ballots are typed in twice (`budget_paper_entries`); the
//! entries keep the identity and the choices only until the two keyings agree.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BudgetEditions {
    Table,
    Id,
    Slug,
    NamePl,
    NameEn,
    SubmissionOpensAt,
    SubmissionClosesAt,
    AppealsOpensAt,
    AppealsClosesAt,
    VotingOpensAt,
    VotingClosesAt,
    MinAge,
    AllowWithoutPesel,
    ResultsPublishedAt,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum BudgetPools {
    Table,
    Id,
    EditionId,
    Code,
    DistrictId,
    NamePl,
    NameEn,
    Budget,
    MinCost,
    MaxCost,
    BallotRule,
    CountingRule,
    Position,
}

#[derive(DeriveIden)]
enum BudgetProjects {
    Table,
    Id,
    EditionId,
    PoolId,
    Number,
    Code,
    AuthorId,
    Title,
    Summary,
    Description,
    Location,
    Lat,
    Lon,
    Category,
    Cost,
    CorrectedCost,
    UnitId,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BudgetCostItems {
    Table,
    ProjectId,
    Position,
    Description,
    Amount,
}

#[derive(DeriveIden)]
enum BudgetAssessments {
    Table,
    Id,
    ProjectId,
    Stage,
    Positive,
    Justification,
    CorrectedCost,
    UnitId,
    AssessedBy,
    AssessedAt,
}

#[derive(DeriveIden)]
enum BudgetAppeals {
    Table,
    ProjectId,
    AuthorId,
    Reason,
    FiledAt,
    Decision,
    DecisionReason,
    DecidedBy,
    DecidedAt,
}

#[derive(DeriveIden)]
enum BudgetMilestones {
    Table,
    Id,
    ProjectId,
    Status,
    Note,
    HappenedOn,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum BudgetVoters {
    Table,
    EditionId,
    IdentityHash,
    UserId,
}

#[derive(DeriveIden)]
enum BudgetBallots {
    Table,
    Id,
    EditionId,
    Channel,
    CastOn,
}

#[derive(DeriveIden)]
enum BudgetBallotChoices {
    Table,
    BallotId,
    ProjectId,
    PoolId,
    Points,
}

#[derive(DeriveIden)]
enum BudgetPaperEntries {
    Table,
    Id,
    EditionId,
    Sheet,
    Point,
    KeyedBy,
    KeyedAt,
    IdentityHash,
    Content,
    Status,
    ResolvedBy,
}

#[derive(DeriveIden)]
enum BudgetResults {
    Table,
    PoolId,
    ProjectId,
    Score,
    Voters,
    Funded,
    Position,
}

#[derive(DeriveIden)]
enum BudgetPoolResults {
    Table,
    PoolId,
    BallotsOnline,
    BallotsPaper,
    Spent,
    CountedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Districts {
    Table,
    Id,
}

fn uuid(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().to_owned()
}

fn uuid_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().null().to_owned()
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
}

fn money(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().to_owned()
}

fn money_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().to_owned()
}

fn at(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn at_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

fn user_fk(name: &str, from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    fk(
        name,
        from,
        (Users::Table, Users::Id),
        ForeignKeyAction::SetNull,
    )
}

async fn index(
    m: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut stmt = Index::create().name(name).table(table).to_owned();
    for col in cols {
        stmt.col(col);
    }
    if unique {
        stmt.unique();
    }
    m.create_index(stmt).await
}

/// Tables of the secret ballot keep no hidden row number on SQLite (see the module comment).
fn secret(table: &mut TableCreateStatement, engine: DbBackend) -> TableCreateStatement {
    // ENGINE-SPECIFIC: only SQLite has rowids to leave out.
    if engine == DbBackend::Sqlite {
        table.extra("WITHOUT ROWID");
    }
    table.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let engine = m.get_database_backend();
        m.create_table(
            Table::create()
                .table(BudgetEditions::Table)
                .col(uuid(BudgetEditions::Id).primary_key())
                .col(text(BudgetEditions::Slug).unique_key())
                .col(text(BudgetEditions::NamePl))
                .col(text(BudgetEditions::NameEn))
                .col(at(BudgetEditions::SubmissionOpensAt))
                .col(at(BudgetEditions::SubmissionClosesAt))
                .col(at(BudgetEditions::AppealsOpensAt))
                .col(at(BudgetEditions::AppealsClosesAt))
                .col(at(BudgetEditions::VotingOpensAt))
                .col(at(BudgetEditions::VotingClosesAt))
                .col(ColumnDef::new(BudgetEditions::MinAge).integer().null())
                .col(
                    ColumnDef::new(BudgetEditions::AllowWithoutPesel)
                        .boolean()
                        .not_null(),
                )
                .col(at_null(BudgetEditions::ResultsPublishedAt))
                .col(at(BudgetEditions::CreatedAt))
                .col(uuid_null(BudgetEditions::CreatedBy))
                .foreign_key(&mut user_fk(
                    "fk_budget_editions_created_by",
                    (BudgetEditions::Table, BudgetEditions::CreatedBy),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(BudgetPools::Table)
                .col(uuid(BudgetPools::Id).primary_key())
                .col(uuid(BudgetPools::EditionId))
                .col(text(BudgetPools::Code))
                // None: the city-wide pool; a voter picks one district pool.
                .col(uuid_null(BudgetPools::DistrictId))
                .col(text(BudgetPools::NamePl))
                .col(text(BudgetPools::NameEn))
                .col(money(BudgetPools::Budget))
                .col(money(BudgetPools::MinCost))
                .col(money_null(BudgetPools::MaxCost))
                // "ranked:3", "approval:5", "cumulative:10:3", "knapsack".
                .col(text(BudgetPools::BallotRule))
                // "greedy", "mes-cost", "mes-approval" (with ":add1" or ":greedy").
                .col(text(BudgetPools::CountingRule))
                .col(ColumnDef::new(BudgetPools::Position).integer().not_null())
                .foreign_key(&mut fk(
                    "fk_budget_pools_edition",
                    (BudgetPools::Table, BudgetPools::EditionId),
                    (BudgetEditions::Table, BudgetEditions::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_budget_pools_district",
                    (BudgetPools::Table, BudgetPools::DistrictId),
                    (Districts::Table, Districts::Id),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(BudgetProjects::Table)
                .col(uuid(BudgetProjects::Id).primary_key())
                .col(uuid(BudgetProjects::EditionId))
                .col(uuid(BudgetProjects::PoolId))
                .col(ColumnDef::new(BudgetProjects::Number).integer().not_null())
                // The number as published ("BO.OM.97/24"); unique in the edition.
                .col(text(BudgetProjects::Code))
                .col(uuid_null(BudgetProjects::AuthorId))
                .col(text(BudgetProjects::Title))
                .col(text(BudgetProjects::Summary))
                .col(text(BudgetProjects::Description))
                .col(text(BudgetProjects::Location))
                .col(ColumnDef::new(BudgetProjects::Lat).double().null())
                .col(ColumnDef::new(BudgetProjects::Lon).double().null())
                .col(text(BudgetProjects::Category))
                .col(money(BudgetProjects::Cost))
                .col(money_null(BudgetProjects::CorrectedCost))
                .col(uuid_null(BudgetProjects::UnitId))
                // submitted, withdrawn, accepted, rejected.
                .col(text(BudgetProjects::Status))
                .col(at(BudgetProjects::CreatedAt))
                .col(at(BudgetProjects::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_budget_projects_edition",
                    (BudgetProjects::Table, BudgetProjects::EditionId),
                    (BudgetEditions::Table, BudgetEditions::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_budget_projects_pool",
                    (BudgetProjects::Table, BudgetProjects::PoolId),
                    (BudgetPools::Table, BudgetPools::Id),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut user_fk(
                    "fk_budget_projects_author",
                    (BudgetProjects::Table, BudgetProjects::AuthorId),
                ))
                .foreign_key(&mut fk(
                    "fk_budget_projects_unit",
                    (BudgetProjects::Table, BudgetProjects::UnitId),
                    (Units::Table, Units::Id),
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(BudgetCostItems::Table)
                .col(uuid(BudgetCostItems::ProjectId))
                .col(
                    ColumnDef::new(BudgetCostItems::Position)
                        .integer()
                        .not_null(),
                )
                .col(text(BudgetCostItems::Description))
                .col(money(BudgetCostItems::Amount))
                .primary_key(
                    Index::create()
                        .col(BudgetCostItems::ProjectId)
                        .col(BudgetCostItems::Position),
                )
                .foreign_key(&mut fk(
                    "fk_budget_cost_items_project",
                    (BudgetCostItems::Table, BudgetCostItems::ProjectId),
                    (BudgetProjects::Table, BudgetProjects::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(BudgetAssessments::Table)
                .col(uuid(BudgetAssessments::Id).primary_key())
                .col(uuid(BudgetAssessments::ProjectId))
                // formal, merit.
                .col(text(BudgetAssessments::Stage))
                .col(
                    ColumnDef::new(BudgetAssessments::Positive)
                        .boolean()
                        .not_null(),
                )
                .col(text(BudgetAssessments::Justification))
                .col(money_null(BudgetAssessments::CorrectedCost))
                .col(uuid_null(BudgetAssessments::UnitId))
                .col(uuid_null(BudgetAssessments::AssessedBy))
                .col(at(BudgetAssessments::AssessedAt))
                .foreign_key(&mut fk(
                    "fk_budget_assessments_project",
                    (BudgetAssessments::Table, BudgetAssessments::ProjectId),
                    (BudgetProjects::Table, BudgetProjects::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_budget_assessments_unit",
                    (BudgetAssessments::Table, BudgetAssessments::UnitId),
                    (Units::Table, Units::Id),
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut user_fk(
                    "fk_budget_assessments_by",
                    (BudgetAssessments::Table, BudgetAssessments::AssessedBy),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(BudgetAppeals::Table)
                .col(uuid(BudgetAppeals::ProjectId).primary_key())
                .col(uuid_null(BudgetAppeals::AuthorId))
                .col(text(BudgetAppeals::Reason))
                .col(at(BudgetAppeals::FiledAt))
                // upheld, dismissed.
                .col(text_null(BudgetAppeals::Decision))
                .col(text_null(BudgetAppeals::DecisionReason))
                .col(uuid_null(BudgetAppeals::DecidedBy))
                .col(at_null(BudgetAppeals::DecidedAt))
                .foreign_key(&mut fk(
                    "fk_budget_appeals_project",
                    (BudgetAppeals::Table, BudgetAppeals::ProjectId),
                    (BudgetProjects::Table, BudgetProjects::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut user_fk(
                    "fk_budget_appeals_author",
                    (BudgetAppeals::Table, BudgetAppeals::AuthorId),
                ))
                .foreign_key(&mut user_fk(
                    "fk_budget_appeals_decided_by",
                    (BudgetAppeals::Table, BudgetAppeals::DecidedBy),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(BudgetMilestones::Table)
                .col(uuid(BudgetMilestones::Id).primary_key())
                .col(uuid(BudgetMilestones::ProjectId))
                // planned, in_progress, done, cancelled.
                .col(text(BudgetMilestones::Status))
                .col(text(BudgetMilestones::Note))
                .col(
                    ColumnDef::new(BudgetMilestones::HappenedOn)
                        .date()
                        .not_null(),
                )
                .col(uuid_null(BudgetMilestones::RecordedBy))
                .col(at(BudgetMilestones::RecordedAt))
                .foreign_key(&mut fk(
                    "fk_budget_milestones_project",
                    (BudgetMilestones::Table, BudgetMilestones::ProjectId),
                    (BudgetProjects::Table, BudgetProjects::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut user_fk(
                    "fk_budget_milestones_by",
                    (BudgetMilestones::Table, BudgetMilestones::RecordedBy),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(secret(
            Table::create()
                .table(BudgetVoters::Table)
                .col(uuid(BudgetVoters::EditionId))
                // HMAC-SHA256 (server secret) of "pesel:<digits>" or "born:<date>:<name>".
                .col(text(BudgetVoters::IdentityHash))
                // The account that voted online, so it can see that it voted (never how).
                .col(uuid_null(BudgetVoters::UserId))
                .primary_key(
                    Index::create()
                        .col(BudgetVoters::EditionId)
                        .col(BudgetVoters::IdentityHash),
                )
                .foreign_key(&mut fk(
                    "fk_budget_voters_edition",
                    (BudgetVoters::Table, BudgetVoters::EditionId),
                    (BudgetEditions::Table, BudgetEditions::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut user_fk(
                    "fk_budget_voters_user",
                    (BudgetVoters::Table, BudgetVoters::UserId),
                )),
            engine,
        ))
        .await?;
        // One online ballot per account, too.
        m.create_index(
            Index::create()
                .name("ux_budget_voters_user")
                .table(BudgetVoters::Table)
                .col(BudgetVoters::EditionId)
                .col(BudgetVoters::UserId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(secret(
            Table::create()
                .table(BudgetBallots::Table)
                // UUIDv4: random, unlike the time-ordered ids used elsewhere.
                .col(uuid(BudgetBallots::Id).primary_key())
                .col(uuid(BudgetBallots::EditionId))
                // online, paper.
                .col(text(BudgetBallots::Channel))
                .col(ColumnDef::new(BudgetBallots::CastOn).date().not_null())
                .foreign_key(&mut fk(
                    "fk_budget_ballots_edition",
                    (BudgetBallots::Table, BudgetBallots::EditionId),
                    (BudgetEditions::Table, BudgetEditions::Id),
                    ForeignKeyAction::Cascade,
                )),
            engine,
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_budget_ballots_edition")
                .table(BudgetBallots::Table)
                .col(BudgetBallots::EditionId)
                .col(BudgetBallots::Channel)
                .to_owned(),
        )
        .await?;

        m.create_table(secret(
            Table::create()
                .table(BudgetBallotChoices::Table)
                .col(uuid(BudgetBallotChoices::BallotId))
                .col(uuid(BudgetBallotChoices::ProjectId))
                .col(uuid(BudgetBallotChoices::PoolId))
                .col(
                    ColumnDef::new(BudgetBallotChoices::Points)
                        .integer()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(BudgetBallotChoices::BallotId)
                        .col(BudgetBallotChoices::ProjectId),
                )
                .foreign_key(&mut fk(
                    "fk_budget_choices_ballot",
                    (BudgetBallotChoices::Table, BudgetBallotChoices::BallotId),
                    (BudgetBallots::Table, BudgetBallots::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_budget_choices_project",
                    (BudgetBallotChoices::Table, BudgetBallotChoices::ProjectId),
                    (BudgetProjects::Table, BudgetProjects::Id),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_budget_choices_pool",
                    (BudgetBallotChoices::Table, BudgetBallotChoices::PoolId),
                    (BudgetPools::Table, BudgetPools::Id),
                    ForeignKeyAction::Restrict,
                )),
            engine,
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("ix_budget_choices_pool")
                .table(BudgetBallotChoices::Table)
                .col(BudgetBallotChoices::PoolId)
                .col(BudgetBallotChoices::BallotId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(BudgetPaperEntries::Table)
                .col(uuid(BudgetPaperEntries::Id).primary_key())
                .col(uuid(BudgetPaperEntries::EditionId))
                // The number printed on the paper ballot.
                .col(text(BudgetPaperEntries::Sheet))
                // The voting point that collected it.
                .col(text(BudgetPaperEntries::Point))
                .col(uuid_null(BudgetPaperEntries::KeyedBy))
                .col(at(BudgetPaperEntries::KeyedAt))
                // Both erased once the two keyings agree and the ballot is stored.
                .col(text_null(BudgetPaperEntries::IdentityHash))
                .col(text_null(BudgetPaperEntries::Content))
                // waiting, counted, mismatch, refused, discarded.
                .col(text(BudgetPaperEntries::Status))
                .col(uuid_null(BudgetPaperEntries::ResolvedBy))
                .foreign_key(&mut fk(
                    "fk_budget_paper_edition",
                    (BudgetPaperEntries::Table, BudgetPaperEntries::EditionId),
                    (BudgetEditions::Table, BudgetEditions::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut user_fk(
                    "fk_budget_paper_keyed_by",
                    (BudgetPaperEntries::Table, BudgetPaperEntries::KeyedBy),
                ))
                .foreign_key(&mut user_fk(
                    "fk_budget_paper_resolved_by",
                    (BudgetPaperEntries::Table, BudgetPaperEntries::ResolvedBy),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_budget_paper_status")
                .table(BudgetPaperEntries::Table)
                .col(BudgetPaperEntries::EditionId)
                .col(BudgetPaperEntries::Status)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(BudgetPoolResults::Table)
                .col(uuid(BudgetPoolResults::PoolId).primary_key())
                .col(
                    ColumnDef::new(BudgetPoolResults::BallotsOnline)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(BudgetPoolResults::BallotsPaper)
                        .big_integer()
                        .not_null(),
                )
                .col(money(BudgetPoolResults::Spent))
                .col(at(BudgetPoolResults::CountedAt))
                .foreign_key(&mut fk(
                    "fk_budget_pool_results_pool",
                    (BudgetPoolResults::Table, BudgetPoolResults::PoolId),
                    (BudgetPools::Table, BudgetPools::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(BudgetResults::Table)
                .col(uuid(BudgetResults::PoolId))
                .col(uuid(BudgetResults::ProjectId))
                .col(
                    ColumnDef::new(BudgetResults::Score)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(BudgetResults::Voters)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(BudgetResults::Funded).boolean().not_null())
                .col(ColumnDef::new(BudgetResults::Position).integer().not_null())
                .primary_key(
                    Index::create()
                        .col(BudgetResults::PoolId)
                        .col(BudgetResults::ProjectId),
                )
                .foreign_key(&mut fk(
                    "fk_budget_results_pool",
                    (BudgetResults::Table, BudgetResults::PoolId),
                    (BudgetPoolResults::Table, BudgetPoolResults::PoolId),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_budget_results_project",
                    (BudgetResults::Table, BudgetResults::ProjectId),
                    (BudgetProjects::Table, BudgetProjects::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;

        use BudgetAssessments as A;
        use BudgetMilestones as M;
        use BudgetPaperEntries as E;
        use BudgetPools as Po;
        use BudgetProjects as Pr;
        for (name, table, cols, unique) in [
            (
                "ux_budget_pools_code",
                Po::Table.into_iden(),
                vec![Po::EditionId.into_iden(), Po::Code.into_iden()],
                true,
            ),
            (
                "ux_budget_projects_number",
                Pr::Table.into_iden(),
                vec![Pr::EditionId.into_iden(), Pr::Number.into_iden()],
                true,
            ),
            (
                "ux_budget_projects_code",
                Pr::Table.into_iden(),
                vec![Pr::EditionId.into_iden(), Pr::Code.into_iden()],
                true,
            ),
            (
                "ix_budget_projects_pool",
                Pr::Table.into_iden(),
                vec![Pr::PoolId.into_iden(), Pr::Status.into_iden()],
                false,
            ),
            (
                "ix_budget_projects_author",
                Pr::Table.into_iden(),
                vec![Pr::AuthorId.into_iden()],
                false,
            ),
            (
                "ix_budget_projects_unit",
                Pr::Table.into_iden(),
                vec![Pr::UnitId.into_iden(), Pr::Status.into_iden()],
                false,
            ),
            (
                "ix_budget_assessments_project",
                A::Table.into_iden(),
                vec![A::ProjectId.into_iden(), A::AssessedAt.into_iden()],
                false,
            ),
            (
                "ix_budget_milestones_project",
                M::Table.into_iden(),
                vec![M::ProjectId.into_iden(), M::HappenedOn.into_iden()],
                false,
            ),
            (
                "ix_budget_paper_sheet",
                E::Table.into_iden(),
                vec![E::EditionId.into_iden(), E::Sheet.into_iden()],
                false,
            ),
        ] {
            index(m, name, table, cols, unique).await?;
        }
        Ok(())
    }
}
