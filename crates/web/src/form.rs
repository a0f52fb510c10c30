//! Form input: the [`Form`] extractor checks the CSRF token on every state-changing form and
//! turns any malformed body into a clear error page; [`FieldErrors`] carries one translated
//! message per field back to the re-rendered form.

use crate::Error;
use crate::context::Ctx;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use miasto_domain::{FieldError, Locale};
use serde::de::DeserializeOwned;

/// The hidden field that carries the form token.
pub const CSRF_FIELD: &str = "csrf";

/// A URL-encoded form body whose CSRF token matched.
pub struct Form<T>(pub T);

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl<S, T> FromRequest<S> for Form<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (bytes, _) = read_form(req, state).await?;
        let value = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| Error::BadRequest("form_malformed"))?;
        Ok(Form(value))
    }
}

/// A [`Form`] that also keeps every field as sent, in order (for fields named at run time,
/// such as the answers to a category's questions).
pub struct FormPairs<T> {
    pub fields: T,
    pub pairs: Vec<(String, String)>,
}

impl<S, T> FromRequest<S> for FormPairs<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (bytes, pairs) = read_form(req, state).await?;
        let fields = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| Error::BadRequest("form_malformed"))?;
        Ok(Self { fields, pairs })
    }
}

/// Reads a URL-encoded body and checks its CSRF token; the body and its pairs.
async fn read_form<S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<(Bytes, Vec<(String, String)>), Error> {
    let ctx = form_context(&req, "application/x-www-form-urlencoded")?;
    let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Error::PayloadTooLarge
        } else {
            Error::BadRequest("form_malformed")
        }
    })?;
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&bytes).map_err(|_| Error::BadRequest("form_malformed"))?;
    check_token(&pairs, &ctx)?;
    Ok((bytes, pairs))
}

/// The request's context, when its body has the form's content type.
fn form_context(req: &Request, content_type: &str) -> Result<Ctx, Error> {
    let ctx = req
        .extensions()
        .get::<Ctx>()
        .cloned()
        .ok_or_else(|| Error::internal("form outside the context layer"))?;
    let matches = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(content_type));
    if !matches {
        return Err(Error::UnsupportedMediaType);
    }
    Ok(ctx)
}

/// Checks the form token sent among `pairs` against the visitor's.
fn check_token(pairs: &[(String, String)], ctx: &Ctx) -> Result<(), Error> {
    let token = pairs
        .iter()
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v.as_str());
    if token.is_some_and(|t| same(t, &ctx.csrf)) {
        Ok(())
    } else {
        Err(Error::Csrf)
    }
}

