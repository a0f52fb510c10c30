//! E-mails, rendered here (plain text, in the recipient's language) and handed to the job
//! queue. Subjects and every sentence come from the Fluent files.

use crate::Error;
use askama::Template;
use miasto_domain::{Email, Locale};
use miasto_store::mail::EmailMessage;

/// Translation for e-mail templates.
struct Tr(Locale);

impl Tr {
    fn t(&self, id: &str) -> String {
        crate::i18n::t(self.0, id)
    }

    fn t1(&self, id: &str, name: &str, value: impl std::fmt::Display) -> String {
        crate::i18n::t_args(self.0, id, &[(name, &value.to_string())])
    }

    fn t2(&self, id: &str, a: &str, av: &str, b: &str, bv: &str) -> String {
        crate::i18n::t_args(self.0, id, &[(a, av), (b, bv)])
    }
}

#[derive(Template)]
#[template(path = "emails/confirm_email.txt")]
struct ConfirmEmail<'a> {
    tr: Tr,
    link: &'a str,
    hours: i64,
}

#[derive(Template)]
#[template(path = "emails/already_registered.txt")]
struct AlreadyRegistered<'a> {
    tr: Tr,
    login_link: &'a str,
    reset_link: &'a str,
}

#[derive(Template)]
#[template(path = "emails/invitation.txt")]
struct Invitation<'a> {
    tr: Tr,
    role: &'a str,
    email: &'a str,
    link: &'a str,
    days: i64,
}

#[derive(Template)]
#[template(path = "emails/reset_password.txt")]
struct ResetPassword<'a> {
    tr: Tr,
    link: &'a str,
    minutes: i64,
}

#[derive(Template)]
#[template(path = "emails/password_changed.txt")]
struct PasswordChanged<'a> {
    tr: Tr,
    reset_link: &'a str,
}

#[derive(Template)]
#[template(path = "emails/account_deleted.txt")]
struct AccountDeleted {
    tr: Tr,
}

fn message(
    locale: Locale,
    to: &Email,
    subject_id: &str,
    body: &impl Template,
) -> Result<EmailMessage, Error> {
    Ok(EmailMessage {
        to: to.to_string(),
        subject: crate::i18n::t(locale, subject_id),
        body_text: body.render()?,
    })
}

pub fn confirm_email(locale: Locale, to: &Email, link: &str) -> Result<EmailMessage, Error> {
    let hours = miasto_store::tokens::Purpose::ConfirmEmail
        .lifetime()
        .num_hours();
    let body = ConfirmEmail {
        tr: Tr(locale),
        link,
        hours,
    };
    message(locale, to, "email-confirm-subject", &body)
}

pub fn already_registered(
    locale: Locale,
    to: &Email,
    login_link: &str,
    reset_link: &str,
) -> Result<EmailMessage, Error> {
    let body = AlreadyRegistered {
        tr: Tr(locale),
        login_link,
        reset_link,
    };
    message(locale, to, "email-already-registered-subject", &body)
}

pub fn reset_password(locale: Locale, to: &Email, link: &str) -> Result<EmailMessage, Error> {
    let minutes = miasto_store::tokens::Purpose::ResetPassword
        .lifetime()
        .num_minutes();
    let body = ResetPassword {
        tr: Tr(locale),
        link,
        minutes,
    };
    message(locale, to, "email-reset-subject", &body)
}

pub fn invitation(
    locale: Locale,
    to: &Email,
    role: &str,
    link: &str,
) -> Result<EmailMessage, Error> {
    let days = miasto_store::tokens::Purpose::Invitation
        .lifetime()
        .num_days();
    let body = Invitation {
        tr: Tr(locale),
        role,
        email: to.as_str(),
        link,
        days,
    };
    message(locale, to, "email-invitation-subject", &body)
}

pub fn password_changed(
    locale: Locale,
    to: &Email,
    reset_link: &str,
) -> Result<EmailMessage, Error> {
    let body = PasswordChanged {
        tr: Tr(locale),
        reset_link,
    };
    message(locale, to, "email-password-changed-subject", &body)
}

pub fn account_deleted(locale: Locale, to: &Email) -> Result<EmailMessage, Error> {
    let body = AccountDeleted { tr: Tr(locale) };
    message(locale, to, "email-account-deleted-subject", &body)
}

#[derive(Template)]
#[template(path = "emails/report_received.txt")]
struct ReportReceived<'a> {
    tr: Tr,
    number: &'a str,
    category: &'a str,
    private_link: &'a str,
    public_link: &'a str,
}

#[derive(Template)]
#[template(path = "emails/report_status.txt")]
struct ReportStatus<'a> {
    tr: Tr,
    number: &'a str,
    status: &'a str,
    message: Option<&'a str>,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "emails/report_feedback.txt")]
struct ReportFeedback<'a> {
    tr: Tr,
    number: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "emails/report_merged.txt")]
