//! Supports and who hears of a report's updates: the reporter and the supporters.

use super::*;

/// Who supports a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Supporter {
    User(UserId),
    Email(Email),
}

/// Adds a support; `false` if this person already supports the report. Runs in a savepoint.
pub async fn support(c: &impl Savepoints, id: ReportId, supporter: &Supporter) -> Result<bool> {
    let savepoint = sea_orm::TransactionTrait::begin(c).await?;
    let (user, email) = match supporter {
        Supporter::User(u) => (Some(u.0), None),
        Supporter::Email(e) => (None, Some(e.as_str().to_owned())),
    };
    let inserted = report_supports::ActiveModel {
        id: Set(Uuid::now_v7()),
        report_id: Set(id.0),
        user_id: Set(user),
        email: Set(email),
        created_at: Set(now()),
    }
    .insert(&savepoint)
    .await;
    match inserted {
        Ok(_) => {
            // Counted on the report; no timeline event (see [`timeline`]).
            let counted = reports::Entity::update_many()
                .col_expr(
                    reports::Column::SupportCount,
                    Expr::col(reports::Column::SupportCount).add(1),
                )
                .filter(reports::Column::Id.eq(id.0))
                .exec(&savepoint)
                .await
                .map(|_| true)
                .map_err(StoreError::from);
            crate::settle(savepoint, counted).await
        }
        // A failed statement spoils the savepoint on PostgreSQL: roll it back, never release it.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            savepoint.rollback().await?;
            Ok(false)
        }
        Err(e) => Err(StoreError::from(e)),
    }
}

/// Reports `user` supports, newest support first (for "My city").
pub async fn supported_by(
    c: &impl ConnectionTrait,
    user: UserId,
    limit: u64,
) -> Result<Vec<Report>> {
    let ids: Vec<Uuid> = report_supports::Entity::find()
        .filter(report_supports::Column::UserId.eq(user.0))
        .order_by_desc(report_supports::Column::Id)
        .limit(limit)
        .all(c)
        .await?
        .into_iter()
        .map(|s| s.report_id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut found = reports::Entity::find()
        .filter(reports::Column::Id.is_in(ids.clone()))
        .all(c)
        .await?
        .into_iter()
        .map(Report::try_from)
        .collect::<Result<Vec<_>>>()?;
    found.sort_by_key(|r| ids.iter().position(|id| *id == r.id.0));
    Ok(found)
}

/// Whether `user` supports the report.
pub async fn supports(c: &impl ConnectionTrait, id: ReportId, user: UserId) -> Result<bool> {
    Ok(report_supports::Entity::find()
        .filter(report_supports::Column::ReportId.eq(id.0))
        .filter(report_supports::Column::UserId.eq(user.0))
        .count(c)
        .await?
        > 0)
}

/// Someone to tell about a change, in their language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub email: String,
    pub locale: Locale,
    /// The reporter (gets the questionnaire and the private link) rather than a supporter.
    pub reporter: bool,
}

/// Everyone to notify about a report's updates: the reporter (their account's address, or the
/// contact address they gave and agreed to be contacted at) and the supporters. Each address
/// once.
pub async fn recipients(c: &impl ConnectionTrait, report: &Report) -> Result<Vec<Recipient>> {
    let mut out: Vec<Recipient> = Vec::new();
    let mut push = |email: String, locale: Locale, reporter: bool| {
        if !out.iter().any(|r| r.email == email) {
            out.push(Recipient {
                email,
                locale,
                reporter,
            });
        }
    };
    // Accounts that turned these e-mails off get none; a contact address given with the
    // report (no account) always does — that was the point of giving it.
    if let Some(user) = report.reporter
        && let Some(user) = users::Entity::find_by_id(user.0).one(c).await?
        && user.notify_own
    {
        push(
            user.email,
            Locale::parse(&user.locale).unwrap_or_default(),
            true,
        );
    }
    if report.contact_consent
        && let Some(email) = &report.contact_email
    {
        push(email.clone(), report.locale, true);
    }
    let supports = report_supports::Entity::find()
        .filter(report_supports::Column::ReportId.eq(report.id.0))
        .all(c)
        .await?;
    let user_ids: Vec<Uuid> = supports.iter().filter_map(|s| s.user_id).collect();
    let supporters = if user_ids.is_empty() {
        Vec::new()
    } else {
        users::Entity::find()
            .filter(users::Column::Id.is_in(user_ids))
            .all(c)
            .await?
    };
    for s in &supports {
        match (&s.user_id, &s.email) {
            (Some(u), _) => {
                if let Some(user) = supporters.iter().find(|x| x.id == *u && x.notify_supported) {
                    push(
                        user.email.clone(),
                        Locale::parse(&user.locale).unwrap_or_default(),
                        false,
                    );
                }
            }
            (None, Some(email)) => push(email.clone(), report.locale, false),
            (None, None) => {}
        }
    }
    Ok(out)
}

/// Who gets the receipt of a new report: the reporter's account, or the contact address they
/// agreed to be contacted at (a new report has no supporters yet).
pub async fn receipt_recipients(
    c: &impl ConnectionTrait,
    report: &Report,
) -> Result<Vec<Recipient>> {
    let mut out = Vec::new();
    // Accounts that turned these e-mails off get none; a contact address given with the
    // report (no account) always does — that was the point of giving it.
    if let Some(user) = report.reporter
        && let Some(user) = users::Entity::find_by_id(user.0).one(c).await?
        && user.notify_own
    {
        out.push(Recipient {
            email: user.email,
            locale: Locale::parse(&user.locale).unwrap_or_default(),
            reporter: true,
        });
    }
    if report.contact_consent
        && let Some(email) = &report.contact_email
        && !out.iter().any(|r| &r.email == email)
    {
        out.push(Recipient {
            email: email.clone(),
            locale: report.locale,
            reporter: true,
        });
    }
    Ok(out)
}
