//! `POST /reports`: sending a report with photos, through the one intake check and the same
//! intake as the web form; retried safely with an `Idempotency-Key`.

use super::*;

/// The longest `Idempotency-Key` taken.
const IDEMPOTENCY_KEY_MAX: usize = 255;

/// The request's `Idempotency-Key`, if any: 1–255 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default().trim();
    if key.is_empty()
        || key.len() > IDEMPOTENCY_KEY_MAX
        || !key.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "idempotency_key_invalid",
        ));
    }
    Ok(Some(key.to_owned()))
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// Answers as a JSON object: question code → string, number or list of strings.
fn parse_answers(raw: Option<&str>) -> Option<BTreeMap<String, Vec<String>>> {
    let Some(raw) = raw else {
        return Some(BTreeMap::new());
    };
    let serde_json::Value::Object(map) = serde_json::from_str(raw).ok()? else {
        return None;
    };
    let scalar = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    map.iter()
        .map(|(code, value)| {
            let values = match value {
                serde_json::Value::Array(items) => {
                    items.iter().map(scalar).collect::<Option<Vec<_>>>()?
                }
                other => vec![scalar(other)?],
            };
            Some((code.clone(), values))
        })
        .collect()
}

/// The form through the one intake check every channel shares; problems in the API's words.
fn check_form(
    state: &AppState,
    lookup: &Lookup,
    pairs: &[(String, String)],
    locale: Locale,
) -> Result<Checked, Vec<FieldIssue>> {
    let text = |name: &str| field(pairs, name).unwrap_or_default();
    let parsed = parse_answers(field(pairs, "answers"));
    let answers = parsed.clone().unwrap_or_default();
    let consent = match field(pairs, "consent") {
        None | Some("false") => Some(false),
        Some("true") => Some(true),
        Some(_) => None,
    };
    let raw = Raw {
        lat: text("lat"),
        lon: text("lon"),
        address: text("address"),
        description: text("description"),
        contact_name: text("contact_name"),
        contact_email: text("contact_email"),
        contact_phone: text("contact_phone"),
        consent: consent.unwrap_or(false),
        ..Raw::new(intake_check::CategoryRef::Code(text("category")), &answers)
    };
    let problems = match intake_check::check(
        &raw,
        &lookup.categories,
        crate::reports::check::districts(state, lookup),
    ) {
        Ok(checked) if parsed.is_some() && consent.is_some() => return Ok(checked),
        Ok(_) => Vec::new(),
        Err(problems) => problems,
    };
    let category = intake_check::category(&lookup.categories, &raw);
    let mut issues = Vec::new();
    for (field, code) in &problems {
        // Unreadable answers are reported once, in their place, not as each question
        // unanswered; an unreadable consent once, not as consent missing.
        match field {
            Field::Answer(_) if parsed.is_none() => continue,
            Field::Consent if consent.is_none() => continue,
            Field::ContactName | Field::ContactEmail | Field::ContactPhone | Field::Consent
                if parsed.is_none()
                    && !issues.iter().any(|i: &FieldIssue| i.field == "answers") =>
            {
                issues.push(malformed_answers());
            }
            _ => {}
        }
        let (id, args) = crate::reports::check::message(code, category, locale);
        let mut issue = FieldIssue::new(field.name(), code.as_str(), id);
        for (name, value) in args {
            issue = issue.with(name, value);
        }
        issues.push(issue);
    }
    if parsed.is_none() && !issues.iter().any(|i| i.field == "answers") {
        issues.push(malformed_answers());
    }
    if consent.is_none() {
        issues.push(FieldIssue::new(
            "consent",
            "not_a_boolean",
            "api-field-not_a_boolean".into(),
        ));
    }
    Err(issues)
}

fn malformed_answers() -> FieldIssue {
    FieldIssue::new(
        "answers",
        "answers_malformed",
        "api-field-answers_malformed".into(),
    )
}

/// Answers a keyed retry with the report its first attempt created: 201 as before, without
/// the tracking token (which is never stored), marked `Idempotent-Replayed: true`.
async fn replay(
    state: &AppState,
    lang: Locale,
    viewer: Option<&Bearer>,
    report: ReportId,
) -> Result<Response, ApiError> {
    let report = reports::get(state.db(), report)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let writer = Writer::new(state, lang).await?;
    let sent = SentReport {
        report: writer.detail(state, &report, viewer).await?,
        tracking_token: None,
        photos_received: photos::list(state.db(), report.id, photos::Audience::Reporter)
            .await?
            .len(),
    };
    let mut response = reply(StatusCode::CREATED, sent);
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(response)
}

/// Send a report
///
/// A problem or an idea, with up to five photos, as `multipart/form-data`. Signed in, the
/// report is the resident's own ("my reports", notifications); anyone may send one. Send an
/// `Idempotency-Key` (a random UUID per report) so that retrying after a lost answer never
/// sends it twice.
#[utoipa::path(post, path = "/reports", tag = "reports",
    request_body(content = ReportForm, content_type = "multipart/form-data"),
    params(("Idempotency-Key" = Option<String>, Header, description = "A key unique to this report (1–255 visible ASCII characters), kept a day")),
    security((), ("bearer" = [])),
    responses(
        (status = 201, description = "Received (or, with `Idempotent-Replayed: true`, received before)", body = Data<SentReport>),
        (status = 400, description = "The body is not a readable form, or the key is not usable", body = crate::api::error::ErrorBody),
        (status = 401, description = "A token was sent but is not valid", body = crate::api::error::ErrorBody),
        (status = 409, description = "The same key is being processed right now (`idempotency_in_progress`)", body = crate::api::error::ErrorBody),
        (status = 413, description = "The photos are too large", body = crate::api::error::ErrorBody),
        (status = 415, description = "The body is not multipart/form-data", body = crate::api::error::ErrorBody),
        (status = 422, description = "A field failed its check, or the key was used for a different report (`idempotency_key_reused`)", body = crate::api::error::ErrorBody),
        (status = 429, description = "Too many reports from this client", body = crate::api::error::ErrorBody),
    ))]
