//! Public consultations: plans kept as drafts, published once, changed under a version
//! (compare-and-set: two officials never overwrite each other), called off with a reason.
//! What may happen when is `domain::consultations::may`; the writes here repeat its state
//! part in their conditions, so a race cannot undo a decision.

pub mod answers;
pub mod documents;
pub mod groups;
pub mod meetings;
pub mod statements;
pub mod subscriptions;
pub mod survey;

use crate::entities::{
    consultation_comments, consultation_districts, consultation_documents,
    consultation_paragraph_texts, consultation_paragraphs, consultations,
};
use crate::{Result, StoreError, now};
use chrono::{DateTime, Utc};
use miasto_domain::consultations::{
    Area, Kind, Method, Organisation, Phase, PlanText, Schedule, State, Topic,
};
use miasto_domain::reports::Phone;
use miasto_domain::{DistrictId, Email, UnitId, UserId};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, SqlErr,
};
use uuid::Uuid;

/// A consultation as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Consultation {
    pub id: Uuid,
    pub slug: String,
    pub plan: PlanText,
    pub organisation: Organisation,
    pub schedule: Schedule,
    pub published_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    pub reported_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Consultation {
    pub fn state(&self) -> State {
        State {
            published: self.published_at.is_some(),
            cancelled: self.cancelled_at.is_some(),
            reported: self.reported_at.is_some(),
            schedule: self.schedule,
        }
    }

    pub fn phase(&self, at: DateTime<Utc>) -> Phase {
        self.state().phase(at)
    }
}

