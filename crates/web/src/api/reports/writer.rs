//! Building public report resources: what the public report page shows, never who reported.

use super::*;

/// A report's id in URLs (`2026-000123`).
pub fn report_id(number: TrackingNumber) -> String {
    crate::open311::request_id(number)
}

fn status_out(locale: Locale, kind: ReportKind, status: Status) -> StatusOut {
    StatusOut {
        code: status.as_str().to_owned(),
        label: status_label(locale, kind, status),
        open: !status.is_closed(),
    }
}

fn photo_out(base: &str, photo: &Photo) -> PhotoOut {
    PhotoOut {
        id: photo.id,
        thumb_url: format!("{base}/photos/{}/thumb", photo.id),
        display_url: format!("{base}/photos/{}/display", photo.id),
    }
}

/// Builds public report resources, with what they share loaded once.
pub struct Writer {
    lookup: std::sync::Arc<Lookup>,
    base: String,
    locale: Locale,
}

impl Writer {
    pub async fn new(state: &AppState, locale: Locale) -> Result<Self, ApiError> {
        Ok(Self {
            lookup: Lookup::load(state).await?,
            base: state.config().base_url.trim_end_matches('/').to_owned(),
            locale,
        })
    }

    fn district(&self, report: &Report) -> Option<DistrictOut> {
        let d = self.lookup.district(report.district?)?;
        Some(DistrictOut {
            number: d.number,
            roman: d.roman.clone(),
            name: d.name.clone(),
        })
    }

    pub fn report(
        &self,
        report: &Report,
        photo: Option<&Photo>,
        merged_into: Option<&Report>,
    ) -> ReportOut {
        let category = self.lookup.category(report.category);
        ReportOut {
            id: report_id(report.number),
            number: report.number.to_string(),
            kind: report.kind.as_str().to_owned(),
            category: CategoryRef {
                code: category
                    .map(|c| c.code.as_str().to_owned())
                    .unwrap_or_default(),
                name: category
                    .map(|c| c.names.get(self.locale).to_owned())
                    .unwrap_or_default(),
            },
            status: status_out(self.locale, report.kind, report.status),
            description: report.public_description().to_owned(),
            district: self.district(report),
            location: report.point.map(Point::coarse).map(|p| Coordinates {
                lat: p.lat(),
                lon: p.lon(),
            }),
            support_count: report.support_count,
            photo: photo.map(|p| photo_out(&self.base, p)),
            merged_into: merged_into.map(|m| report_id(m.number)),
            created_at: time(report.created_at),
            updated_at: time(report.status_at),
            closed_at: report.closed_at.map(time),
            url: format!("{}{}", self.base, report.number.path()),
        }
    }

    /// Reports for a list, each with its first published photo.
    pub async fn reports(
        &self,
        state: &AppState,
        found: &[Report],
    ) -> Result<Vec<ReportOut>, ApiError> {
        let ids: Vec<ReportId> = found.iter().map(|r| r.id).collect();
        let photos: std::collections::HashMap<ReportId, Photo> =
            photos::first_public(state.db(), &ids)
                .await?
                .into_iter()
                .map(|p| (p.report, p))
                .collect();
        let mut masters: Vec<ReportId> = found.iter().filter_map(|r| r.merged_into).collect();
        masters.sort_unstable();
        masters.dedup();
        let mut merged = std::collections::HashMap::new();
        for id in masters {
            if let Some(m) = reports::get(state.db(), id).await? {
                merged.insert(id, m);
            }
        }
        Ok(found
            .iter()
            .map(|r| {
                self.report(
                    r,
                    photos.get(&r.id),
                    r.merged_into.and_then(|m| merged.get(&m)),
                )
            })
            .collect())
    }

    /// One report with its published photos and public history.
    pub async fn detail(
        &self,
        state: &AppState,
        report: &Report,
        viewer: Option<&Bearer>,
    ) -> Result<ReportDetail, ApiError> {
        let photos = photos::list(state.db(), report.id, photos::Audience::Public).await?;
        let master = match report.merged_into {
            Some(id) => reports::get(state.db(), id).await?,
            None => None,
        };
        let events = reports::timeline(state.db(), report.id, true).await?;
        let labels = crate::reports::show::timeline_items(&events, report, self.locale);
        let updates = events
            .iter()
            .zip(labels)
            .map(|(e, item)| UpdateOut {
                at: time(e.at),
                kind: e.kind.as_str().to_owned(),
                status: match e.kind {
                    EventKind::StatusChanged | EventKind::StatusFollowed => {
                        e.to.map(|s| status_out(self.locale, report.kind, s))
                    }
                    _ => None,
                },
                label: item.label,
                message: item.message,
            })
            .collect();
        let supported = match viewer {
            Some(b) => Some(reports::supports(state.db(), report.id, b.user.id).await?),
            None => None,
        };
        Ok(ReportDetail {
            report: self.report(report, photos.first(), master.as_ref()),
            photos: photos.iter().map(|p| photo_out(&self.base, p)).collect(),
            updates,
            supported,
        })
    }
}
