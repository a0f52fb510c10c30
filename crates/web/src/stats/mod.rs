//! "KCK in numbers" at `/stats`: the contact centre's figures as the city publishes them every
//! half-year, live, for any period of whole months, optionally for one district or unit. Every
//! chart is SVG drawn on the server with its table beside it, and every table downloads as
//! CSV (`/stats/{table}.csv` with the same filters). The numbers come from the statistics
//! rollups (`miasto_store::stats`), never from scanning reports.

mod chart;
pub mod figures;

use crate::context::Ctx;
use crate::form::FieldErrors;
use crate::page::{Page, SelectOption, options, render};
use crate::reports::{Lookup, status_label};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chart::Bar;
use figures::{Figures, KindFigures};
use miasto_domain::stats::{Month, Period, PeriodKind};
use miasto_domain::{DistrictId, FieldError, Locale, UnitId};
use miasto_store::stats::Filter;
use serde::Deserialize;

/// The filters as typed, kept for the form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StatsQuery {
    pub period: String,
    pub year: String,
    pub month: String,
    pub quarter: String,
    pub half: String,
    pub from: String,
    pub to: String,
    pub district: String,
    pub unit: String,
}

impl StatsQuery {
    /// The query string of these filters (for CSV links).
    pub fn query(&self) -> String {
        serde_urlencoded::to_string([
            ("period", &self.period),
            ("year", &self.year),
            ("month", &self.month),
            ("quarter", &self.quarter),
            ("half", &self.half),
            ("from", &self.from),
            ("to", &self.to),
            ("district", &self.district),
            ("unit", &self.unit),
        ])
        .unwrap_or_default()
    }
}

/// Reads the filters; a value that cannot be used is reported on its field and the default
/// taken instead, so the page always shows figures.
fn parse(q: &mut StatsQuery, lookup: &Lookup, errors: &mut FieldErrors) -> Filter {
    let this_year = Month::of(miasto_store::now()).year;
    if q.period.trim().is_empty() {
        q.period = PeriodKind::Year.as_str().to_owned();
    }
    let kind = PeriodKind::parse(&q.period).unwrap_or_else(|| {
        errors.add("period", FieldError::KindUnknown);
        q.period = PeriodKind::Year.as_str().to_owned();
        PeriodKind::Year
    });
    let year = match q.year.trim() {
        "" => this_year,
        raw => raw
            .parse()
            .ok()
            .filter(|y| (2000..=2200).contains(y))
            .unwrap_or_else(|| {
                errors.add("year", FieldError::NumberInvalid);
                this_year
            }),
    };
    q.year = year.to_string();
    let number = |raw: &str, max: u32| {
        raw.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
    };
    let period = match kind {
        PeriodKind::Year => Period::year(year),
        PeriodKind::Half => number(&q.half, 2).and_then(|h| Period::half(year, h)),
        PeriodKind::Quarter => number(&q.quarter, 4).and_then(|n| Period::quarter(year, n)),
        PeriodKind::Month => number(&q.month, 12)
            .and_then(|m| Month::new(year, m))
            .map(Period::month),
        PeriodKind::Custom => Month::parse(&q.from)
            .zip(Month::parse(&q.to))
            .and_then(|(from, to)| Period::new(from, to)),
    };
    let period = period.unwrap_or_else(|| {
        // Each period field says what it takes.
        let (field, message) = match kind {
            PeriodKind::Half => ("half", "error-stats-half"),
            PeriodKind::Quarter => ("quarter", "error-stats-quarter"),
            PeriodKind::Month => ("month", "error-stats-month"),
            _ => ("from", "error-stats-period"),
        };
        errors.add_message(field, message);
        Period::year(this_year).unwrap_or(Period::month(Month::of(miasto_store::now())))
    });
    let district = match q.district.trim() {
        "" => None,
        raw => DistrictId::parse(raw)
            .filter(|d| lookup.district(*d).is_some())
            .or_else(|| {
                errors.add("district", FieldError::DistrictUnknown);
                None
            }),
    };
    let unit = match q.unit.trim() {
        "" => None,
        raw => UnitId::parse(raw)
            .filter(|u| lookup.unit(*u).is_some())
            .or_else(|| {
                errors.add("unit", FieldError::UnitUnknown);
                None
            }),
    };
    Filter {
        period,
        district,
        unit,
    }
}