fn from_row(m: consultations::Model, districts: Vec<DistrictId>) -> Result<Consultation> {
    let id = m.id;
    let bad = |what: &str| StoreError::Corrupt {
        table: "consultations",
        detail: format!("{id}: {what}"),
    };
    let plan = PlanText {
        kind: Kind::parse(&m.kind).ok_or_else(|| bad("kind"))?,
        title: m.title.clone(),
        goal: m.goal.clone(),
        legal_basis: m.legal_basis.clone(),
        target_groups: m.target_groups.clone(),
        contact_name: m.contact_name.clone(),
        contact_email: Email::parse(&m.contact_email).map_err(|_| bad("e-mail"))?,
        contact_phone: m
            .contact_phone
            .as_deref()
            .map(Phone::parse)
            .transpose()
            .map_err(|_| bad("phone"))?,
    };
    let methods = m
        .methods
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| Method::parse(s).ok_or_else(|| bad("method")))
        .collect::<Result<Vec<_>>>()?;
    let area = if m.city_wide {
        Area::CityWide
    } else {
        Area::Districts(districts)
    };
    let topics = m
        .topics
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| Topic::parse(s).ok_or_else(|| bad("topic")))
        .collect::<Result<Vec<_>>>()?;
    Ok(Consultation {
        id: m.id,
        slug: m.slug,
        plan,
        organisation: Organisation {
            unit: UnitId(m.unit_id),
            methods,
            area,
            outline: m
                .outline
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|_| bad("outline"))?,
            topics,
            premoderated: m.premoderated,
        },
        schedule: Schedule {
            information: m.information_at,
            opens: m.opens_at,
            closes: m.closes_at,
            report_due: m.report_due,
        },
        published_at: m.published_at,
        cancelled_at: m.cancelled_at,
        cancel_reason: m.cancel_reason,
        reported_at: m.reported_at,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

async fn with_districts(
    c: &impl ConnectionTrait,
    rows: Vec<consultations::Model>,
) -> Result<Vec<Consultation>> {
    let ids: Vec<Uuid> = rows.iter().filter(|r| !r.city_wide).map(|r| r.id).collect();
    let links = if ids.is_empty() {
        Vec::new()
    } else {
        consultation_districts::Entity::find()
            .filter(consultation_districts::Column::ConsultationId.is_in(ids))
            .all(c)
            .await?
    };
    rows.into_iter()
        .map(|m| {
            let districts = links
                .iter()
                .filter(|l| l.consultation_id == m.id)
                .map(|l| DistrictId(l.district_id))
                .collect();
            from_row(m, districts)
        })
        .collect()
}

/// A plan's content, written at creation and by every edit.
#[derive(Debug, Clone)]
pub struct Content {
    pub plan: PlanText,
    pub organisation: Organisation,
    pub schedule: Schedule,
}

/// Topics as kept: `,greenery,transport,` (empty: none), so one topic is a `LIKE` away.
fn topics_text(topics: &[Topic]) -> String {
    if topics.is_empty() {
        return String::new();
    }
    let inner: Vec<&str> = topics.iter().map(|t| t.as_str()).collect();
    format!(",{},", inner.join(","))
}

fn outline_text(o: &Organisation) -> Option<String> {
    o.outline
        .as_ref()
        .and_then(|outline| serde_json::to_string(outline).ok())
}

fn methods_text(methods: &[Method]) -> String {
    methods
        .iter()
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

async fn write_districts(c: &impl ConnectionTrait, id: Uuid, area: &Area) -> Result<()> {
    consultation_districts::Entity::delete_many()
        .filter(consultation_districts::Column::ConsultationId.eq(id))
        .exec(c)
        .await?;
    if let Area::Districts(districts) = area {
        let rows = districts
            .iter()
            .map(|d| consultation_districts::ActiveModel {
                consultation_id: Set(id),
                district_id: Set(d.0),
            });
        consultation_districts::Entity::insert_many(rows)
            .exec(c)
            .await?;
    }
    Ok(())
}

/// A slug from the title: its words folded ("jak-rozwijac-konsultacje…"), at most 60
/// characters, with "-2", "-3"… when taken.
async fn free_slug(c: &impl ConnectionTrait, title: &str) -> Result<String> {
    let mut base = String::new();
    for word in miasto_domain::text::words(title) {
        if base.len() + word.len() + 1 > 60 {
            break;
        }
        if !base.is_empty() {
            base.push('-');
        }
        base.push_str(&word);
    }
    if base.is_empty() {
        base.push_str("konsultacje");
    }
    let taken: Vec<String> = consultations::Entity::find()
        .filter(consultations::Column::Slug.starts_with(&base))
        .all(c)
        .await?
        .into_iter()
        .map(|m| m.slug)
        .collect();
    let mut slug = base.clone();
    let mut n = 2;
    while taken.contains(&slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    Ok(slug)
}

/// Creates a draft.
pub async fn create(
    c: &impl crate::Savepoints,
    content: &Content,
    by: UserId,
) -> Result<Consultation> {
    let at = now();
    let id = Uuid::now_v7();
    let slug = free_slug(c, &content.plan.title).await?;
    let p = &content.plan;
    let s = &content.schedule;
    let mut model = consultations::ActiveModel {
        id: Set(id),
        slug: Set(slug),
        kind: Set(p.kind.as_str().to_owned()),
        title: Set(p.title.clone()),
        goal: Set(p.goal.clone()),
        legal_basis: Set(p.legal_basis.clone()),
        target_groups: Set(p.target_groups.clone()),
        contact_name: Set(p.contact_name.clone()),
        contact_email: Set(p.contact_email.as_str().to_owned()),
        contact_phone: Set(p.contact_phone.as_ref().map(|p| p.as_str().to_owned())),
        unit_id: Set(content.organisation.unit.0),
        methods: Set(methods_text(&content.organisation.methods)),
        topics: Set(topics_text(&content.organisation.topics)),
        premoderated: Set(content.organisation.premoderated),
        outline: Set(outline_text(&content.organisation)),
        city_wide: Set(content.organisation.area == Area::CityWide),
        information_at: Set(s.information),
        opens_at: Set(s.opens),
        closes_at: Set(s.closes),
        report_due: Set(s.report_due),
        published_at: Set(None),
        cancelled_at: Set(None),
        cancel_reason: Set(None),
        reported_at: Set(None),
        version: Set(1),
        created_by: Set(Some(by.0)),
        created_at: Set(at),
        updated_at: Set(at),
    };
    // Two drafts with the same title created at once: the second takes the next number.
    let inserted = loop {
        let savepoint = c.begin().await?;
        match model.clone().insert(&savepoint).await {
            Ok(m) => {
                savepoint.commit().await?;
                break m;
            }
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                savepoint.rollback().await?;
                let slug = free_slug(c, &content.plan.title).await?;
                model.slug = Set(format!(
                    "{slug}-{}",
                    &Uuid::now_v7().simple().to_string()[24..]
                ));
            }
            Err(e) => return Err(e.into()),
        }
    };
    write_districts(c, id, &content.organisation.area).await?;
    let districts = match &content.organisation.area {
        Area::Districts(d) => d.clone(),
        Area::CityWide => Vec::new(),
    };
    from_row(inserted, districts)
}

/// Why a change was not written.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// Someone changed it since the page was shown (the version moved), or its state no
    /// longer allows the change.
    #[error("stale")]
    Stale,
    /// What the write points at (a document, a paragraph, a comment) is not part of this
    /// consultation, or no longer is (a paragraph removed in the current version).
    #[error("target")]
    Target,
    /// The report waits for answers to every comment.
    #[error("unanswered")]
    Unanswered,
    /// The invitation code is unknown or used.
    #[error("code")]
    Code,
    /// This account or code has already sent its response.
    #[error("answered")]
    Answered,
    /// A rule of the rulebook that the write found broken (a meeting begun, a slot taken,
    /// a second sign-up…).
    #[error("refused: {}", .0.code())]
    Refused(miasto_domain::consultations::Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for ChangeError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

/// Writes a new content if the version is still `version` and it is neither cancelled nor
/// reported; the version moves on.
pub async fn update(
    c: &impl ConnectionTrait,
    id: Uuid,
    version: i32,
    content: &Content,
) -> std::result::Result<(), ChangeError> {
    use consultations::Column as C;
    let p = &content.plan;
    let s = &content.schedule;
    let done = consultations::Entity::update_many()
        .col_expr(C::Kind, p.kind.as_str().into())
        .col_expr(C::Title, p.title.clone().into())
        .col_expr(C::Goal, p.goal.clone().into())
        .col_expr(C::LegalBasis, p.legal_basis.clone().into())
        .col_expr(C::TargetGroups, p.target_groups.clone().into())
        .col_expr(C::ContactName, p.contact_name.clone().into())
        .col_expr(C::ContactEmail, p.contact_email.as_str().into())
        .col_expr(
            C::ContactPhone,
            p.contact_phone
                .as_ref()
                .map(|p| p.as_str().to_owned())
                .into(),
        )
        .col_expr(C::UnitId, content.organisation.unit.0.into())
        .col_expr(
            C::Methods,
            methods_text(&content.organisation.methods).into(),
        )
        .col_expr(C::Topics, topics_text(&content.organisation.topics).into())
        .col_expr(C::Outline, outline_text(&content.organisation).into())
        .col_expr(
            C::CityWide,
            (content.organisation.area == Area::CityWide).into(),
        )
        .col_expr(C::InformationAt, s.information.into())
        .col_expr(C::OpensAt, s.opens.into())
        .col_expr(C::ClosesAt, s.closes.into())
        .col_expr(C::ReportDue, s.report_due.into())
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, now().into())
        .filter(C::Id.eq(id))
        .filter(C::Version.eq(version))
        .filter(C::CancelledAt.is_null())
        .filter(C::ReportedAt.is_null())
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ChangeError::Stale);
    }
    write_districts(c, id, &content.organisation.area).await?;
    Ok(())
}

