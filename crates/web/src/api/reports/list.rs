//! `GET /reports`: the public list, newest first, cursor-paged and filtered.

use super::*;

/// Opaque list cursors: the creation time and id of the last report given.
pub fn encode_cursor(report: &Report) -> String {
    format!(
        "{}_{}",
        report.created_at.timestamp_micros(),
        report.id.0.simple()
    )
}

fn decode_cursor(raw: &str) -> Option<(DateTime<Utc>, ReportId)> {
    let (micros, id) = raw.trim().split_once('_')?;
    let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
    Some((at, ReportId(uuid::Uuid::try_parse(id).ok()?)))
}

/// One page of reports matching `filter` (newest first), and the cursor of the next.
pub async fn page(
    state: &AppState,
    mut filter: ListFilter,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> Result<(Vec<Report>, Option<String>), ApiError> {
    let limit = page_size(limit)?;
    filter.sort = Sort::Newest;
    filter.after = match cursor.map(str::trim).filter(|c| !c.is_empty()) {
        Some(raw) => {
            Some(decode_cursor(raw).ok_or_else(|| ApiError::invalid("cursor", "cursor_invalid"))?)
        }
        None => None,
    };
    let mut found = reports::search(state.db(), &filter, limit + 1).await?;
    let next = if found.len() as u64 > limit {
        found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        found.last().map(encode_cursor)
    } else {
        None
    };
    Ok((found, next))
}

/// List reports
///
/// Public reports, newest first, one page at a time.
#[utoipa::path(get, path = "/reports", tag = "reports",
    params(ReportQuery),
    responses(
        (status = 200, description = "One page of reports", body = List<ReportOut>),
        (status = 400, description = "A parameter cannot be used", body = crate::api::error::ErrorBody),
    ))]
pub async fn list_reports(
    State(state): State<AppState>,
    Lang(lang): Lang,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let lookup = Lookup::load(&state).await?;
    // Text filters left empty mean "any"; typed ones must hold a value of their type.
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let typed = |v: &Option<String>| v.as_deref().map(|v| v.trim().to_owned());
    let mut filter = ListFilter::default();
    if let Some(kind) = given(&q.kind) {
        filter.kind =
            Some(ReportKind::parse(&kind).map_err(|_| ApiError::invalid("kind", "kind_unknown"))?);
    }
    if let Some(code) = given(&q.category) {
        let category = lookup
            .categories
            .iter()
            .find(|c| c.code.as_str() == code)
            .ok_or_else(|| ApiError::invalid("category", "category_unknown"))?;
        filter.category = Some(category.id);
    }
    if let Some(number) = typed(&q.district) {
        let district = number
            .parse::<u16>()
            .ok()
            .and_then(|n| lookup.district_by_number(n))
            .ok_or_else(|| ApiError::invalid("district", "district_unknown"))?;
        filter.district = Some(district.id);
    }
    if let Some(status) = given(&q.status) {
        filter.status = Some(
            Status::parse(&status).map_err(|_| ApiError::invalid("status", "status_unknown"))?,
        );
    }
    if let Some(open) = typed(&q.open) {
        filter.open = Some(match open.as_str() {
            "true" => true,
            "false" => false,
            _ => return Err(ApiError::invalid("open", "not_a_boolean")),
        });
    }
    let (found, next_cursor) =
        page(&state, filter, q.cursor.as_deref(), q.limit.as_deref()).await?;
    let writer = Writer::new(&state, lang).await?;
    Ok(axum::Json(List {
        data: writer.reports(&state, &found).await?,
        next_cursor,
    })
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let at = DateTime::from_timestamp_micros(1_790_000_000_123_456).unwrap_or_default();
        let id = ReportId(uuid::Uuid::now_v7());
        let raw = format!("{}_{}", at.timestamp_micros(), id.0.simple());
        assert_eq!(decode_cursor(&raw), Some((at, id)));
        for bad in [
            "",
            "x",
            "12_",
            "_abc",
            "12_nothex",
            "99999999999999999999_00000000000000000000000000000000",
        ] {
            assert_eq!(decode_cursor(bad), None, "{bad}");
        }
    }
}