async fn load(state: &AppState, filter: &Filter, lookup: &Lookup) -> Result<Figures, Error> {
    let db = state.db();
    let cells = miasto_store::stats::cells(db, filter, filter.period).await?;
    let before = miasto_store::stats::cells(db, filter, filter.period.year_before()).await?;
    let days = miasto_store::stats::close_days(db, filter).await?;
    let category_order = |id: &miasto_domain::CategoryId| {
        lookup
            .categories
            .iter()
            .position(|c| c.id == *id)
            .unwrap_or(usize::MAX)
    };
    let unit_order = |id: &UnitId| {
        lookup
            .units
            .iter()
            .position(|u| u.id == *id)
            .unwrap_or(usize::MAX)
    };
    Ok(figures::compute(
        filter.period,
        &cells,
        &before,
        &days,
        category_order,
        unit_order,
    ))
}

/// A percentage as the page shows it: one decimal, the locale's decimal mark; a dash when
/// there is nothing to divide.
pub fn pct(locale: Locale, value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{}%", decimal(locale, v)))
}

/// A number with one decimal and the locale's decimal mark.
fn decimal(locale: Locale, value: f64) -> String {
    let text = format!("{value:.1}");
    match locale {
        Locale::Pl => text.replace('.', ","),
        Locale::En => text,
    }
}

/// A month of the volumes table.
pub struct MonthRow {
    pub month: String,
    pub problems: u64,
    pub ideas: u64,
    pub total: u64,
    pub year_before: u64,
    pub change: String,
}

/// Change against a year earlier: `+12,2%`, or a dash with nothing to compare to.
fn change(locale: Locale, now: u64, before: u64) -> String {
    if before == 0 {
        return "—".to_owned();
    }
    let c = (now as f64 - before as f64) * 100.0 / before as f64;
    let sign = if c > 0.0 { "+" } else { "" };
    format!("{sign}{}", pct(locale, Some(c)))
}

/// A row of a shares table.
pub struct ShareRow {
    pub label: String,
    pub n: u64,
    pub percent: String,
}

pub struct BucketView {
    pub label: &'static str,
    pub n: u64,
    pub percent: String,
    pub cumulative: String,
}

/// One kind's section.
pub struct KindView {
    pub kind: &'static str,
    pub total: u64,
    pub year_before: u64,
    pub change: String,
    pub categories: Vec<ShareRow>,
    pub categories_chart: String,
    pub outcomes: Vec<ShareRow>,
    pub outcomes_chart: String,
    pub closed: u64,
    pub buckets: Vec<BucketView>,
    pub buckets_chart: String,
    pub acted_on: String,
}

pub struct UnitView {
    pub name: String,
    pub received: u64,
    pub open: u64,
    pub median: String,
    pub within_30: String,
}

#[derive(Template)]
#[template(path = "stats/show.html")]
struct StatsPage {
    page: Page,
    form: StatsQuery,
    period_label: String,
    period_kinds: Vec<SelectOption>,
    districts: Vec<SelectOption>,
    units: Vec<SelectOption>,
    csv: String,
    months: Vec<MonthRow>,
    months_chart: String,
    total: u64,
    kinds: Vec<KindView>,
    unit_rows: Vec<UnitView>,
    feedback: Option<(u64, String, String)>,
    hotline: Vec<(String, u64)>,
    hotline_chart: String,
    errors: FieldErrors,
}

fn share_rows<K>(
    rows: &[figures::Share<K>],
    locale: Locale,
    label: impl Fn(&K) -> String,
) -> Vec<ShareRow> {
    rows.iter()
        .map(|r| ShareRow {
            label: label(&r.key),
            n: r.n,
            percent: pct(locale, r.percent),
        })
        .collect()
}

fn chart_of(id: &str, rows: &[ShareRow]) -> String {
    chart::bars(
        id,
        &rows
            .iter()
            .map(|r| Bar {
                label: r.label.clone(),
                value: r.n as f64,
                text: r.percent.clone(),
            })
            .collect::<Vec<_>>(),
    )
}