struct ReportMerged<'a> {
    tr: Tr,
    number: &'a str,
    master: &'a str,
    link: &'a str,
}

fn to_address(to: &str) -> Result<Email, Error> {
    Email::parse(to).map_err(|_| Error::internal("a stored e-mail address no longer parses"))
}

fn message_args(
    locale: Locale,
    to: &Email,
    subject_id: &str,
    args: &[(&str, &str)],
    body: &impl Template,
) -> Result<EmailMessage, Error> {
    Ok(EmailMessage {
        to: to.to_string(),
        subject: crate::i18n::t_args(locale, subject_id, args),
        body_text: body.render()?,
    })
}

pub fn report_received(
    locale: Locale,
    to: &str,
    number: &str,
    category: &str,
    private_link: &str,
    public_link: &str,
) -> Result<EmailMessage, Error> {
    let body = ReportReceived {
        tr: Tr(locale),
        number,
        category,
        private_link,
        public_link,
    };
    message_args(
        locale,
        &to_address(to)?,
        "email-report-received-subject",
        &[("number", number)],
        &body,
    )
}

pub fn report_status_changed(
    locale: Locale,
    to: &str,
    number: &str,
    status: &str,
    message: Option<&str>,
    link: &str,
) -> Result<EmailMessage, Error> {
    let body = ReportStatus {
        tr: Tr(locale),
        number,
        status,
        message,
        link,
    };
    message_args(
        locale,
        &to_address(to)?,
        "email-report-status-subject",
        &[("number", number)],
        &body,
    )
}

pub fn report_feedback(
    locale: Locale,
    to: &str,
    number: &str,
    link: &str,
) -> Result<EmailMessage, Error> {
    let body = ReportFeedback {
        tr: Tr(locale),
        number,
        link,
    };
    message_args(
        locale,
        &to_address(to)?,
        "email-report-feedback-subject",
        &[("number", number)],
        &body,
    )
}

#[derive(Template)]
#[template(path = "emails/confirm_support.txt")]
struct ConfirmSupport<'a> {
    tr: Tr,
    number: &'a str,
    link: &'a str,
    hours: i64,
}

/// The link that makes a support given with an e-mail address count.
pub fn confirm_support(
    locale: Locale,
    to: &Email,
    number: &str,
    link: &str,
) -> Result<EmailMessage, Error> {
    let body = ConfirmSupport {
        tr: Tr(locale),
        number,
        link,
        hours: miasto_store::support_requests::LIFETIME.num_hours(),
    };
    message_args(
        locale,
        to,
        "email-confirm-support-subject",
        &[("number", number)],
        &body,
    )
}

pub fn report_merged(
    locale: Locale,
    to: &str,
    number: &str,
    master: &str,
    link: &str,
) -> Result<EmailMessage, Error> {
    let body = ReportMerged {
        tr: Tr(locale),
        number,
        master,
        link,
    };
    message_args(
        locale,
        &to_address(to)?,
        "email-report-merged-subject",
        &[("number", number)],
        &body,
    )
}

#[derive(Template)]
#[template(path = "emails/budget_project.txt")]
struct BudgetProject<'a> {
    tr: Tr,
    intro: String,
    title: &'a str,
    reason: &'a str,
    link: &'a str,
}

/// What happened to a citizens' budget project, for its author.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetNews {
    Submitted,
    Accepted,
    Rejected,
    AppealUpheld,
    AppealDismissed,
}

impl BudgetNews {
    fn id(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::AppealUpheld => "appeal-upheld",
            Self::AppealDismissed => "appeal-dismissed",
        }
    }

    #[cfg(test)]
    pub const ALL: [Self; 5] = [
        Self::Submitted,
        Self::Accepted,
        Self::Rejected,
        Self::AppealUpheld,
        Self::AppealDismissed,
    ];

    /// The message ids this news uses (subject and first line).
    pub fn message_ids(self) -> [String; 2] {
        [
            format!("email-budget-{}-subject", self.id()),
            format!("email-budget-{}-intro", self.id()),
        ]
    }
}

pub fn budget_project(
    locale: Locale,
    to: &Email,
    news: BudgetNews,
    title: &str,
    reason: &str,
    link: &str,
) -> Result<EmailMessage, Error> {
    let [subject, intro] = news.message_ids();
    let body = BudgetProject {
        tr: Tr(locale),
        intro: crate::i18n::t(locale, &intro),
        title,
        reason,
        link,
    };
    message(locale, to, &subject, &body)
}

#[derive(Template)]
#[template(path = "emails/consultation_report.txt")]
struct ConsultationReport<'a> {
    tr: Tr,
    title: &'a str,
    link: &'a str,
}

/// A consultation's report is out, for those who commented.
pub fn consultation_report(
    locale: Locale,
    to: &Email,
    title: &str,
    link: &str,
) -> Result<EmailMessage, Error> {
    let body = ConsultationReport {
        tr: Tr(locale),
        title,
        link,
    };
    message(locale, to, "email-consult-report-subject", &body)
}

