//! The contact centre's figures, as the city publishes them (`domain.md` §1.1): periods of
//! whole months, resolution-time buckets, shares and medians. Pure arithmetic; the store
//! keeps the monthly counts these work on.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Europe::Warsaw;
use std::fmt;

/// A calendar month in Kraków's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1..=12).contains(&month) && (2000..=2200).contains(&year)).then_some(Self { year, month })
    }

    /// The month (in Kraków) an instant falls in.
    pub fn of(at: DateTime<Utc>) -> Self {
        let local = at.with_timezone(&Warsaw);
        Self {
            year: local.year(),
            month: local.month(),
        }
    }

    /// The month a calendar day falls in.
    pub fn of_date(day: chrono::NaiveDate) -> Self {
        Self {
            year: day.year(),
            month: day.month(),
        }
    }

    /// `2026-03`.
    pub fn parse(raw: &str) -> Option<Self> {
        let (y, m) = raw.trim().split_once('-')?;
        if m.len() != 2 {
            return None;
        }
        Self::new(y.parse().ok()?, m.parse().ok()?)
    }

    /// The stored key: `202603`.
    pub fn key(self) -> i32 {
        self.year * 100 + i32::try_from(self.month).unwrap_or(0)
    }

    pub fn from_key(key: i32) -> Option<Self> {
        Self::new(key / 100, u32::try_from(key % 100).ok()?)
    }

    /// This month `n` months later (earlier when negative).
    pub fn plus(self, n: i32) -> Self {
        let index = self.year * 12 + i32::try_from(self.month).unwrap_or(1) - 1 + n;
        Self {
            year: index.div_euclid(12),
            month: u32::try_from(index.rem_euclid(12)).unwrap_or(0) + 1,
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

/// The longest period shown at once.
pub const MAX_MONTHS: i32 = 120;

/// Whole months from `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Month,
    pub to: Month,
}

/// How a period was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    Month,
    Quarter,
    Half,
    Year,
    Custom,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 5] = [
        Self::Month,
        Self::Quarter,
        Self::Half,
        Self::Year,
        Self::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::Half => "half",
            Self::Year => "year",
            Self::Custom => "custom",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw.trim())
    }
}

impl Period {
    pub fn new(from: Month, to: Month) -> Option<Self> {
        let length = months_between(from, to) + 1;
        (from <= to && length <= MAX_MONTHS).then_some(Self { from, to })
    }

    pub fn month(m: Month) -> Self {
        Self { from: m, to: m }
    }

    /// Quarter `q` (1–4) of `year`.
    pub fn quarter(year: i32, q: u32) -> Option<Self> {
        let first = Month::new(year, q.checked_sub(1)? * 3 + 1)?;
        (q <= 4).then(|| Self {
            from: first,
            to: first.plus(2),
        })
    }

    /// Half `h` (1–2) of `year`.
    pub fn half(year: i32, h: u32) -> Option<Self> {
        let first = Month::new(year, h.checked_sub(1)? * 6 + 1)?;
        (h <= 2).then(|| Self {
            from: first,
            to: first.plus(5),
        })
    }

    pub fn year(year: i32) -> Option<Self> {
        Some(Self {
            from: Month::new(year, 1)?,
            to: Month::new(year, 12)?,
        })
    }

    pub fn months(self) -> impl Iterator<Item = Month> {
        let n = months_between(self.from, self.to);
        (0..=n).map(move |i| self.from.plus(i))
    }

    /// The same months a year earlier (for year-on-year change).
    pub fn year_before(self) -> Self {
        Self {
            from: self.from.plus(-12),
            to: self.to.plus(-12),
        }
    }

    pub fn len(self) -> i32 {
        months_between(self.from, self.to) + 1
    }

    /// A period always has at least one month.
    pub fn is_empty(self) -> bool {
        false
    }
}

fn months_between(from: Month, to: Month) -> i32 {
    (to.year - from.year) * 12 + i32::try_from(to.month).unwrap_or(0)
        - i32::try_from(from.month).unwrap_or(0)
}

/// How long a report took to close, as the city groups it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bucket {
    Days0To7,
    Days8To14,
    Days15To21,
    Days22To30,
    Days31To60,
    /// "Above 61" in the city's text; read as more than 60 days (`domain.md` §1.1).
    Over60,
}

impl Bucket {
    pub const ALL: [Bucket; 6] = [
        Self::Days0To7,
        Self::Days8To14,
        Self::Days15To21,
        Self::Days22To30,
        Self::Days31To60,
        Self::Over60,
    ];