/// Publishes a draft (once: a second publish finds it published and changes nothing).
pub async fn publish(c: &impl ConnectionTrait, id: Uuid) -> std::result::Result<(), ChangeError> {
    use consultations::Column as C;
    let at = now();
    let done = consultations::Entity::update_many()
        .col_expr(C::PublishedAt, Some(at).into())
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, at.into())
        .filter(C::Id.eq(id))
        .filter(C::PublishedAt.is_null())
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ChangeError::Stale);
    }
    Ok(())
}

/// Calls a published consultation off, with the reason residents see; not once its
/// consultation period has ended (then it is answered) or it has been reported.
pub async fn cancel(
    c: &impl ConnectionTrait,
    id: Uuid,
    reason: &str,
) -> std::result::Result<(), ChangeError> {
    use consultations::Column as C;
    let at = now();
    let done = consultations::Entity::update_many()
        .col_expr(C::CancelledAt, Some(at).into())
        .col_expr(C::CancelReason, Some(reason.to_owned()).into())
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, at.into())
        .filter(C::Id.eq(id))
        .filter(C::PublishedAt.is_not_null())
        .filter(C::CancelledAt.is_null())
        .filter(C::ReportedAt.is_null())
        .filter(C::ClosesAt.gt(at))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ChangeError::Stale);
    }
    Ok(())
}