fn kind_view(k: &KindFigures, lookup: &Lookup, locale: Locale) -> KindView {
    let kind = k.kind.as_str();
    let categories = share_rows(&k.categories, locale, |id| {
        lookup
            .category(*id)
            .map(|c| c.names.get(locale).to_owned())
            .unwrap_or_default()
    });
    let outcomes = share_rows(&k.outcomes, locale, |s| status_label(locale, k.kind, *s));
    let buckets: Vec<BucketView> = k
        .buckets
        .iter()
        .map(|b| BucketView {
            label: b.bucket.label(),
            n: b.n,
            percent: pct(locale, b.percent),
            cumulative: pct(locale, b.cumulative),
        })
        .collect();
    let buckets_chart = chart::bars(
        &format!("{kind}-buckets"),
        &buckets
            .iter()
            .map(|b| Bar {
                label: b.label.to_owned(),
                value: b.n as f64,
                text: b.percent.clone(),
            })
            .collect::<Vec<_>>(),
    );
    KindView {
        kind,
        total: k.total,
        year_before: k.year_before,
        change: change(locale, k.total, k.year_before),
        categories_chart: chart_of(&format!("{kind}-categories"), &categories),
        categories,
        outcomes_chart: chart_of(&format!("{kind}-outcomes"), &outcomes),
        outcomes,
        closed: k.closed,
        buckets_chart,
        buckets,
        acted_on: pct(locale, k.acted_on.percent),
    }
}

/// `2025-01 – 2025-06`, or one month.
fn period_label(period: Period) -> String {
    if period.from == period.to {
        period.from.to_string()
    } else {
        format!("{} – {}", period.from, period.to)
    }
}

/// `GET /stats`.
pub async fn show_stats(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(mut q): Query<StatsQuery>,
) -> Result<Response, Error> {
    let lookup = Lookup::load(&state).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let filter = parse(&mut q, &lookup, &mut errors);
    let figures = load(&state, &filter, &lookup).await?;
    let locale = ctx.locale;
    let months: Vec<MonthRow> = figures
        .months
        .iter()
        .map(|(m, p, i, before)| MonthRow {
            month: m.to_string(),
            problems: *p,
            ideas: *i,
            total: p + i,
            year_before: *before,
            change: change(locale, p + i, *before),
        })
        .collect();
    let months_chart = chart::bars(
        "months",
        &months
            .iter()
            .map(|r| Bar {
                label: r.month.clone(),
                value: r.total as f64,
                text: r.total.to_string(),
            })
            .collect::<Vec<_>>(),
    );
    let unit_rows = figures
        .units
        .iter()
        .map(|u| UnitView {
            name: lookup
                .unit(u.unit)
                .map(|x| x.names.get(locale).to_owned())
                .unwrap_or_default(),
            received: u.received,
            open: u.open,
            median: u
                .median_days
                .map_or_else(|| "—".to_owned(), |d| decimal(locale, d)),
            within_30: pct(locale, u.within_30),
        })
        .collect();
    let (answered, solved, scores) = miasto_store::stats::feedback(state.db(), &filter).await?;
    let feedback = (answered > 0).then(|| {
        (
            answered,
            pct(locale, miasto_domain::stats::percent(solved, answered)),
            decimal(locale, scores as f64 / answered as f64),
        )
    });
    let calls = miasto_store::stats::hotline_months(state.db(), filter.period).await?;
    let imported = calls.iter().any(|(_, days, _)| *days > 0);
    let hotline: Vec<(String, u64)> = calls.iter().map(|(m, _, n)| (m.to_string(), *n)).collect();
    let hotline_chart = chart::bars(
        "hotline",
        &hotline
            .iter()
            .map(|(m, n)| Bar {
                label: m.clone(),
                value: *n as f64,
                text: n.to_string(),
            })
            .collect::<Vec<_>>(),
    );
    let page = StatsPage {
        page: Page::titled(&ctx, "stats-title"),
        period_label: period_label(filter.period),
        period_kinds: options(
            PeriodKind::ALL.iter().map(|k| {
                (
                    k.as_str(),
                    crate::i18n::t(locale, &format!("stats-period-{}", k.as_str())),
                )
            }),
            &q.period,
        ),
        districts: options(
            lookup
                .districts
                .iter()
                .map(|d| (d.id.to_string(), d.label())),
            &q.district,
        ),
        units: options(
            lookup
                .units
                .iter()
                .map(|u| (u.id.to_string(), u.names.get(locale).to_owned())),
            &q.unit,
        ),
        csv: q.query(),
        total: figures.problems.total + figures.ideas.total,
        kinds: vec![
            kind_view(&figures.problems, &lookup, locale),
            kind_view(&figures.ideas, &lookup, locale),
        ],
        months,
        months_chart,
        unit_rows,
        feedback,
        hotline_chart,
        hotline: if imported { hotline } else { Vec::new() },
        form: q,
        errors,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)?).into_response())
}

