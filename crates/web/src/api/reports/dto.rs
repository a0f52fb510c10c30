//! What the report endpoints send and take (the OpenAPI document is generated from these).

use super::*;

/// A category a report can be filed under, with the extra questions it asks.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryOut {
    #[schema(example = "problem.lighting")]
    pub code: String,
    /// `problem` or `idea`.
    pub kind: String,
    pub name: String,
    pub questions: Vec<QuestionOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionOut {
    /// Answer it as `answers.<code>`.
    pub code: String,
    /// `string`, `number`, `datetime`, `text`, `singlevaluelist` or `multivaluelist`.
    pub datatype: String,
    pub required: bool,
    pub text: String,
    pub hint: Option<String>,
    /// The allowed answers of list questions.
    pub choices: Vec<ChoiceOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChoiceOut {
    pub key: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DistrictOut {
    pub number: u16,
    /// Its Roman numeral, as the city writes it (`XVIII`).
    pub roman: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusOut {
    /// The city's status: `new`, `under_analysis`, `being_solved`, `solved`, …
    pub code: String,
    /// Its name, in the language asked for.
    pub label: String,
    pub open: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoOut {
    pub id: uuid::Uuid,
    /// About 320 px on the longer side.
    pub thumb_url: String,
    /// For showing full-screen.
    pub display_url: String,
}

/// A report as the public sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportOut {
    /// Its id in URLs: the tracking number with a dash.
    #[schema(example = "2026-000123")]
    pub id: String,
    /// The tracking number as residents see it.
    #[schema(example = "2026/000123")]
    pub number: String,
    /// `problem` or `idea`.
    pub kind: String,
    pub category: CategoryRef,
    pub status: StatusOut,
    /// What the resident wrote, as moderated for the public.
    pub description: String,
    pub district: Option<DistrictOut>,
    /// The place, rounded to about 100 m.
    pub location: Option<Coordinates>,
    pub support_count: i32,
    /// The first published photo.
    pub photo: Option<PhotoOut>,
    /// The report this one was merged into (its id).
    pub merged_into: Option<String>,
    pub created_at: String,
    /// When its status last changed.
    pub updated_at: String,
    pub closed_at: Option<String>,
    /// Its page on the web.
    pub url: String,
}

/// One entry of a report's public history.
#[derive(Debug, Serialize, ToSchema)]
pub struct UpdateOut {
    pub at: String,
    /// `created`, `status_changed`, `status_followed` (it follows the report it was merged
    /// into) or `merged`.
    pub kind: String,
    /// The status it moved to.
    pub status: Option<StatusOut>,
    /// What happened, in words.
    pub label: String,
    /// The city's message to residents, if any.
    pub message: Option<String>,
}

/// A report with its photos and public history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDetail {
    #[serde(flatten)]
    pub report: ReportOut,
    pub photos: Vec<PhotoOut>,
    pub updates: Vec<UpdateOut>,
    /// Whether the signed-in resident supports it (null when not signed in).
    pub supported: Option<bool>,
}

/// What sending a report answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct SentReport {
    pub report: ReportDetail,
    /// The private tracking token (also e-mailed to a given address): it opens
    /// `/reports/track/{token}` and Open311 `tokens/{token}`. Only in the first answer, never
    /// in a replay.
    pub tracking_token: Option<String>,
    /// Photos received; they are public once a moderator has looked at them.
    pub photos_received: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Supported {
    pub supported: bool,
    /// `false` if the resident already supported it.
    pub added: bool,
    pub support_count: i32,
}

/// The multipart form of a new report.
#[derive(Debug, ToSchema)]
#[expect(
    dead_code,
    reason = "describes the multipart body for the OpenAPI document"
)]
pub struct ReportForm {
    /// A category code from `GET /categories`.
    #[schema(min_length = 1, example = "problem.lighting")]
    category: String,
    /// 10 to 5,000 characters.
    #[schema(min_length = 10, max_length = 5000)]
    description: String,
    /// With `lon`: where it is. A point or an address is needed.
    #[schema(minimum = -90.0, maximum = 90.0)]
    lat: Option<f64>,
    #[schema(minimum = -180.0, maximum = 180.0)]
    lon: Option<f64>,
    /// The address as the resident typed it.
    address: Option<String>,
    /// Answers to the category's questions: a JSON object, question code → a string, or a
    /// list of strings for `multivaluelist` questions.
    #[schema(example = json!(r#"{"pole_number": "12"}"#))]
    answers: Option<String>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    /// `true`: the resident agrees to be contacted about this report (needed when giving
    /// contact details).
    consent: Option<bool>,
    /// Up to 5 photos (JPEG, PNG or WebP, up to 7 MiB each); location data is removed.
    #[schema(value_type = Vec<String>, format = Binary)]
    photos: Option<Vec<Vec<u8>>>,
}

/// Filters of the public list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ReportQuery {
    /// `next_cursor` of the previous page.
    pub(super) cursor: Option<String>,
    /// Reports per page, 1–100 (25 if absent).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub(super) limit: Option<String>,
    /// `problem` or `idea`.
    pub(super) kind: Option<String>,
    /// A category code.
    pub(super) category: Option<String>,
    /// A district number (1–18 in Kraków).
    #[param(value_type = Option<u16>)]
    pub(super) district: Option<String>,
    /// One of the city's statuses.
    pub(super) status: Option<String>,
    /// `true`: open reports only; `false`: closed only.
    #[param(value_type = Option<bool>)]
    pub(super) open: Option<String>,
}

/// Paging of lists without filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PageQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page, 1–100 (25 if absent).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}
