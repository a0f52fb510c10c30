//! The audit log: every privileged action, who did it, to what, when. Append-only; read by
//! admins. Entries name people by id only, so the log holds no contact data of its own.

use crate::entities::{audit_log, users};
use crate::paging::{self, Page, Paged};
use crate::{Result, now};
use chrono::{DateTime, Utc};
use miasto_domain::UserId;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use uuid::Uuid;

/// What was done. The code is stable: it is stored, translated and filtered on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    UserCreated,
    RoleChanged,
    UserDisabled,
    UserEnabled,
    AccountDeleted,
    UnitCreated,
    UnitUpdated,
    CategoryCreated,
    CategoryUpdated,
    ReferenceDataLoaded,
    RoutingChanged,
    ReportTextModerated,
    PhotoHidden,
    PhotoPublished,
    ApiKeyIssued,
    ApiKeyRevoked,
    BudgetEditionCreated,
    BudgetScheduleChanged,
    BudgetCounted,
    BudgetPublished,
    BudgetProjectAssigned,
    BudgetProjectAssessed,
    BudgetProjectDecided,
    BudgetAppealDecided,
    BudgetMilestoneAdded,
    BudgetShareCollected,
    BudgetCorrected,
    BudgetProjectWithdrawn,
    BudgetCounterVote,
    BudgetElectorateChanged,
    ReporterContactViewed,
    ReplyTemplateSaved,
    ReplyTemplateDeleted,
    InvitationSent,
    ConsultationCreated,
    ConsultationChanged,
    ConsultationPublished,
    ConsultationCancelled,
    ConsultationCommentHidden,
    ConsultationDocumentAdded,
    ConsultationDocumentVersion,
    ConsultationAnswered,
    ConsultationReportPublished,
    ConsultationMeetingAdded,
    ConsultationDutyHourAdded,
    ConsultationMinutesPublished,
    ConsultationBookingCancelled,
    ConsultationCommentApproved,
    ConsultationMeetingCancelled,
    ConsultationTemplateSaved,
    ConsultationTemplateDeleted,
    /// The consultation algorithm was run, or its groups reshaped (renamed, merged, a comment
    /// moved, confirmed).
    ConsultationGrouped,
    /// A statement to vote on was added by staff, or a resident's accepted or refused.
    ConsultationStatement,
    /// A request with signatures checked and opened for signing.
    RequestOpened,
    /// A request with signatures accepted or refused.
    RequestDecided,
    /// The electorate of a referendum request entered.
    RequestElectorate,
    /// A signature from a paper list typed in.
    RequestPaperSignature,
    /// An organisation's link to an account verified or refused.
    OrganisationDecided,
    /// A "Ławka dialogu" meeting announced.
    DialogueMeetingPlanned,
    /// A meeting's question sent to a unit.
    DialogueQuestionRouted,
    /// A unit's answer to a meeting's question drafted or changed.
    DialogueQuestionAnswered,
    /// A meeting's question hidden (personal data, abuse).
    DialogueQuestionHidden,
    /// A meeting's question turned into a contact-centre report.
    DialogueQuestionReported,
    /// A meeting's questions and answers published.
    DialoguePublished,
    /// A year's pool for local initiatives set.
    InitiativePoolSet,
    /// A local initiative assessed, accepted, refused, agreed or realised.
    InitiativeStep,
    /// A district referendum created, changed, announced, opened and counted; a share
    /// collected; a paper sheet typed in.
    ReferendumStep,
}