pub async fn create_report(
    State(state): State<AppState>,
    Lang(lang): Lang,
    MaybeBearer(viewer): MaybeBearer,
    client: ClientKey,
    req: Request,
) -> Result<Response, ApiError> {
    let key = idempotency_key(req.headers())?;
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ));
    }
    let (mut pairs, files) =
        crate::form::read_multipart(req, &state)
            .await
            .map_err(|e| match e {
                Error::PayloadTooLarge => ApiError::from(e),
                _ => ApiError::new(StatusCode::BAD_REQUEST, "malformed_body"),
            })?;
    pairs.sort();
    let sender = viewer
        .as_ref()
        .map_or_else(|| "anonymous".to_owned(), |b| b.user.id.to_string());
    let remember = key.map(|key| {
        let fingerprint = miasto_store::form_keys::fingerprint(
            pairs
                .iter()
                .flat_map(|(k, v)| [k.as_bytes(), v.as_bytes()])
                .chain(files.iter().map(|f| f.bytes.as_ref())),
        );
        (
            miasto_store::form_keys::submission_key(&sender, &key),
            fingerprint,
        )
    });
    if let Some((key, fingerprint)) = &remember
        && let Some(earlier) = miasto_store::form_keys::find_submission(state.db(), key).await?
    {
        if earlier.request_hash != *fingerprint {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
            ));
        }
        return replay(&state, lang, viewer.as_ref(), earlier.report).await;
    }

    let lookup = Lookup::load(&state).await?;
    let checked = check_form(&state, &lookup, &pairs, lang).map_err(ApiError::validation)?;
    let limit_key = crate::accounts::client_key("report", &client);
    let limit = state.config().limits.reports_per_ip;
    let has_photos = files.iter().any(|f| f.field == "photos");
    if let miasto_store::rate_limit::Decision::Limited { retry_after_secs } =
        crate::reports::create::charge_or_check(&state, &limit_key, limit, has_photos).await?
    {
        return Err(ApiError::rate_limited(retry_after_secs));
    }
    let stored = match prepare_photos(&state, files).await? {
        Ok(stored) => stored,
        Err(PhotoProblem::TooMany) => {
            return Err(ApiError::validation(vec![FieldIssue::new(
                "photos",
                "photos_too_many",
                "error-photos-too-many".into(),
            )]));
        }
        Err(PhotoProblem::Bad(bad)) => {
            return Err(ApiError::validation(
                bad.into_iter()
                    .map(|(file, e)| {
                        FieldIssue::new("photos", e.code(), format!("error-{}", e.code()))
                            .with("file", file)
                    })
                    .collect(),
            ));
        }
    };
    let photos_received = stored.len();
    let filing = crate::reports::check::Filing {
        channel: Channel::Api,
        client: None,
        reporter: viewer.as_ref().map(|b| b.user.id),
        recorded_by: None,
        locale: lang,
        media_url: None,
        photos: stored,
        form_key: remember
            .as_ref()
            .map_or_else(|| uuid::Uuid::now_v7().to_string(), |(k, _)| k.clone()),
        form_scope: "api-report",
        limit: (!has_photos).then_some((limit_key, limit)),
        remember: remember.clone(),
    };
    let created = match crate::reports::check::file(&state, checked, filing).await? {
        Outcome::Created(created) => *created,
        Outcome::Duplicate => {
            let earlier = match &remember {
                Some((key, _)) => miasto_store::form_keys::find_submission(state.db(), key).await?,
                None => None,
            };
            return match earlier {
                Some(earlier) => replay(&state, lang, viewer.as_ref(), earlier.report).await,
                None => Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "idempotency_in_progress",
                )),
            };
        }
        Outcome::Limited { retry_after_secs } => {
            return Err(ApiError::rate_limited(retry_after_secs));
        }
    };
    tracing::info!(report = %created.report.number, channel = "api", photos = photos_received, "report received");
    let writer = Writer::new(&state, lang).await?;
    let sent = SentReport {
        report: writer
            .detail(&state, &created.report, viewer.as_ref())
            .await?,
        tracking_token: Some(created.tracking_token),
        photos_received,
    };
    let mut response = reply(StatusCode::CREATED, sent);
    if let Ok(location) = HeaderValue::from_str(&format!(
        "{}/reports/{}",
        crate::api::BASE,
        report_id(created.report.number)
    )) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_take_strings_numbers_and_lists() {
        let parsed =
            parse_answers(Some(r#"{"a": "x", "b": 3, "c": ["k1", "k2"]}"#)).unwrap_or_default();
        assert_eq!(parsed["a"], vec!["x"]);
        assert_eq!(parsed["b"], vec!["3"]);
        assert_eq!(parsed["c"], vec!["k1", "k2"]);
        assert!(parse_answers(Some("[1]")).is_none());
        assert!(parse_answers(Some(r#"{"a": {"b": 1}}"#)).is_none());
        assert!(parse_answers(Some("not json")).is_none());
        assert_eq!(parse_answers(None), Some(BTreeMap::new()));
    }
}
