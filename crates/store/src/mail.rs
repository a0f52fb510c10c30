//! E-mail delivery. Messages are rendered by the caller, enqueued as a job in the caller's
//! transaction and delivered by the worker: over SMTP when configured, otherwise into the
//! outbox table, where admins read them in development and tests assert on them.

use crate::entities::outbox;
use crate::paging::{self, Page, Paged};
use crate::{Result, now};
use chrono::{DateTime, Utc};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A rendered plain-text e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailMessage {
    pub to: String,
    pub subject: String,
    pub body_text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    #[error("the sender address is not valid: {0}")]
    From(String),
    #[error("the SMTP URL is not valid: {0}")]
    Smtp(String),
}

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("the recipient address is not valid")]
    Recipient,
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("the SMTP server refused or failed: {0}")]
    Smtp(String),
    #[error(transparent)]
    Store(#[from] crate::StoreError),
}

/// Where e-mail goes.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("smtp", &self.smtp.is_some())
            .finish()
    }
}

impl Mailer {
    /// Keeps every message in the outbox table (development and tests).
    pub fn outbox(from: &str) -> Result<Self, MailConfigError> {
        Ok(Self {
            from: from
                .parse()
                .map_err(|e| MailConfigError::From(format!("{e}")))?,
            smtp: None,
        })
    }

    /// Sends over SMTP. `url` is lettre's form: `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtps://user:pass@host` (implicit TLS).
    pub fn smtp(url: &str, from: &str) -> Result<Self, MailConfigError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailConfigError::Smtp(e.to_string()))?
            .build();
        Ok(Self {
            from: from
                .parse()
                .map_err(|e| MailConfigError::From(format!("{e}")))?,
            smtp: Some(transport),
        })
    }

    pub fn uses_outbox(&self) -> bool {
        self.smtp.is_none()
    }

    pub async fn deliver(
        &self,
        c: &impl ConnectionTrait,
        msg: &EmailMessage,
    ) -> Result<(), DeliveryError> {
        let to: Mailbox = msg.to.parse().map_err(|_| DeliveryError::Recipient)?;
        let Some(smtp) = &self.smtp else {
            outbox::ActiveModel {
                id: Set(Uuid::now_v7()),
                to_address: Set(to.email.to_string()),
                subject: Set(msg.subject.clone()),
                body_text: Set(msg.body_text.clone()),
                created_at: Set(now()),
            }
            .insert(c)
            .await
            .map_err(crate::StoreError::from)?;
            return Ok(());
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&msg.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(msg.body_text.clone())
            .map_err(|e| DeliveryError::Build(e.to_string()))?;
        smtp.send(message)
            .await
            .map_err(|e| DeliveryError::Smtp(e.to_string()))?;
        Ok(())
    }
}

/// A message kept in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxMessage {
    pub id: Uuid,
    pub to: String,
    pub subject: String,
    pub body_text: String,
    pub created_at: DateTime<Utc>,
}

impl From<outbox::Model> for OutboxMessage {
    fn from(m: outbox::Model) -> Self {
        Self {
            id: m.id,
            to: m.to_address,
            subject: m.subject,
            body_text: m.body_text,
            created_at: m.created_at,
        }
    }
}

/// Outbox messages, newest first, optionally only those to one address.
pub async fn list_outbox(
    c: &impl ConnectionTrait,
    to: Option<&str>,
    page: Page,
) -> Result<Paged<OutboxMessage>> {
    let mut select = outbox::Entity::find().order_by_desc(outbox::Column::Id);
    if let Some(to) = to.map(str::trim).filter(|t| !t.is_empty()) {
        select = select
            .filter(outbox::Column::ToAddress.like(paging::contains_pattern(&to.to_lowercase())));
    }
    let (rows, count) = paging::fetch(c, select, page).await?;
    Ok(Paged::new(
        rows.into_iter().map(OutboxMessage::from).collect(),
        count,
        page,
    ))
}

pub async fn get_outbox(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<OutboxMessage>> {
    Ok(outbox::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(OutboxMessage::from))
}