    pub fn of_days(days: i64) -> Self {
        match days {
            i64::MIN..=7 => Self::Days0To7,
            8..=14 => Self::Days8To14,
            15..=21 => Self::Days15To21,
            22..=30 => Self::Days22To30,
            31..=60 => Self::Days31To60,
            _ => Self::Over60,
        }
    }

    /// The stored number, 0–5.
    pub fn index(self) -> i16 {
        match self {
            Self::Days0To7 => 0,
            Self::Days8To14 => 1,
            Self::Days15To21 => 2,
            Self::Days22To30 => 3,
            Self::Days31To60 => 4,
            Self::Over60 => 5,
        }
    }

    pub fn from_index(i: i16) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.index() == i)
    }

    /// `0–7`, `61+`: the label in tables and charts.
    pub fn label(self) -> &'static str {
        match self {
            Self::Days0To7 => "0–7",
            Self::Days8To14 => "8–14",
            Self::Days15To21 => "15–21",
            Self::Days22To30 => "22–30",
            Self::Days31To60 => "31–60",
            Self::Over60 => "61+",
        }
    }
}

/// Whole days from submission to closing.
pub fn days_to_close(created: DateTime<Utc>, closed: DateTime<Utc>) -> i64 {
    (closed - created).num_days().max(0)
}

/// Longest time kept exactly for medians; longer ones count as this many days.
pub const DAYS_CAP: i64 = 366;

/// `part` of `total` in percent, `None` when there is nothing to divide.
pub fn percent(part: u64, total: u64) -> Option<f64> {
    (total > 0).then(|| part as f64 * 100.0 / total as f64)
}

/// The median of a histogram of (days, count); the mean of the two middle values when the
/// count is even. `None` when empty.
pub fn median(histogram: &[(i64, u64)]) -> Option<f64> {
    let mut sorted: Vec<(i64, u64)> = histogram.iter().copied().filter(|(_, n)| *n > 0).collect();
    sorted.sort_unstable();
    let total: u64 = sorted.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let nth = |k: u64| -> i64 {
        let mut seen = 0;
        for (days, n) in &sorted {
            seen += n;
            if seen > k {
                return *days;
            }
        }
        sorted.last().map_or(0, |(d, _)| *d)
    };
    Some(if total % 2 == 1 {
        nth(total / 2) as f64
    } else {
        (nth(total / 2 - 1) + nth(total / 2)) as f64 / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn months_follow_krakow_time() {
        // 23:30 UTC on 31 March is already 1 April in Kraków (summer time).
        let at = Utc.with_ymd_and_hms(2026, 3, 31, 22, 30, 0).unwrap();
        assert_eq!(Month::of(at), Month::new(2026, 4).unwrap());
        let at = Utc.with_ymd_and_hms(2026, 3, 31, 21, 30, 0).unwrap();
        assert_eq!(Month::of(at), Month::new(2026, 3).unwrap());
        assert_eq!(Month::parse("2026-03").map(Month::key), Some(202603));
        assert_eq!(
            Month::from_key(202612).map(|m| m.to_string()).as_deref(),
            Some("2026-12")
        );
        for bad in ["2026-13", "2026-3", "26-03", "x", "2026-00"] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        let jan = Month::new(2026, 1).unwrap();
        assert_eq!(jan.plus(-1), Month::new(2025, 12).unwrap());
        assert_eq!(jan.plus(13), Month::new(2027, 2).unwrap());
    }

    #[test]
    fn periods_cover_whole_months() {
        let h1 = Period::half(2025, 1).unwrap();
        assert_eq!(
            h1.months().map(Month::key).collect::<Vec<_>>(),
            [202501, 202502, 202503, 202504, 202505, 202506]
        );
        assert_eq!(h1.year_before(), Period::half(2024, 1).unwrap());
        assert_eq!(
            Period::quarter(2025, 4).unwrap().to,
            Month::new(2025, 12).unwrap()
        );
        assert_eq!(Period::quarter(2025, 5), None);
        assert_eq!(Period::quarter(2025, 0), None);
        assert_eq!(Period::half(2025, 3), None);
        assert_eq!(Period::year(2025).unwrap().len(), 12);
        let (a, b) = (Month::new(2025, 5).unwrap(), Month::new(2025, 2).unwrap());
        assert_eq!(Period::new(a, b), None);
        assert_eq!(Period::new(b, b.plus(MAX_MONTHS)), None);
        assert!(Period::new(b, b.plus(MAX_MONTHS - 1)).is_some());
    }

    #[test]
    fn buckets_match_the_citys_edges() {
        let cases = [
            (0, 0),
            (7, 0),
            (8, 1),
            (14, 1),
            (15, 2),
            (21, 2),
            (22, 3),
            (30, 3),
            (31, 4),
            (60, 4),
            (61, 5),
            (400, 5),
        ];
        for (days, index) in cases {
            assert_eq!(Bucket::of_days(days).index(), index, "{days}");
        }
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
        assert_eq!(
            days_to_close(t, t + chrono::Duration::hours(7 * 24 + 23)),
            7
        );
        assert_eq!(days_to_close(t, t + chrono::Duration::hours(8 * 24)), 8);
    }

    #[test]
    fn medians_of_histograms() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[(5, 1)]), Some(5.0));
        assert_eq!(median(&[(1, 1), (9, 1)]), Some(5.0));
        assert_eq!(median(&[(3, 2), (1, 1), (10, 0)]), Some(3.0));
        assert_eq!(median(&[(2, 50), (20, 50)]), Some(11.0));
        assert_eq!(percent(1, 3).map(|p| (p * 100.0).round()), Some(3333.0));
        assert_eq!(percent(1, 0), None);
    }
}