impl Action {
    pub const ALL: [Action; 67] = [
        Self::UserCreated,
        Self::RoleChanged,
        Self::UserDisabled,
        Self::UserEnabled,
        Self::AccountDeleted,
        Self::UnitCreated,
        Self::UnitUpdated,
        Self::CategoryCreated,
        Self::CategoryUpdated,
        Self::ReferenceDataLoaded,
        Self::RoutingChanged,
        Self::ReportTextModerated,
        Self::PhotoHidden,
        Self::PhotoPublished,
        Self::ApiKeyIssued,
        Self::ApiKeyRevoked,
        Self::BudgetEditionCreated,
        Self::BudgetScheduleChanged,
        Self::BudgetCounted,
        Self::BudgetPublished,
        Self::BudgetProjectAssigned,
        Self::BudgetProjectAssessed,
        Self::BudgetProjectDecided,
        Self::BudgetAppealDecided,
        Self::BudgetMilestoneAdded,
        Self::BudgetShareCollected,
        Self::BudgetCorrected,
        Self::BudgetProjectWithdrawn,
        Self::BudgetCounterVote,
        Self::BudgetElectorateChanged,
        Self::ReporterContactViewed,
        Self::ReplyTemplateSaved,
        Self::ReplyTemplateDeleted,
        Self::InvitationSent,
        Self::ConsultationCreated,
        Self::ConsultationChanged,
        Self::ConsultationPublished,
        Self::ConsultationCancelled,
        Self::ConsultationCommentHidden,
        Self::ConsultationDocumentAdded,
        Self::ConsultationDocumentVersion,
        Self::ConsultationAnswered,
        Self::ConsultationReportPublished,
        Self::ConsultationMeetingAdded,
        Self::ConsultationDutyHourAdded,
        Self::ConsultationMinutesPublished,
        Self::ConsultationBookingCancelled,
        Self::ConsultationCommentApproved,
        Self::ConsultationMeetingCancelled,
        Self::ConsultationTemplateSaved,
        Self::ConsultationTemplateDeleted,
        Self::ConsultationGrouped,
        Self::ConsultationStatement,
        Self::RequestOpened,
        Self::RequestDecided,
        Self::RequestElectorate,
        Self::RequestPaperSignature,
        Self::OrganisationDecided,
        Self::DialogueMeetingPlanned,
        Self::DialogueQuestionRouted,
        Self::DialogueQuestionAnswered,
        Self::DialogueQuestionHidden,
        Self::DialogueQuestionReported,
        Self::DialoguePublished,
        Self::InitiativePoolSet,
        Self::InitiativeStep,
        Self::ReferendumStep,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::UserCreated => "user_created",
            Self::RoleChanged => "role_changed",
            Self::UserDisabled => "user_disabled",
            Self::UserEnabled => "user_enabled",
            Self::AccountDeleted => "account_deleted",
            Self::UnitCreated => "unit_created",
            Self::UnitUpdated => "unit_updated",
            Self::CategoryCreated => "category_created",
            Self::CategoryUpdated => "category_updated",
            Self::ReferenceDataLoaded => "reference_data_loaded",
            Self::RoutingChanged => "routing_changed",
            Self::ReportTextModerated => "report_text_moderated",
            Self::PhotoHidden => "photo_hidden",
            Self::PhotoPublished => "photo_published",
            Self::ApiKeyIssued => "api_key_issued",
            Self::ApiKeyRevoked => "api_key_revoked",
            Self::BudgetEditionCreated => "budget_edition_created",
            Self::BudgetScheduleChanged => "budget_schedule_changed",
            Self::BudgetCounted => "budget_counted",
            Self::BudgetPublished => "budget_published",
            Self::BudgetProjectAssigned => "budget_project_assigned",
            Self::BudgetProjectAssessed => "budget_project_assessed",
            Self::BudgetProjectDecided => "budget_project_decided",
            Self::BudgetAppealDecided => "budget_appeal_decided",
            Self::BudgetMilestoneAdded => "budget_milestone_added",
            Self::BudgetShareCollected => "budget_share_collected",
            Self::BudgetCorrected => "budget_corrected",
            Self::BudgetProjectWithdrawn => "budget_project_withdrawn",
            Self::BudgetCounterVote => "budget_counter_vote",
            Self::BudgetElectorateChanged => "budget_electorate_changed",
            Self::ReporterContactViewed => "reporter_contact_viewed",
            Self::ReplyTemplateSaved => "reply_template_saved",
            Self::ReplyTemplateDeleted => "reply_template_deleted",
            Self::InvitationSent => "invitation_sent",
            Self::ConsultationCreated => "consultation_created",
            Self::ConsultationChanged => "consultation_changed",
            Self::ConsultationPublished => "consultation_published",
            Self::ConsultationCancelled => "consultation_cancelled",
            Self::ConsultationCommentHidden => "consultation_comment_hidden",
            Self::ConsultationDocumentAdded => "consultation_document_added",
            Self::ConsultationDocumentVersion => "consultation_document_version",
            Self::ConsultationAnswered => "consultation_answered",
            Self::ConsultationReportPublished => "consultation_report_published",
            Self::ConsultationMeetingAdded => "consultation_meeting_added",
            Self::ConsultationDutyHourAdded => "consultation_duty_hour_added",
            Self::ConsultationMinutesPublished => "consultation_minutes_published",
            Self::ConsultationBookingCancelled => "consultation_booking_cancelled",
            Self::ConsultationCommentApproved => "consultation_comment_approved",
            Self::ConsultationMeetingCancelled => "consultation_meeting_cancelled",
            Self::ConsultationTemplateSaved => "consultation_template_saved",
            Self::ConsultationTemplateDeleted => "consultation_template_deleted",
            Self::ConsultationGrouped => "consultation_grouped",
            Self::ConsultationStatement => "consultation_statement",
            Self::RequestOpened => "request_opened",
            Self::RequestDecided => "request_decided",
            Self::RequestElectorate => "request_electorate",
            Self::RequestPaperSignature => "request_paper_signature",
            Self::OrganisationDecided => "organisation_decided",
            Self::DialogueMeetingPlanned => "dialogue_meeting_planned",
            Self::DialogueQuestionRouted => "dialogue_question_routed",
            Self::DialogueQuestionAnswered => "dialogue_question_answered",
            Self::DialogueQuestionHidden => "dialogue_question_hidden",
            Self::DialogueQuestionReported => "dialogue_question_reported",
            Self::DialoguePublished => "dialogue_published",
            Self::InitiativePoolSet => "initiative_pool_set",
            Self::InitiativeStep => "initiative_step",
            Self::ReferendumStep => "referendum_step",
        }
    }
}

