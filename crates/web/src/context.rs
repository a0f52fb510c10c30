//! The request context: who is asking (session → user), in which language, with which CSRF
//! token (a signed-in visitor's is derived from the session; others get a random one), and any flash message left by the previous redirect. A middleware resolves it once
//! per request and stores it in the request extensions; handlers take it as [`Ctx`].

use crate::{AppState, Error};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use miasto_domain::{Locale, Permission};
use miasto_store::accounts::User;
use miasto_store::sessions;
use std::sync::Arc;

/// The logged-in user and the id (hash) of their session.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub session_id: String,
    /// Seals this session's ballot drafts: derived from the cookie's token, which the
    /// database never holds.
    pub draft_key: [u8; 32],
}

/// The draft key of the session whose cookie token is `token`.
fn draft_key(state: &AppState, token: &str) -> [u8; 32] {
    use hmac::{KeyInit, Mac};
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(
        state.config().secret.expose().as_bytes(),
    )
    .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(b"ballot-draft\0");
    mac.update(token.as_bytes());
    mac.finalize().into_bytes().into()
}

#[derive(Debug, Clone)]
pub struct Ctx {
    pub locale: Locale,
    pub user: Option<Arc<CurrentUser>>,
    /// The form token for this browser (double-submit: the same value is in a cookie).
    pub csrf: String,
    /// A Fluent message id left by the previous request.
    pub flash: Option<String>,
    /// Path and query of this request, to come back to after logging in or switching language.
    pub path: String,
    pub secure: bool,
    /// Map tiles and where maps open (for pages with a map).
    pub map_tiles: String,
    pub map_center: (f64, f64),
}

impl Ctx {
    /// The logged-in user, or [`Error::LoginRequired`].
    pub fn require_user(&self) -> Result<&CurrentUser, Error> {
        self.user.as_deref().ok_or(Error::LoginRequired)
    }

    /// Whether there is a logged-in user whose role grants `permission`.
    pub fn can(&self, permission: Permission) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.user.role.can(permission))
    }

    /// The logged-in user if their role grants `permission`; 403 otherwise.
    pub fn require(&self, permission: Permission) -> Result<&CurrentUser, Error> {
        let current = self.require_user()?;
        if current.user.role.can(permission) {
            Ok(current)
        } else {
            Err(Error::Forbidden)
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(|| {
            Error::internal("request context missing: route outside the context layer")
        })
    }
}

/// Cookie names. Over TLS they carry the `__Host-` prefix, which browsers accept only with
/// `Secure`, `Path=/` and no `Domain`, so a sibling subdomain cannot plant them.
pub struct CookieNames {
    pub session: &'static str,
    pub csrf: &'static str,
    pub lang: &'static str,
    pub flash: &'static str,
}

impl CookieNames {
    pub fn get(secure: bool) -> Self {
        if secure {
            Self {
                session: "__Host-miasto_session",
                csrf: "__Host-miasto_csrf",
                lang: "__Host-miasto_lang",
                flash: "__Host-miasto_flash",
            }
        } else {
            Self {
                session: "miasto_session",
                csrf: "miasto_csrf",
                lang: "miasto_lang",
                flash: "miasto_flash",
            }
        }
    }
}

fn cookie(name: &'static str, value: String, secure: bool, http_only: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(http_only)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

/// The session cookie: a browser-session cookie (no Max-Age) refreshed by the server-side
/// idle expiry.
pub fn session_cookie(secure: bool, token: String) -> Cookie<'static> {
    let mut c = cookie(CookieNames::get(secure).session, token, secure, true);
    c.set_max_age(time_days(30));
    c
}

pub fn removal(name: &'static str, secure: bool) -> Cookie<'static> {
    let mut c = cookie(name, String::new(), secure, true);
    c.make_removal();
    c
}

pub fn lang_cookie(secure: bool, locale: Locale) -> Cookie<'static> {
    let mut c = cookie(
        CookieNames::get(secure).lang,
        locale.as_str().to_owned(),
        secure,
        true,
    );
    c.set_max_age(time_days(365));
    c
}

pub fn flash_cookie(secure: bool, message_id: &str) -> Cookie<'static> {
    cookie(
        CookieNames::get(secure).flash,
        message_id.to_owned(),
        secure,
        true,
    )
}

fn time_days(days: i64) -> cookie::time::Duration {
    cookie::time::Duration::days(days)
}

fn valid_csrf(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

fn valid_flash(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 64
        && value.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
}

/// A fresh random form token for a visitor without a session.
pub fn new_csrf() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The form token of a session: derived from the session's id under the server secret, so it
/// is bound to that session, changes with every login and means nothing after logout.
pub fn session_csrf(state: &AppState, session_id: &str) -> String {
    sessions::form_token(state.config().secret.expose().as_bytes(), session_id)
}

/// The cookie carrying the form token (the page's forms carry the same value).
pub fn csrf_cookie(secure: bool, value: String) -> Cookie<'static> {
    let mut c = cookie(CookieNames::get(secure).csrf, value, secure, true);
    c.set_max_age(time_days(365));
    c
}

