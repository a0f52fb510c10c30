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