/// A line of a call-volume file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallsLineError {
    /// 1-based.
    pub line: usize,
    pub code: &'static str,
}

/// The most days one file may hold (about 27 years).
pub const CALLS_MAX_DAYS: usize = 10_000;

/// Reads the telephony system's export: one `date,calls` line per day (`;` works too), an
/// optional header line, dates as `2025-01-31` or `31.01.2025`. Every bad line is reported.
pub fn parse_calls(text: &str) -> Result<Vec<(chrono::NaiveDate, u64)>, Vec<CallsLineError>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut days = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let separator = if line.contains(';') { ';' } else { ',' };
        let mut fields = line.split(separator).map(|f| f.trim().trim_matches('"'));
        let (date, calls) = (fields.next().unwrap_or_default(), fields.next());
        let parsed = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .or_else(|_| chrono::NaiveDate::parse_from_str(date, "%d.%m.%Y"))
            .ok();
        let error = |code| CallsLineError { line: i + 1, code };
        match (parsed, calls) {
            // A header: the first line, without a date.
            (None, _) if days.is_empty() && errors.is_empty() && i == first_line(text) => {}
            (None, _) => errors.push(error("calls_date")),
            (Some(_), None) => errors.push(error("calls_missing")),
            (Some(day), Some(calls)) => {
                let calls: String = calls.chars().filter(|c| !c.is_whitespace()).collect();
                match calls.parse::<u64>() {
                    Err(_) => errors.push(error("calls_number")),
                    Ok(_) if !seen.insert(day) => errors.push(error("calls_repeated")),
                    Ok(n) => days.push((day, n)),
                }
            }
        }
    }
    if days.len() > CALLS_MAX_DAYS {
        errors.push(CallsLineError {
            line: 0,
            code: "calls_too_many",
        });
    }
    if days.is_empty() && errors.is_empty() {
        errors.push(CallsLineError {
            line: 0,
            code: "calls_empty",
        });
    }
    if errors.is_empty() {
        Ok(days)
    } else {
        Err(errors)
    }
}

fn first_line(text: &str) -> usize {
    text.lines().position(|l| !l.trim().is_empty()).unwrap_or(0)
}

#[cfg(test)]
mod calls_tests {
    use super::*;

    #[test]
    fn call_files_are_read_with_their_header_separators_and_date_forms() {
        let text = "\u{feff}Data;Liczba połączeń\r\n2025-01-01;600\r\n02.01.2025; 1 200 \r\n\r\n";
        let days = parse_calls(text).unwrap_or_default();
        assert_eq!(days.len(), 2);
        assert_eq!(
            days[1],
            (
                chrono::NaiveDate::from_ymd_opt(2025, 1, 2).unwrap_or_default(),
                1200
            )
        );
        let bad = parse_calls(
            "date,calls\n2025-01-01,5\nwczoraj,4\n2025-01-01,3\n2025-01-03\n2025-01-04,dużo\n",
        );
        let codes: Vec<(usize, &str)> = bad
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| (e.line, e.code))
            .collect();
        assert_eq!(
            codes,
            [
                (3, "calls_date"),
                (4, "calls_repeated"),
                (5, "calls_missing"),
                (6, "calls_number")
            ]
        );
        assert_eq!(
            parse_calls("").err().map(|e| e[0].code),
            Some("calls_empty")
        );
        assert_eq!(
            parse_calls("date,calls\n").err().map(|e| e[0].code),
            Some("calls_empty")
        );
    }
}