fn append(response: &mut Response, c: &Cookie<'static>) {
    if let Ok(value) = HeaderValue::from_str(&c.encoded().to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// The middleware that builds [`Ctx`].
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let secure = state.config().secure();
    let names = CookieNames::get(secure);
    let jar = CookieJar::from_headers(req.headers());

    let mut clear_session = false;
    let user = match jar.get(names.session).map(|c| c.value().to_owned()) {
        Some(token) => match sessions::resolve(state.db(), &token).await {
            Ok(Some((session, user))) => Some(Arc::new(CurrentUser {
                user,
                session_id: session.id,
                draft_key: draft_key(&state, &token),
            })),
            Ok(None) => {
                clear_session = true;
                None
            }
            Err(e) => return crate::error::bare_error_page(Error::from(e), Locale::default()),
        },
        None => None,
    };

    let cookie_csrf = jar
        .get(names.csrf)
        .map(Cookie::value)
        .filter(|v| valid_csrf(v));
    let (csrf, fresh_csrf) = match (&user, cookie_csrf) {
        // Signed in: the session's own token, whatever the cookie says.
        (Some(current), cookie) => {
            let token = session_csrf(&state, &current.session_id);
            let fresh = cookie != Some(token.as_str());
            (token, fresh)
        }
        (None, Some(value)) => (value.to_owned(), false),
        (None, None) => (new_csrf(), true),
    };

    let locale = user
        .as_ref()
        .map(|u| u.user.locale)
        .or_else(|| {
            jar.get(names.lang)
                .and_then(|c| Locale::parse(c.value()).ok())
        })
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or_default();

    let flash = jar
        .get(names.flash)
        .map(|c| c.value().to_owned())
        .filter(|v| valid_flash(v));

    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned());

    let had_flash = flash.is_some();
    req.extensions_mut().insert(Ctx {
        locale,
        user,
        csrf: csrf.clone(),
        flash,
        path,
        secure,
        map_tiles: state.config().map_tiles.clone(),
        map_center: state
            .districts()
            .center()
            .map_or((50.06, 19.94), |p| (p.lat(), p.lon())),
    });

    let mut response = next.run(req).await;
    let sets = |response: &Response, name: &str| {
        response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.to_str().is_ok_and(|s| s.starts_with(&format!("{name}="))))
    };
    // A handler that set its own token (login, logout) has the last word.
    if fresh_csrf && !sets(&response, names.csrf) {
        append(&mut response, &csrf_cookie(secure, csrf));
    }
    // An expired session's cookie is cleared, unless this response signs in afresh (a login
    // sent with the old cookie): clearing after it would undo the new session.
    if clear_session && !sets(&response, names.session) {
        append(&mut response, &removal(names.session, secure));
    }
    let sets_flash = sets(&response, names.flash);
    if had_flash && !sets_flash && !response.status().is_redirection() {
        append(&mut response, &removal(names.flash, secure));
    }
    response
}

/// A 303 redirect that leaves a flash message for the next page.
pub fn redirect_with_flash(ctx: &Ctx, to: &str, message_id: &str) -> Response {
    // `Redirect::to` answers 303 See Other: the browser follows with a GET.
    let mut response =
        axum::response::IntoResponse::into_response(axum::response::Redirect::to(to));
    append(&mut response, &flash_cookie(ctx.secure, message_id));
    response
}

/// Adds cookies to a response.
pub fn with_cookies(mut response: Response, cookies: &[Cookie<'static>]) -> Response {
    for c in cookies {
        append(&mut response, c);
    }
    response
}

/// Only local paths are valid places to return to (no `//host` or `https://…`).
pub fn safe_return_path(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let local = raw.starts_with('/') && !raw.starts_with("//") && !raw.starts_with("/\\");
    let clean = !raw.chars().any(|c| c.is_control());
    (local && clean && raw.len() <= 2000).then(|| raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_return_targets() {
        assert_eq!(safe_return_path("/my?tab=1").as_deref(), Some("/my?tab=1"));
        assert_eq!(safe_return_path("//evil.example"), None);
        assert_eq!(safe_return_path("/\\evil.example"), None);
        assert_eq!(safe_return_path("https://evil.example"), None);
        assert_eq!(safe_return_path("/a\r\nSet-Cookie: x"), None);
    }

    #[test]
    fn flash_ids_are_plain_message_ids() {
        assert!(valid_flash("flash-logged-out"));
        assert!(!valid_flash("<script>"));
        assert!(!valid_flash(""));
    }
}