/// A consultation's address and whether it is published (a draft's page is for staff only).
pub async fn slug_of(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<(String, bool)>> {
    Ok(consultations::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(|m| (m.slug, m.published_at.is_some())))
}

pub async fn get_by_slug(c: &impl ConnectionTrait, slug: &str) -> Result<Option<Consultation>> {
    let Some(row) = consultations::Entity::find()
        .filter(consultations::Column::Slug.eq(slug))
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    Ok(with_districts(c, vec![row]).await?.pop())
}

/// Which consultations a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    /// Published ones only (the public list); staff see drafts too.
    pub published_only: bool,
    /// Those concerning this district (city-wide ones concern every district).
    pub district: Option<DistrictId>,
    /// Only those open for taking part at this moment (the home page).
    pub open_at: Option<DateTime<Utc>>,
    /// Those on this topic.
    pub topic: Option<Topic>,
}

/// Consultations, the soonest to open last (newest first), at most 500.
pub async fn list(c: &impl ConnectionTrait, filter: Filter) -> Result<Vec<Consultation>> {
    let mut select = consultations::Entity::find();
    if filter.published_only {
        select = select.filter(consultations::Column::PublishedAt.is_not_null());
    }
    if let Some(at) = filter.open_at {
        use consultations::Column as C;
        select = select
            .filter(C::PublishedAt.is_not_null())
            .filter(C::CancelledAt.is_null())
            .filter(C::ReportedAt.is_null())
            .filter(C::OpensAt.lte(at))
            .filter(C::ClosesAt.gt(at));
    }
    if let Some(district) = filter.district {
        let concerned = sea_orm::sea_query::Query::select()
            .column(consultation_districts::Column::ConsultationId)
            .from(consultation_districts::Entity)
            .and_where(consultation_districts::Column::DistrictId.eq(district.0))
            .to_owned();
        select = select.filter(
            sea_orm::Condition::any()
                .add(consultations::Column::CityWide.eq(true))
                .add(consultations::Column::Id.in_subquery(concerned)),
        );
    }
    if let Some(topic) = filter.topic {
        select =
            select.filter(consultations::Column::Topics.contains(format!(",{},", topic.as_str())));
    }
    let rows = sea_orm::QuerySelect::limit(
        select
            .order_by_desc(consultations::Column::OpensAt)
            .order_by_desc(consultations::Column::Id),
        500,
    )
    .all(c)
    .await?;
    with_districts(c, rows).await
}

/// A comment as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: Uuid,
    pub consultation: Uuid,
    pub author: Option<UserId>,
    /// The name given with a comment typed in by staff.
    pub author_name: Option<String>,
    pub channel: miasto_domain::consultations::comments::Channel,
    pub body: String,
    pub recorded_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    /// Why a moderator hid it (its author sees this; nobody else sees the comment).
    pub hidden_reason: Option<String>,
    /// It waits for a moderator (pre-moderation): nobody but its author and moderators see it.
    pub pending: bool,
    /// The document it is about, if any, and the version it was made on.
    pub document: Option<(Uuid, i32)>,
    /// The paragraph (or a heading: the section) it is about, if any.
    pub paragraph: Option<Uuid>,
    /// Its answer (shown outside the city only once published).
    pub answer: Option<Uuid>,
}