/// A message kept as its id and arguments, translated when the page is rendered.
#[derive(Debug, Clone)]
enum Message {
    Id(String, Vec<(&'static str, String)>),
    /// Already in the visitor's language.
    Text(String),
}

/// Messages per field, in the order they were found. Checks add codes (message ids with their
/// arguments); the page translates them when it renders, in the visitor's language.
#[derive(Debug, Clone)]
pub struct FieldErrors {
    locale: Locale,
    items: Vec<(&'static str, Message)>,
}

impl FieldErrors {
    /// The pseudo-field for errors about the form as a whole.
    pub const FORM: &'static str = "form";

    pub fn new(locale: Locale) -> Self {
        Self {
            locale,
            items: Vec::new(),
        }
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The field's own message when the translations have one (`error-email-required`:
    /// "Enter your e-mail address"), else the general one (`error-required`).
    pub fn add(&mut self, field: &'static str, error: FieldError) {
        let own = format!("error-{field}-{}", error.code());
        if crate::i18n::exists(&own) {
            self.add_message(field, &own);
        } else {
            self.add_message(field, &format!("error-{}", error.code()));
        }
    }

    pub fn add_message(&mut self, field: &'static str, message_id: &str) {
        self.add_args(field, message_id, Vec::new());
    }

    /// A message with arguments (`{ $question }` and the like).
    pub fn add_args(
        &mut self,
        field: &'static str,
        message_id: &str,
        args: Vec<(&'static str, String)>,
    ) {
        self.items
            .push((field, Message::Id(message_id.to_owned(), args)));
    }

    /// A message already in the visitor's language.
    pub fn add_text(&mut self, field: &'static str, message: String) {
        self.items.push((field, Message::Text(message)));
    }

    /// Keeps the parsed value, or records why it failed.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.add(field, e);
                None
            }
        }
    }

    fn text(&self, message: &Message) -> String {
        match message {
            Message::Id(id, args) => {
                let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                crate::i18n::t_args(self.locale, id, &args)
            }
            Message::Text(text) => text.clone(),
        }
    }

    /// The first message on `field`, translated.
    pub fn get(&self, field: &str) -> Option<String> {
        self.items
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| self.text(m))
    }

    pub fn has(&self, field: &str) -> bool {
        self.items.iter().any(|(f, _)| *f == field)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every (field, translated message), in order.
    pub fn iter(&self) -> Vec<(&'static str, String)> {
        self.items.iter().map(|(f, m)| (*f, self.text(m))).collect()
    }

    /// The id of the element a summary link should point at.
    pub fn anchor(&self, field: &str) -> String {
        if field == Self::FORM {
            "main".to_owned()
        } else {
            field.to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_comparison_needs_equal_length_and_bytes() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
        assert!(!same("", "a"));
    }
}

/// A file sent with a multipart form.
#[derive(Debug, Clone)]
pub struct Upload {
    pub field: String,
    pub filename: String,
    pub bytes: bytes::Bytes,
}

/// A `multipart/form-data` body whose CSRF token matched: the text fields parsed into `T`, the
/// files kept aside. Browsers send an empty part for a file input left empty; those are dropped.
pub struct MultipartForm<T> {
    pub fields: T,
    pub files: Vec<Upload>,
    /// Every text field as sent, in order (for fields named at run time, such as the answers
    /// to a category's questions).
    pub pairs: Vec<(String, String)>,
}

impl<S, T> FromRequest<S> for MultipartForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = form_context(&req, "multipart/form-data")?;
        let (pairs, files) = read_multipart(req, state).await?;
        check_token(&pairs, &ctx)?;
        let encoded =
            serde_urlencoded::to_string(&pairs).map_err(|_| Error::BadRequest("form_malformed"))?;
        let fields = serde_urlencoded::from_str(&encoded)
            .map_err(|_| Error::BadRequest("form_malformed"))?;
        Ok(Self {
            fields,
            files,
            pairs,
        })
    }
}

/// A form sent URL-encoded, or as `multipart/form-data` when it carries files (a survey with a
/// file question): the same fields either way, and the files (none when URL-encoded).
pub struct EitherForm<T> {
    pub fields: T,
    pub pairs: Vec<(String, String)>,
    pub files: Vec<Upload>,
}

impl<S, T> FromRequest<S> for EitherForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if multipart {
            let MultipartForm {
                fields,
                files,
                pairs,
            } = MultipartForm::from_request(req, state).await?;
            Ok(Self {
                fields,
                pairs,
                files,
            })
        } else {
            let FormPairs { fields, pairs } = FormPairs::from_request(req, state).await?;
            Ok(Self {
                fields,
                pairs,
                files: Vec::new(),
            })
        }
    }
}

/// The text fields and files of a `multipart/form-data` body (the caller checked the content
/// type). Empty file parts (a file input left empty) are dropped.
pub async fn read_multipart<S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<(Vec<(String, String)>, Vec<Upload>), Error> {
    let mut multipart = axum::extract::Multipart::from_request(req, state)
        .await
        .map_err(|_| Error::BadRequest("form_malformed"))?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut files = Vec::new();
    let too_large = |status: StatusCode| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            Error::PayloadTooLarge
        } else {
            Error::BadRequest("form_malformed")
        }
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(too_large(e.status())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(|e| too_large(e.status()))?;
        match filename {
            Some(filename) if !bytes.is_empty() => files.push(Upload {
                field: name,
                filename,
                bytes,
            }),
            Some(_) => {}
            None => pairs.push((name, String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
    Ok((pairs, files))
}
