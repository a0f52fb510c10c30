//! Reports through the API: the categories and districts a report refers to, the public list
//! (cursor-paged, filtered), one report with its photos and public updates, sending a report
//! with photos (multipart, through the same intake as the web form) and supporting one.
//!
//! What the public sees is what the public report page shows: the city's moderated text, the
//! point rounded to about 100 m, the district, published photos — never who reported.

use super::{ApiError, Bearer, Data, FieldIssue, Lang, List, MaybeBearer, page_size, reply, time};
use crate::reports::create::{PhotoProblem, prepare_photos};
use crate::reports::intake::Outcome;
use crate::reports::{Lookup, status_label};
use crate::security::ClientKey;
use crate::{AppState, Error};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use miasto_domain::geo::Point;
use miasto_domain::reference::ReportKind;
use miasto_domain::reports::intake::{self as intake_check, Checked, Field, Raw};
use miasto_domain::reports::{Channel, Status, TrackingNumber};
use miasto_domain::{Locale, ReportId};
use miasto_store::photos::{self, Photo};
use miasto_store::reports::{self, EventKind, ListFilter, Report, Sort};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

mod create;
mod dto;
mod list;
mod reference;
mod show;
mod support;
mod writer;

pub use create::*;
pub use dto::*;
pub use list::*;
pub use reference::*;
pub use show::*;
pub use support::*;
pub use writer::*;