/// `GET /stats/{table}.csv`: one table of the page, UTF-8 with a byte-order mark (Excel),
/// comma-separated, percentages with a dot.
pub async fn stats_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(file): Path<String>,
    Query(mut q): Query<StatsQuery>,
) -> Result<Response, Error> {
    let table = file.strip_suffix(".csv").ok_or(Error::NotFound)?;
    let lookup = Lookup::load(&state).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let filter = parse(&mut q, &lookup, &mut errors);
    if !errors.is_empty() {
        return Err(Error::BadRequest("stats_filter"));
    }
    let figures = load(&state, &filter, &lookup).await?;
    let num = |p: Option<f64>| p.map_or_else(String::new, |v| format!("{v:.2}"));
    let locale = ctx.locale;
    let mut rows: Vec<Vec<String>> = Vec::new();
    match table {
        "months" => {
            rows.push(vec![
                "month".into(),
                "problems".into(),
                "ideas".into(),
                "total".into(),
                "total_a_year_earlier".into(),
            ]);
            for (m, p, i, before) in &figures.months {
                rows.push(vec![
                    m.to_string(),
                    p.to_string(),
                    i.to_string(),
                    (p + i).to_string(),
                    before.to_string(),
                ]);
            }
        }
        "categories" | "outcomes" => {
            rows.push(vec![
                "kind".into(),
                table.trim_end_matches('s').into(),
                "label".into(),
                "count".into(),
                "percent".into(),
            ]);
            for k in [&figures.problems, &figures.ideas] {
                if table == "categories" {
                    for s in &k.categories {
                        let c = lookup.category(s.key);
                        rows.push(vec![
                            k.kind.as_str().into(),
                            c.map(|c| c.code.as_str().to_owned()).unwrap_or_default(),
                            c.map(|c| c.names.get(locale).to_owned())
                                .unwrap_or_default(),
                            s.n.to_string(),
                            num(s.percent),
                        ]);
                    }
                } else {
                    for s in &k.outcomes {
                        rows.push(vec![
                            k.kind.as_str().into(),
                            s.key.as_str().into(),
                            status_label(locale, k.kind, s.key),
                            s.n.to_string(),
                            num(s.percent),
                        ]);
                    }
                }
            }
        }
        "resolution" => {
            rows.push(vec![
                "kind".into(),
                "days".into(),
                "count".into(),
                "percent".into(),
                "cumulative_percent".into(),
            ]);
            for k in [&figures.problems, &figures.ideas] {
                for b in &k.buckets {
                    rows.push(vec![
                        k.kind.as_str().into(),
                        b.bucket.label().replace('–', "-"),
                        b.n.to_string(),
                        num(b.percent),
                        num(b.cumulative),
                    ]);
                }
            }
        }
        "units" => {
            rows.push(vec![
                "unit".into(),
                "name".into(),
                "received".into(),
                "open".into(),
                "median_days_to_close".into(),
                "closed_within_30_days_percent".into(),
            ]);
            for u in &figures.units {
                let unit = lookup.unit(u.unit);
                rows.push(vec![
                    unit.map(|x| x.code.as_str().to_owned()).unwrap_or_default(),
                    unit.map(|x| x.names.get(locale).to_owned())
                        .unwrap_or_default(),
                    u.received.to_string(),
                    u.open.to_string(),
                    u.median_days
                        .map_or_else(String::new, |d| format!("{d:.1}")),
                    num(u.within_30),
                ]);
            }
        }
        "hotline" => {
            rows.push(vec![
                "month".into(),
                "calls".into(),
                "days_with_figures".into(),
            ]);
            for (m, days, calls) in
                miasto_store::stats::hotline_months(state.db(), filter.period).await?
            {
                rows.push(vec![m.to_string(), calls.to_string(), days.to_string()]);
            }
        }
        _ => return Err(Error::NotFound),
    }
    let mut body = String::from("\u{feff}");
    for row in rows {
        crate::opendata::export::csv_line(&mut body, row);
    }
    let name = format!(
        "attachment; filename=\"kck-{table}-{}-{}.csv\"",
        filter.period.from, filter.period.to
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        body,
    )
        .into_response())
}