/// What a comment is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// The consultation as a whole.
    #[default]
    Consultation,
    /// A whole document.
    Document(Uuid),
    /// A paragraph of a document, or a heading (then the section it opens).
    Paragraph(Uuid),
}

/// A comment to add; its text checked by `domain::consultations::comments::check_text`.
#[derive(Debug, Clone)]
pub struct NewComment {
    pub channel: miasto_domain::consultations::comments::Channel,
    pub author: Option<UserId>,
    pub author_name: Option<String>,
    pub body: String,
    pub recorded_by: Option<UserId>,
    pub target: Target,
}

/// Adds a comment if the consultation still takes it: published, neither called off nor
/// reported, opened; and, for one sent online, not yet closed. The condition is a write on
/// the consultation's row in the same transaction, so a report published or a cancellation
/// at the same moment either comes first (and the comment is refused) or waits for it.
pub async fn add_comment(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    new: NewComment,
) -> std::result::Result<Comment, ChangeError> {
    use consultations::Column as C;
    let at = now();
    let mut open = sea_orm::Condition::all()
        .add(C::PublishedAt.is_not_null())
        .add(C::CancelledAt.is_null())
        .add(C::ReportedAt.is_null())
        .add(C::OpensAt.lte(at));
    if !new.channel.is_recorded() {
        open = open.add(C::ClosesAt.gt(at));
    }
    guard(c, consultation, open).await?;
    let premoderated = consultations::Entity::find_by_id(consultation)
        .one(c)
        .await?
        .is_some_and(|k| k.premoderated);
    let pending = miasto_domain::consultations::comments::held(new.channel, premoderated);
    let (document, paragraph) = resolve_target(c, consultation, new.target).await?;
    let row = consultation_comments::ActiveModel {
        id: Set(Uuid::now_v7()),
        consultation_id: Set(consultation),
        author_id: Set(new.author.map(|u| u.0)),
        author_name: Set(new.author_name),
        channel: Set(new.channel.as_str().to_owned()),
        body: Set(new.body),
        recorded_by: Set(new.recorded_by.map(|u| u.0)),
        created_at: Set(at),
        // Waiting for a moderator, it is hidden from every public read until approved.
        hidden_at: Set(pending.then_some(at)),
        hidden_reason: Set(None),
        document_id: Set(document.map(|d| d.0)),
        document_version: Set(document.map(|d| d.1)),
        paragraph_id: Set(paragraph),
        answer_id: Set(None),
        pending: Set(pending),
    }
    .insert(c)
    .await?;
    if !pending {
        count_in(
            c,
            consultation,
            row.author_id.map(UserId),
            &row.channel,
            row.created_at,
        )
        .await?;
    }
    comment_from(row).map_err(ChangeError::Store)
}