/// The thing an action was done to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: &'static str,
    pub id: String,
}

impl Target {
    pub fn user(id: UserId) -> Self {
        Self {
            kind: "user",
            id: id.to_string(),
        }
    }

    pub fn unit(id: miasto_domain::UnitId) -> Self {
        Self {
            kind: "unit",
            id: id.to_string(),
        }
    }

    pub fn report(id: miasto_domain::ReportId) -> Self {
        Self {
            kind: "report",
            id: id.to_string(),
        }
    }

    pub fn category(id: miasto_domain::CategoryId) -> Self {
        Self {
            kind: "category",
            id: id.to_string(),
        }
    }

    pub fn api_client(id: uuid::Uuid) -> Self {
        Self {
            kind: "api_client",
            id: id.to_string(),
        }
    }

    pub fn budget_project(id: uuid::Uuid) -> Self {
        Self {
            kind: "budget_project",
            id: id.to_string(),
        }
    }

    pub fn reply_template(id: uuid::Uuid) -> Self {
        Self {
            kind: "reply_template",
            id: id.to_string(),
        }
    }

    pub fn answer_template(id: uuid::Uuid) -> Self {
        Self {
            kind: "consultation_answer_template",
            id: id.to_string(),
        }
    }

    pub fn consultation(id: uuid::Uuid) -> Self {
        Self {
            kind: "consultation",
            id: id.to_string(),
        }
    }

    pub fn request(id: uuid::Uuid) -> Self {
        Self {
            kind: "request",
            id: id.to_string(),
        }
    }

    pub fn dialogue_meeting(id: uuid::Uuid) -> Self {
        Self {
            kind: "dialogue_meeting",
            id: id.to_string(),
        }
    }

    pub fn referendum(id: uuid::Uuid) -> Self {
        Self {
            kind: "referendum",
            id: id.to_string(),
        }
    }

    pub fn initiative(id: uuid::Uuid) -> Self {
        Self {
            kind: "initiative",
            id: id.to_string(),
        }
    }

    pub fn organisation(id: uuid::Uuid) -> Self {
        Self {
            kind: "organisation",
            id: id.to_string(),
        }
    }

    pub fn budget_edition(id: uuid::Uuid) -> Self {
        Self {
            kind: "budget_edition",
            id: id.to_string(),
        }
    }
}

/// Records an action; call it in the transaction of the change.
pub async fn record(
    c: &impl ConnectionTrait,
    actor: Option<UserId>,
    action: Action,
    target: Option<Target>,
    details: serde_json::Value,
) -> Result<()> {
    audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        at: Set(now()),
        actor_id: Set(actor.map(|a| a.0)),
        action: Set(action.code().to_owned()),
        target_type: Set(target.as_ref().map(|t| t.kind.to_owned())),
        target_id: Set(target.map(|t| t.id)),
        details: Set(details),
    }
    .insert(c)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    /// The actor's current e-mail; `None` for the command line or a deleted account.
    pub actor_email: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub action: Option<String>,
    pub actor: Option<UserId>,
    pub target: Option<(String, String)>,
}

/// Entries, newest first.
pub async fn list(c: &impl ConnectionTrait, filter: &Filter, page: Page) -> Result<Paged<Entry>> {
    let mut select = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
    if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
        select = select.filter(audit_log::Column::Action.eq(action));
    }
    if let Some(actor) = filter.actor {
        select = select.filter(audit_log::Column::ActorId.eq(actor.0));
    }
    if let Some((kind, id)) = &filter.target {
        select = select
            .filter(audit_log::Column::TargetType.eq(kind.as_str()))
            .filter(audit_log::Column::TargetId.eq(id.as_str()));
    }
    let (rows, count) = paging::fetch(c, select, page).await?;
    let mut actor_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.actor_id).collect();
    actor_ids.sort_unstable();
    actor_ids.dedup();
    let actors: std::collections::HashMap<Uuid, String> = if actor_ids.is_empty() {
        Default::default()
    } else {
        users::Entity::find()
            .filter(users::Column::Id.is_in(actor_ids))
            .all(c)
            .await?
            .into_iter()
            .map(|u| (u.id, u.email))
            .collect()
    };
    let items = rows
        .into_iter()
        .map(|r| Entry {
            id: r.id,
            at: r.at,
            actor_id: r.actor_id.map(UserId),
            actor_email: r.actor_id.and_then(|a| actors.get(&a).cloned()),
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            details: r.details,
        })
        .collect();
    Ok(Paged::new(items, count, page))
}
