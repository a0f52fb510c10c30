//! The contact centre: routing rules, reports with their per-year tracking numbers, the event
//! timeline, photos, supports and the "was it solved?" questionnaire.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    DuplicateRadiusM,
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

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum RoutingRules {
    Table,
    Id,
    CategoryId,
    DistrictId,
    UnitId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReportCounters {
    Table,
    Year,
    Last,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    Year,
    Seq,
    Kind,
    CategoryId,
    Status,
    Open,
    UnitId,
    DistrictId,
    Lat,
    Lon,
    Address,
    Description,
    DescriptionRedacted,
    Channel,
    Client,
    ReporterId,
    ContactName,
    ContactEmail,
    ContactPhone,
    ContactConsent,
    Locale,
    TrackingHash,
    MergedInto,
    SupportCount,
    CreatedAt,
    UpdatedAt,
    StatusAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum ReportTallies {
    Table,
    UnitId,
    Status,
    Count,
}

#[derive(DeriveIden)]
enum ReportEvents {
    Table,
    Id,
    ReportId,
    At,
    ActorId,
    Kind,
    FromStatus,
    ToStatus,
    UnitId,
    PublicMessage,
    InternalNote,
    Details,
}

#[derive(DeriveIden)]
enum ReportPhotos {
    Table,
    Id,
    ReportId,
    Position,
    OriginalKey,
    DisplayKey,
    ThumbKey,
    Width,
    Height,
    Bytes,
    Hidden,
    HiddenReason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReportSupports {
    Table,
    Id,
    ReportId,
    UserId,
    Email,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReportFeedback {
    Table,
    ReportId,
    TokenHash,
    SentAt,
    AnsweredAt,
    Solved,
    Score,
}

fn uuid_pk(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .uuid()
        .not_null()
        .primary_key()
        .to_owned()
}

fn ts(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn ts_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
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

async fn index(
    m: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
) -> Result<(), DbErr> {
    let mut stmt = Index::create().name(name).table(table).to_owned();
    for col in cols {
        stmt.col(col);
    }
    m.create_index(stmt).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Categories::Table)
                .add_column(
                    ColumnDef::new(Categories::DuplicateRadiusM)
                        .integer()
                        .not_null()
                        .default(100),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RoutingRules::Table)
                .col(uuid_pk(RoutingRules::Id))
                .col(ColumnDef::new(RoutingRules::CategoryId).uuid().not_null())
                .col(ColumnDef::new(RoutingRules::DistrictId).uuid().null())
                .col(ColumnDef::new(RoutingRules::UnitId).uuid().not_null())
                .col(ts(RoutingRules::CreatedAt))
                .col(ts(RoutingRules::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_routing_category",
                    (RoutingRules::Table, RoutingRules::CategoryId),
                    (Categories::Table, Categories::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_routing_district",
                    (RoutingRules::Table, RoutingRules::DistrictId),
                    (Districts::Table, Districts::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_routing_unit",
                    (RoutingRules::Table, RoutingRules::UnitId),
                    (Units::Table, Units::Id),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        // One rule per category and district, and one default (any district) per category.
        // Partial unique indexes have the same syntax on SQLite and PostgreSQL.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_routing_district ON routing_rules (category_id, district_id) WHERE district_id IS NOT NULL",
            )
            .await?;
        m.get_connection()
            .execute_unprepared("CREATE UNIQUE INDEX ux_routing_default ON routing_rules (category_id) WHERE district_id IS NULL")
            .await?;

        m.create_table(
            Table::create()
                .table(ReportCounters::Table)
                .col(
                    ColumnDef::new(ReportCounters::Year)
                        .integer()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(ReportCounters::Last).integer().not_null())
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Reports::Table)
                .col(uuid_pk(Reports::Id))
                .col(ColumnDef::new(Reports::Year).integer().not_null())
                .col(ColumnDef::new(Reports::Seq).integer().not_null())
                .col(text(Reports::Kind))
                .col(ColumnDef::new(Reports::CategoryId).uuid().not_null())
                .col(text(Reports::Status))
                .col(ColumnDef::new(Reports::Open).boolean().not_null())
                .col(ColumnDef::new(Reports::UnitId).uuid().not_null())
                .col(ColumnDef::new(Reports::DistrictId).uuid().null())
                .col(ColumnDef::new(Reports::Lat).double().null())
                .col(ColumnDef::new(Reports::Lon).double().null())
                .col(text_null(Reports::Address))
                .col(text(Reports::Description))
                .col(text_null(Reports::DescriptionRedacted))
                .col(text(Reports::Channel))
                .col(text_null(Reports::Client))
                .col(ColumnDef::new(Reports::ReporterId).uuid().null())
                .col(text_null(Reports::ContactName))
                .col(text_null(Reports::ContactEmail))
                .col(text_null(Reports::ContactPhone))
                .col(
                    ColumnDef::new(Reports::ContactConsent)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(text(Reports::Locale))
                .col(text(Reports::TrackingHash).unique_key().to_owned())
                .col(ColumnDef::new(Reports::MergedInto).uuid().null())
                .col(
                    ColumnDef::new(Reports::SupportCount)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .col(ts(Reports::CreatedAt))
                .col(ts(Reports::UpdatedAt))
                .col(ts(Reports::StatusAt))
                .col(ts_null(Reports::ClosedAt))
                .foreign_key(&mut fk(
                    "fk_reports_category",
                    (Reports::Table, Reports::CategoryId),
                    (Categories::Table, Categories::Id),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_reports_unit",
                    (Reports::Table, Reports::UnitId),
                    (Units::Table, Units::Id),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_reports_district",
                    (Reports::Table, Reports::DistrictId),
                    (Districts::Table, Districts::Id),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_reports_reporter",
                    (Reports::Table, Reports::ReporterId),
                    (Users::Table, Users::Id),
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "fk_reports_merged",
                    (Reports::Table, Reports::MergedInto),
                    (Reports::Table, Reports::Id),
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_reports_number")
                .table(Reports::Table)
                .col(Reports::Year)
                .col(Reports::Seq)
                .unique()
                .to_owned(),
        )
        .await?;
        // Every list is "matching rows in a fixed order, one page": each filter and sort the
        // public list and the unit queue offer has an index that yields its rows in order, so
        // no page sorts or scans the table (docs/performance.md). `open` mirrors "the status
        // is not a closing one", kept in step with `status`.
        //
        // Each ends in (…, created_at, id) or (…, status_at, id): the very order the lists ask
        // for, tie-breaker included. With anything less SQLite's planner (its statistics
        // include value samples) may prefer a skip-scan and sort a quarter of the table.
        use Reports as R;
        let indexes: [(&str, Vec<Reports>); 13] = [
            ("ix_reports_created", vec![R::CreatedAt, R::Id]),
            ("ix_reports_changed", vec![R::StatusAt, R::Id]),
            (
                "ix_reports_open_created",
                vec![R::Open, R::CreatedAt, R::Id],
            ),
            (
                "ix_reports_open_status_created",
                vec![R::Open, R::Status, R::CreatedAt, R::Id],
            ),
            (
                "ix_reports_kind_created",
                vec![R::Kind, R::CreatedAt, R::Id],
            ),
            (
                "ix_reports_category_created",
                vec![R::CategoryId, R::CreatedAt, R::Id],
            ),
            (
                "ix_reports_district_created",
                vec![R::DistrictId, R::CreatedAt, R::Id],
            ),
            (
                "ix_reports_unit_created",
                vec![R::UnitId, R::CreatedAt, R::Id],
            ),
            (
                "ix_reports_unit_changed",
                vec![R::UnitId, R::StatusAt, R::Id],
            ),
            (
                "ix_reports_unit_open_created",
                vec![R::UnitId, R::Open, R::CreatedAt, R::Id],
            ),
            (
                "ix_reports_unit_open_status",
                vec![R::UnitId, R::Open, R::Status, R::CreatedAt, R::Id],
            ),
            (
                "ix_reports_unit_open_category",
                vec![R::UnitId, R::Open, R::CategoryId, R::CreatedAt, R::Id],
            ),
            (
                "ix_reports_unit_open_district",
                vec![R::UnitId, R::Open, R::DistrictId, R::CreatedAt, R::Id],
            ),
        ];
        for (name, cols) in indexes {
            index(
                m,
                name,
                Reports::Table,
                cols.into_iter().map(IntoIden::into_iden).collect(),
            )
            .await?;
        }
        index(
            m,
            "ix_reports_position",
            Reports::Table,
            vec![Reports::Lat.into_iden(), Reports::Lon.into_iden()],
        )
        .await?;
        index(
            m,
            "ix_reports_reporter",
            Reports::Table,
            vec![Reports::ReporterId.into_iden()],
        )
        .await?;
        index(
            m,
            "ix_reports_contact_email",
            Reports::Table,
            vec![Reports::ContactEmail.into_iden()],
        )
        .await?;
        index(
            m,
            "ix_reports_contact_phone",
            Reports::Table,
            vec![Reports::ContactPhone.into_iden()],
        )
        .await?;
        index(
            m,
            "ix_reports_merged",
            Reports::Table,
            vec![Reports::MergedInto.into_iden()],
        )
        .await?;

        // Reports per unit and status, kept in step with `reports` in the same transactions:
        // the queue's overview without counting a million rows.
        m.create_table(
            Table::create()
                .table(ReportTallies::Table)
                .col(ColumnDef::new(ReportTallies::UnitId).uuid().not_null())
                .col(text(ReportTallies::Status))
                .col(
                    ColumnDef::new(ReportTallies::Count)
                        .big_integer()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(ReportTallies::UnitId)
                        .col(ReportTallies::Status),
                )
                .foreign_key(&mut fk(
                    "fk_report_tallies_unit",
                    (ReportTallies::Table, ReportTallies::UnitId),
                    (Units::Table, Units::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReportEvents::Table)
                .col(uuid_pk(ReportEvents::Id))
                .col(ColumnDef::new(ReportEvents::ReportId).uuid().not_null())
                .col(ts(ReportEvents::At))
                .col(ColumnDef::new(ReportEvents::ActorId).uuid().null())
                .col(text(ReportEvents::Kind))
                .col(text_null(ReportEvents::FromStatus))
                .col(text_null(ReportEvents::ToStatus))
                .col(ColumnDef::new(ReportEvents::UnitId).uuid().null())
                .col(text_null(ReportEvents::PublicMessage))
                .col(text_null(ReportEvents::InternalNote))
                .col(
                    ColumnDef::new(ReportEvents::Details)
                        .json_binary()
                        .not_null(),
                )
                .foreign_key(&mut fk(
                    "fk_report_events_report",
                    (ReportEvents::Table, ReportEvents::ReportId),
                    (Reports::Table, Reports::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_report_events_actor",
                    (ReportEvents::Table, ReportEvents::ActorId),
                    (Users::Table, Users::Id),
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_report_events_report",
            ReportEvents::Table,
            vec![
                ReportEvents::ReportId.into_iden(),
                ReportEvents::Id.into_iden(),
            ],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReportPhotos::Table)
                .col(uuid_pk(ReportPhotos::Id))
                .col(ColumnDef::new(ReportPhotos::ReportId).uuid().not_null())
                .col(ColumnDef::new(ReportPhotos::Position).integer().not_null())
                .col(text(ReportPhotos::OriginalKey))
                .col(text(ReportPhotos::DisplayKey))
                .col(text(ReportPhotos::ThumbKey))
                .col(ColumnDef::new(ReportPhotos::Width).integer().not_null())
                .col(ColumnDef::new(ReportPhotos::Height).integer().not_null())
                .col(ColumnDef::new(ReportPhotos::Bytes).big_integer().not_null())
                .col(
                    ColumnDef::new(ReportPhotos::Hidden)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(text_null(ReportPhotos::HiddenReason))
                .col(ts(ReportPhotos::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_report_photos_report",
                    (ReportPhotos::Table, ReportPhotos::ReportId),
                    (Reports::Table, Reports::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_report_photos_report",
            ReportPhotos::Table,
            vec![
                ReportPhotos::ReportId.into_iden(),
                ReportPhotos::Position.into_iden(),
            ],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReportSupports::Table)
                .col(uuid_pk(ReportSupports::Id))
                .col(ColumnDef::new(ReportSupports::ReportId).uuid().not_null())
                .col(ColumnDef::new(ReportSupports::UserId).uuid().null())
                .col(text_null(ReportSupports::Email))
                .col(ts(ReportSupports::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_report_supports_report",
                    (ReportSupports::Table, ReportSupports::ReportId),
                    (Reports::Table, Reports::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_report_supports_user",
                    (ReportSupports::Table, ReportSupports::UserId),
                    (Users::Table, Users::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared("CREATE UNIQUE INDEX ux_supports_user ON report_supports (report_id, user_id) WHERE user_id IS NOT NULL")
            .await?;
        m.get_connection()
            .execute_unprepared("CREATE UNIQUE INDEX ux_supports_email ON report_supports (report_id, email) WHERE email IS NOT NULL")
            .await?;
        index(
            m,
            "ix_report_supports_user",
            ReportSupports::Table,
            vec![ReportSupports::UserId.into_iden()],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReportFeedback::Table)
                .col(
                    ColumnDef::new(ReportFeedback::ReportId)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(text(ReportFeedback::TokenHash).unique_key().to_owned())
                .col(ts(ReportFeedback::SentAt))
                .col(ts_null(ReportFeedback::AnsweredAt))
                .col(ColumnDef::new(ReportFeedback::Solved).boolean().null())
                .col(ColumnDef::new(ReportFeedback::Score).integer().null())
                .foreign_key(&mut fk(
                    "fk_report_feedback_report",
                    (ReportFeedback::Table, ReportFeedback::ReportId),
                    (Reports::Table, Reports::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