#[derive(Template)]
#[template(path = "emails/consultation_event.txt")]
struct ConsultationEvent<'a> {
    tr: Tr,
    intro: String,
    note: Option<&'a str>,
    what: &'a str,
    consultation: &'a str,
    when: &'a str,
    place: Option<&'a str>,
    link: &'a str,
}

/// About a consultation meeting or duty-hour slot: `kind` is `meeting-registered`,
/// `meeting-waiting`, `meeting-promoted`, `meeting-reminder`, `booking-made`,
/// `booking-reminder`, `booking-cancelled`, `meeting-cancelled` or `meeting-changed` (the subject and the first
/// line); `note` (a reason) follows the first line.
#[expect(clippy::too_many_arguments, reason = "an e-mail's parts")]
pub fn consultation_event(
    locale: Locale,
    to: &Email,
    kind: &str,
    (what, note): (&str, Option<&str>),
    consultation: &str,
    when: &str,
    place: Option<&str>,
    link: &str,
) -> Result<EmailMessage, Error> {
    let body = ConsultationEvent {
        tr: Tr(locale),
        intro: crate::i18n::t(locale, &format!("email-{kind}-intro")),
        note,
        what,
        consultation,
        when,
        place,
        link,
    };
    message_args(
        locale,
        to,
        &format!("email-{kind}-subject"),
        &[("what", what)],
        &body,
    )
}

#[derive(Template)]
#[template(path = "emails/consultation_news.txt")]
struct ConsultationNews<'a> {
    tr: Tr,
    intro: String,
    title: &'a str,
    when: &'a str,
    link: &'a str,
    unsubscribe: &'a str,
}

/// News for a subscriber: `kind` is `opened` (a consultation they subscribed to opens) or
/// `reported` (its report is out); with the one link that ends the subscription.
pub fn consultation_news(
    locale: Locale,
    to: &Email,
    kind: &str,
    title: &str,
    when: &str,
    link: &str,
    unsubscribe: &str,
) -> Result<EmailMessage, Error> {
    let body = ConsultationNews {
        tr: Tr(locale),
        intro: crate::i18n::t(locale, &format!("email-news-{kind}-intro")),
        title,
        when,
        link,
        unsubscribe,
    };
    message_args(
        locale,
        to,
        &format!("email-news-{kind}-subject"),
        &[("title", title)],
        &body,
    )
}

#[derive(Template)]
#[template(path = "emails/news.txt")]
struct News<'a> {
    tr: Tr,
    intro: String,
    title: &'a str,
    /// The reason's label and text (a refusal's).
    reason: Option<(String, &'a str)>,
    see: String,
    link: &'a str,
}

/// News of something the resident filed or signed: the messages are `{prefix}-subject`,
/// `{prefix}-intro`, `{area}-reason` and `{area}-see`, where `prefix` is
/// `email-{area}-{news}`.
fn news(
    locale: Locale,
    to: &Email,
    area: &str,
    news: &str,
    title: &str,
    reason: Option<&str>,
    link: &str,
) -> Result<EmailMessage, Error> {
    let t = |id: String| crate::i18n::t(locale, &id);
    let body = News {
        tr: Tr(locale),
        intro: t(format!("email-{area}-{news}-intro")),
        title,
        reason: reason.map(|r| (t(format!("email-{area}-reason")), r)),
        see: t(format!("email-{area}-see")),
        link,
    };
    message(locale, to, &format!("email-{area}-{news}-subject"), &body)
}

/// News of a request with signatures: `news` is `opened`, `accepted` or `refused`; a refusal
/// carries its reason.
pub fn request_news(
    locale: Locale,
    to: &Email,
    kind: &str,
    title: &str,
    reason: Option<&str>,
    link: &str,
) -> Result<EmailMessage, Error> {
    news(locale, to, "request", kind, title, reason, link)
}

/// News of a local initiative for its applicants: `accepted` or `refused` (with the reason).
pub fn initiative_news(
    locale: Locale,
    to: &Email,
    kind: &str,
    title: &str,
    reason: Option<&str>,
    link: &str,
) -> Result<EmailMessage, Error> {
    news(locale, to, "initiative", kind, title, reason, link)
}

#[derive(Template)]
#[template(path = "emails/dialogue_answers.txt")]
struct DialogueAnswers<'a> {
    tr: Tr,
    title: &'a str,
    link: &'a str,
}

/// The answers to a meeting's questions are published, for those who follow one.
pub fn dialogue_answers(
    locale: Locale,
    to: &Email,
    title: &str,
    link: &str,
) -> Result<EmailMessage, Error> {
    let body = DialogueAnswers {
        tr: Tr(locale),
        title,
        link,
    };
    message(locale, to, "email-dialogue-answers-subject", &body)
}
