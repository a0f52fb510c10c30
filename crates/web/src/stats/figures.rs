//! The figures of "KCK in numbers", computed from the rollups' cells: volumes per month and
//! year on year, category and outcome shares, resolution-time buckets (per bucket and
//! cumulative), the share acted on, the per-unit table, "was it solved?" and hotline calls.
//! Pure arithmetic over counts, so the exact-numbers test can check every figure.

use miasto_domain::reference::ReportKind;
use miasto_domain::reports::Status;
use miasto_domain::stats::{Bucket, Month, Period, median, percent};
use miasto_domain::{CategoryId, UnitId};
use miasto_store::stats::Cell;
use std::collections::BTreeMap;

/// A count with its share of a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Share<K> {
    pub key: K,
    pub n: u64,
    pub percent: Option<f64>,
}

/// A resolution-time bucket: its count, share and the cumulative share up to it.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketRow {
    pub bucket: Bucket,
    pub n: u64,
    pub percent: Option<f64>,
    pub cumulative: Option<f64>,
}

/// Everything about one kind of report (problems or ideas).
#[derive(Debug, Clone, PartialEq)]
pub struct KindFigures {
    pub kind: ReportKind,
    pub total: u64,
    /// The same months a year earlier.
    pub year_before: u64,
    /// Change against a year earlier, in percent (`None` with nothing a year earlier).
    pub change: Option<f64>,
    pub categories: Vec<Share<CategoryId>>,
    pub outcomes: Vec<Share<Status>>,
    pub closed: u64,
    pub buckets: Vec<BucketRow>,
    /// Solved and being solved (problems), implemented and being implemented (ideas).
    pub acted_on: Share<()>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    pub unit: UnitId,
    pub received: u64,
    pub open: u64,
    pub median_days: Option<f64>,
    /// Closed within 30 days, as a share of those received.
    pub within_30: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub period: Period,
    /// Per month: (month, problems, ideas, both together the same month a year earlier).
    pub months: Vec<(Month, u64, u64, u64)>,
    pub problems: KindFigures,
    pub ideas: KindFigures,
    pub units: Vec<UnitRow>,
}

fn shares<K: Ord + Copy>(
    counts: BTreeMap<K, u64>,
    total: u64,
    order: impl Fn(&K) -> usize,
) -> Vec<Share<K>> {
    let mut out: Vec<Share<K>> = counts
        .into_iter()
        .map(|(key, n)| Share {
            key,
            n,
            percent: percent(n, total),
        })
        .collect();
    // Largest first, ties in the given order.
    out.sort_by(|a, b| b.n.cmp(&a.n).then(order(&a.key).cmp(&order(&b.key))));
    out
}

fn kind_figures(
    kind: ReportKind,
    cells: &[Cell],
    before: &[Cell],
    category_order: &impl Fn(&CategoryId) -> usize,
) -> KindFigures {
    let mine: Vec<&Cell> = cells.iter().filter(|c| c.kind == kind).collect();
    let total: u64 = mine.iter().map(|c| c.n).sum();
    let year_before: u64 = before.iter().filter(|c| c.kind == kind).map(|c| c.n).sum();
    let mut by_category: BTreeMap<CategoryId, u64> = BTreeMap::new();
    let mut by_status: BTreeMap<Status, u64> = BTreeMap::new();
    let mut by_bucket: BTreeMap<Bucket, u64> = BTreeMap::new();
    for c in &mine {
        *by_category.entry(c.category).or_default() += c.n;
        *by_status.entry(c.status).or_default() += c.n;
        if let Some(b) = c.bucket {
            *by_bucket.entry(b).or_default() += c.n;
        }
    }
    let closed: u64 = by_bucket.values().sum();
    let mut running = 0;
    let buckets = Bucket::ALL
        .iter()
        .map(|&bucket| {
            let n = by_bucket.get(&bucket).copied().unwrap_or(0);
            running += n;
            BucketRow {
                bucket,
                n,
                percent: percent(n, closed),
                cumulative: percent(running, closed),
            }
        })
        .collect();
    let acted: u64 = by_status
        .iter()
        .filter(|(s, _)| s.is_acted_on())
        .map(|(_, n)| n)
        .sum();
    let status_order = |s: &Status| {
        Status::ALL
            .iter()
            .position(|x| x == s)
            .unwrap_or(usize::MAX)
    };
    KindFigures {
        kind,
        total,
        year_before,
        change: (year_before > 0)
            .then(|| (total as f64 - year_before as f64) * 100.0 / year_before as f64),
        categories: shares(by_category, total, category_order),
        outcomes: shares(by_status, total, status_order),
        closed,
        buckets,
        acted_on: Share {
            key: (),
            n: acted,
            percent: percent(acted, total),
        },
    }
}

/// Computes the figures. `close_days` are (unit, kind, days, count); `category_order` and
/// `unit_order` give the city's order for ties and tables.
pub fn compute(
    period: Period,
    cells: &[Cell],
    before: &[Cell],
    close_days: &[(UnitId, ReportKind, i64, u64)],
    category_order: impl Fn(&CategoryId) -> usize,
    unit_order: impl Fn(&UnitId) -> usize,
) -> Figures {
    let months = period
        .months()
        .map(|m| {
            let count = |kind| {
                cells
                    .iter()
                    .filter(|c| c.month == m && c.kind == kind)
                    .map(|c| c.n)
                    .sum()
            };
            let earlier = m.plus(-12);
            let year_before = before
                .iter()
                .filter(|c| c.month == earlier)
                .map(|c| c.n)
                .sum();
            (
                m,
                count(ReportKind::Problem),
                count(ReportKind::Idea),
                year_before,
            )
        })
        .collect();
    let mut units: BTreeMap<UnitId, (u64, u64, u64)> = BTreeMap::new();
    for c in cells {
        let row = units.entry(c.unit).or_default();
        row.0 += c.n;
        if c.bucket.is_none() {
            row.1 += c.n;
        }
        if c.bucket.is_some_and(|b| b <= Bucket::Days22To30) {
            row.2 += c.n;
        }
    }
    let mut units: Vec<UnitRow> = units
        .into_iter()
        .map(|(unit, (received, open, within))| {
            let histogram: Vec<(i64, u64)> = close_days
                .iter()
                .filter(|(u, _, _, _)| *u == unit)
                .map(|(_, _, days, n)| (*days, *n))
                .collect();
            UnitRow {
                unit,
                received,
                open,
                median_days: median(&histogram),
                within_30: percent(within, received),
            }
        })
        .collect();
    units.sort_by_key(|u| (std::cmp::Reverse(u.received), unit_order(&u.unit)));
    Figures {
        period,
        months,
        problems: kind_figures(ReportKind::Problem, cells, before, &category_order),
        ideas: kind_figures(ReportKind::Idea, cells, before, &category_order),
        units,
    }
}