/// Adds a comment now shown to the running counts: its channel, its day and, for an account's
/// first (or any typed in: each a person), the participants.
async fn count_in(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    author: Option<UserId>,
    channel: &str,
    created_at: DateTime<Utc>,
) -> Result<()> {
    // A first comment of an account (or any typed in: each a person) adds a participant.
    // The account's first is marked by a row under the table's primary key, so two first
    // comments at once count the account once.
    let first = match author {
        None => true,
        Some(author) => {
            use crate::entities::consultation_tallies::{self as t, Column as T};
            t::Entity::insert(t::ActiveModel {
                consultation_id: Set(consultation),
                key: Set(format!("{AUTHOR_MARK}{}", author.0)),
                count: Set(1),
            })
            .on_conflict(
                sea_orm::sea_query::OnConflict::columns([T::ConsultationId, T::Key])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(c)
            .await?
                == 1
        }
    };
    let mut keys = figure_keys(channel, created_at);
    if first {
        keys.push(PARTICIPANTS.to_owned());
    }
    tally(c, consultation, &keys, 1).await
}

/// How many comments wait for a moderator.
pub async fn pending_count(c: &impl ConnectionTrait, consultation: Uuid) -> Result<u64> {
    use consultation_comments::Column as K;
    use sea_orm::PaginatorTrait;
    Ok(consultation_comments::Entity::find()
        .filter(K::ConsultationId.eq(consultation))
        .filter(K::Pending.eq(true))
        .count(c)
        .await?)
}

/// Comments waiting for a moderator, oldest first (at most `limit`), and how many there are.
pub async fn pending(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    limit: u64,
) -> Result<(Vec<Comment>, u64)> {
    use consultation_comments::Column as K;
    use sea_orm::PaginatorTrait;
    let select = consultation_comments::Entity::find()
        .filter(K::ConsultationId.eq(consultation))
        .filter(K::Pending.eq(true));
    let total = select.clone().count(c).await?;
    let rows =
        sea_orm::QuerySelect::limit(select.order_by_asc(K::CreatedAt).order_by_asc(K::Id), limit)
            .all(c)
            .await?;
    Ok((
        rows.into_iter().map(comment_from).collect::<Result<_>>()?,
        total,
    ))
}

/// Shows a comment that waited for a moderator (once: `false` when it no longer waits) and
/// counts it in.
pub async fn approve(c: &impl ConnectionTrait, consultation: Uuid, comment: Uuid) -> Result<bool> {
    use consultation_comments::Column as K;
    let done = consultation_comments::Entity::update_many()
        .col_expr(K::HiddenAt, Option::<DateTime<Utc>>::None.into())
        .col_expr(K::Pending, false.into())
        .filter(K::Id.eq(comment))
        .filter(K::ConsultationId.eq(consultation))
        .filter(K::Pending.eq(true))
        .exec(c)
        .await?;
    if done.rows_affected == 1
        && let Some(row) = consultation_comments::Entity::find_by_id(comment)
            .one(c)
            .await?
    {
        count_in(
            c,
            consultation,
            row.author_id.map(UserId),
            &row.channel,
            row.created_at,
        )
        .await?;
    }
    Ok(done.rows_affected == 1)
}

/// The running count of participants (accounts that commented, and each comment typed in).
pub const PARTICIPANTS: &str = "c:participants";

/// The prefix of the mark an account's first comment leaves in the running counts.
const AUTHOR_MARK: &str = "a:";

/// The running counts a comment (not hidden) is part of: its channel and its Kraków day.
fn figure_keys(channel: &str, at: DateTime<Utc>) -> Vec<String> {
    let day = at.with_timezone(&chrono_tz::Europe::Warsaw).date_naive();
    vec![format!("c:channel:{channel}"), format!("c:day:{day}")]
}

/// Adds `delta` to running counts of a consultation (kept beside the survey's, so figures
/// read a few rows whatever the number of comments).
pub(crate) async fn tally(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    keys: &[String],
    delta: i64,
) -> Result<()> {
    use crate::entities::consultation_tallies::{self as t, Column as T};
    if keys.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = keys
        .iter()
        .map(|key| t::ActiveModel {
            consultation_id: Set(consultation),
            key: Set(key.clone()),
            count: Set(delta),
        })
        .collect();
    t::Entity::insert_many(rows)
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([T::ConsultationId, T::Key])
                .value(T::Count, Expr::col((t::Entity, T::Count)).add(delta))
                .to_owned(),
        )
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// The comment figures of the report: (channel, count) and (Kraków day `YYYY-MM-DD`, count),
/// each in order, and the participants.
pub async fn figures(
    c: &impl ConnectionTrait,
    consultation: Uuid,
) -> Result<(Vec<(String, u64)>, Vec<(String, u64)>, u64)> {
    series(c, consultation, "c:").await
}

/// The survey's responses per channel (`web`, `app`) and per Kraków day, in order.
pub async fn response_figures(
    c: &impl ConnectionTrait,
    consultation: Uuid,
) -> Result<(Vec<(String, u64)>, Vec<(String, u64)>)> {
    let (channels, days, _) = series(c, consultation, "s:").await?;
    Ok((channels, days))
}

/// The running counts under `prefix` (`c:` comments, `s:` survey responses): per channel, per
/// day, and the participants.
async fn series(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    prefix: &str,
) -> Result<(Vec<(String, u64)>, Vec<(String, u64)>, u64)> {
    use crate::entities::consultation_tallies::{self as t, Column as T};
    let rows = t::Entity::find()
        .filter(T::ConsultationId.eq(consultation))
        .filter(T::Key.starts_with(prefix))
        .order_by_asc(T::Key)
        .all(c)
        .await?;
    let (channel_prefix, day_prefix) = (format!("{prefix}channel:"), format!("{prefix}day:"));
    let (mut channels, mut days, mut participants) = (Vec::new(), Vec::new(), 0);
    for r in rows {
        let n = u64::try_from(r.count).unwrap_or(0);
        if let Some(ch) = r.key.strip_prefix(&channel_prefix) {
            if n > 0 {
                channels.push((ch.to_owned(), n));
            }
        } else if let Some(day) = r.key.strip_prefix(&day_prefix) {
            if n > 0 {
                days.push((day.to_owned(), n));
            }
        } else if r.key == PARTICIPANTS {
            participants = n;
        }
    }
    Ok((channels, days, participants))
}

/// The document (with its current version) and paragraph a comment is about, checked to be
/// of this consultation and, for a paragraph, in the document's current version.
async fn resolve_target(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    target: Target,
) -> std::result::Result<(Option<(Uuid, i32)>, Option<Uuid>), ChangeError> {
    let document_of = |id: Uuid| async move {
        consultation_documents::Entity::find_by_id(id)
            .one(c)
            .await
            .map(|d| d.filter(|d| d.consultation_id == consultation))
    };
    match target {
        Target::Consultation => Ok((None, None)),
        Target::Document(id) => {
            let d = document_of(id).await?.ok_or(ChangeError::Target)?;
            Ok((Some((d.id, d.current_version)), None))
        }
        Target::Paragraph(id) => {
            let p = consultation_paragraphs::Entity::find_by_id(id)
                .one(c)
                .await?
                .ok_or(ChangeError::Target)?;
            let d = document_of(p.document_id)
                .await?
                .ok_or(ChangeError::Target)?;
            consultation_paragraph_texts::Entity::find_by_id((p.id, d.current_version))
                .one(c)
                .await?
                .ok_or(ChangeError::Target)?;
            Ok((Some((d.id, d.current_version)), Some(p.id)))
        }
    }
}

fn comment_from(m: consultation_comments::Model) -> Result<Comment> {
    Ok(Comment {
        channel: miasto_domain::consultations::comments::Channel::parse(&m.channel).ok_or_else(
            || StoreError::Corrupt {
                table: "consultation_comments",
                detail: format!("{}: channel", m.id),
            },
        )?,
        id: m.id,
        consultation: m.consultation_id,
        author: m.author_id.map(UserId),
        author_name: m.author_name,
        body: m.body,
        recorded_by: m.recorded_by.map(UserId),
        created_at: m.created_at,
        hidden_reason: m.hidden_at.and(m.hidden_reason),
        pending: m.pending,
        document: m.document_id.zip(m.document_version),
        paragraph: m.paragraph_id,
        answer: m.answer_id,
    })
}

/// Hides a comment of `consultation` with the reason its author sees; `false` when there is
/// no such comment or it is hidden already.
pub async fn hide_comment(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    comment: Uuid,
    reason: &str,
) -> Result<bool> {
    use consultation_comments::Column as K;
    // One waiting for a moderator was never counted: it keeps hidden, with the reason.
    let refused = consultation_comments::Entity::update_many()
        .col_expr(K::HiddenReason, Some(reason.to_owned()).into())
        .col_expr(K::Pending, false.into())
        .filter(K::Id.eq(comment))
        .filter(K::ConsultationId.eq(consultation))
        .filter(K::Pending.eq(true))
        .exec(c)
        .await?;
    if refused.rows_affected == 1 {
        return Ok(true);
    }
    let done = consultation_comments::Entity::update_many()
        .col_expr(K::HiddenAt, Some(now()).into())
        .col_expr(K::HiddenReason, Some(reason.to_owned()).into())
        .filter(K::Id.eq(comment))
        .filter(K::ConsultationId.eq(consultation))
        .filter(K::HiddenAt.is_null())
        .exec(c)
        .await?;
    if done.rows_affected == 1
        && let Some(row) = consultation_comments::Entity::find_by_id(comment)
            .one(c)
            .await?
    {
        tally(
            c,
            consultation,
            &figure_keys(&row.channel, row.created_at),
            -1,
        )
        .await?;
    }
    Ok(done.rows_affected == 1)
}

/// A page of a consultation's comments not hidden, oldest first (the order they came in).
pub async fn comments(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    page: crate::Page,
) -> Result<crate::Paged<Comment>> {
    comments_about(c, consultation, Target::Consultation, page).await
}

/// A page of the comments not hidden about `target`, oldest first: every comment of the
/// consultation for [`Target::Consultation`], those on the whole document for
/// [`Target::Document`], those on one paragraph (or section) for [`Target::Paragraph`].
pub async fn comments_about(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    target: Target,
    page: crate::Page,
) -> Result<crate::Paged<Comment>> {
    use consultation_comments::Column as K;
    let condition = match target {
        Target::Consultation => sea_orm::Condition::all(),
        Target::Document(d) => sea_orm::Condition::all()
            .add(K::DocumentId.eq(d))
            .add(K::ParagraphId.is_null()),
        Target::Paragraph(p) => sea_orm::Condition::all().add(K::ParagraphId.eq(p)),
    };
    visible_page(c, consultation, condition, page).await
}

/// A page of the consultation's comments not hidden that also meet `condition`, oldest first.
pub(crate) async fn visible_page(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    condition: sea_orm::Condition,
    page: crate::Page,
) -> Result<crate::Paged<Comment>> {
    use consultation_comments::Column as K;
    let select = consultation_comments::Entity::find()
        .filter(K::ConsultationId.eq(consultation))
        .filter(K::HiddenAt.is_null())
        .filter(condition)
        .order_by_asc(K::CreatedAt)
        .order_by_asc(K::Id);
    let (rows, count) = crate::paging::fetch(c, select, page).await?;
    Ok(crate::Paged::new(
        rows.into_iter().map(comment_from).collect::<Result<_>>()?,
        count,
        page,
    ))
}

/// The no-op write on a consultation's row that guards a dependent write: it happens only
/// if the row meets `condition`, and it holds the row until the transaction ends, so a
/// change of state at the same moment (a report, a cancellation) either comes first — and
/// the dependent write is refused ([`ChangeError::Stale`]) — or waits for it.
pub(crate) async fn guard(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    condition: sea_orm::Condition,
) -> std::result::Result<(), ChangeError> {
    use consultations::Column as C;
    let done = consultations::Entity::update_many()
        .col_expr(C::UpdatedAt, Expr::col(C::UpdatedAt))
        .filter(C::Id.eq(consultation))
        .filter(condition)
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ChangeError::Stale);
    }
    Ok(())
}

/// An account's comments, newest first (at most `limit`), each with its consultation's slug
/// and subject: for "My city".
pub async fn comments_of(
    c: &impl ConnectionTrait,
    author: UserId,
    limit: u64,
) -> Result<Vec<(Comment, String, String)>> {
    use consultation_comments::Column as K;
    let rows = sea_orm::QuerySelect::limit(
        consultation_comments::Entity::find()
            .filter(K::AuthorId.eq(author.0))
            .order_by_desc(K::CreatedAt)
            .order_by_desc(K::Id),
        limit,
    )
    .all(c)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.consultation_id).collect();
    let consultations = if ids.is_empty() {
        Vec::new()
    } else {
        consultations::Entity::find()
            .filter(consultations::Column::Id.is_in(ids))
            .all(c)
            .await?
    };
    rows.into_iter()
        .map(|row| {
            let (slug, title) = consultations
                .iter()
                .find(|k| k.id == row.consultation_id)
                .map(|k| (k.slug.clone(), k.title.clone()))
                .unwrap_or_default();
            Ok((comment_from(row)?, slug, title))
        })
        .collect()
}
