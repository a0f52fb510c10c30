//! Citizens' budget rules that need no database: the PESEL number voters identify with, and
//! the ballot rules a pool can have (Kraków's three ranked projects scored 3/2/1 by default;
//! approval, cumulative points and "knapsack" ballots for other cities).

use crate::FieldError;
use chrono::{DateTime, Datelike, NaiveDate, Utc};

mod rules;
pub mod selection;

pub use rules::*;

/// A Polish national identification number, checked: eleven digits, a real birth date in the
/// century its month encodes, and the check digit. The number is personal data: keep it only
/// as long as the vote needs it (the ballot store keeps a keyed hash, never the number).
#[derive(Clone, PartialEq, Eq)]
pub struct Pesel {
    digits: [u8; 11],
    born: NaiveDate,
}

/// Sex as the tenth digit records it (even: female, odd: male).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Female,
    Male,
}

impl std::fmt::Debug for Pesel {
    /// Never prints the number.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pesel(…)")
    }
}

impl Pesel {
    const WEIGHTS: [u32; 10] = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];

    /// Spaces and dashes people type between digit groups are ignored.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if compact.is_empty() {
            return Err(FieldError::Required);
        }
        if compact.len() != 11 || !compact.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::PeselFormat);
        }
        let mut digits = [0u8; 11];
        for (d, b) in digits.iter_mut().zip(compact.bytes()) {
            *d = b - b'0';
        }
        let sum: u32 = Self::WEIGHTS
            .iter()
            .zip(digits)
            .map(|(w, d)| w * u32::from(d))
            .sum();
        if (10 - sum % 10) % 10 != u32::from(digits[10]) {
            return Err(FieldError::PeselChecksum);
        }
        let two = |i: usize| u32::from(digits[i]) * 10 + u32::from(digits[i + 1]);
        let (yy, mm, dd) = (two(0), two(2), two(4));
        let (century, month) = match mm {
            81..=92 => (1800, mm - 80),
            1..=12 => (1900, mm),
            21..=32 => (2000, mm - 20),
            41..=52 => (2100, mm - 40),
            61..=72 => (2200, mm - 60),
            _ => return Err(FieldError::PeselDate),
        };
        let year = century + i32::try_from(yy).map_err(|_| FieldError::PeselDate)?;
        let born = NaiveDate::from_ymd_opt(year, month, dd).ok_or(FieldError::PeselDate)?;
        Ok(Self { digits, born })
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.born
    }

    pub fn sex(&self) -> Sex {
        if self.digits[9].is_multiple_of(2) {
            Sex::Female
        } else {
            Sex::Male
        }
    }

    /// Whole years of age on `day`.
    pub fn age_on(&self, day: NaiveDate) -> u32 {
        age(self.born, day)
    }

    /// The eleven digits, for hashing into the one-ballot-per-person key.
    pub fn as_digits(&self) -> String {
        self.digits.iter().map(|d| char::from(b'0' + d)).collect()
    }
}

/// Whole years between a birth date and `day` (0 before the first birthday).
pub fn age(born: NaiveDate, day: NaiveDate) -> u32 {
    let mut years = day.year() - born.year();
    if (day.month(), day.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// Why a counted project was funded or not, for the results page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Funded; this much was left after it.
    Funded { left_after: i64 },
    /// Greedy: it came next but cost more than was left.
    NoMoney { left: i64, cost: i64 },
    /// Equal Shares: funded from its voters' equal shares.
    SharesFunded,
    /// Equal Shares: its voters' shares could not cover its cost.
    SharesShort,
}

/// Explains a pool's count: `rows` are (cost, funded) in the order the count considered
/// them. Greedy counts say how much was left when each project came up; Equal Shares counts
/// say whether its voters' shares paid for it (the money left says nothing there).
pub fn explain(counting: Counting, budget: i64, rows: &[(i64, bool)]) -> Vec<Outcome> {
    let mut left = budget;
    rows.iter()
        .map(|&(cost, funded)| match (counting, funded) {
            (Counting::Greedy, true) => {
                left -= cost;
                Outcome::Funded { left_after: left }
            }
            (Counting::Greedy, false) => Outcome::NoMoney { left, cost },
            (_, true) => Outcome::SharesFunded,
            (_, false) => Outcome::SharesShort,
        })
        .collect()
}

/// How a pool's ballot is filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BallotRule {
    /// Exactly `picks` projects in order of preference, scored `picks`, …, 1 (Kraków: 3).
    Ranked { picks: u8 },
    /// Between one and `max` projects, each approved equally.
    Approval { max: u8 },
    /// `points` spread over projects, at most `per_project` on one.
    Cumulative { points: u16, per_project: u16 },
    /// Any projects whose costs add up to at most the pool's budget.
    Knapsack,
}

impl Default for BallotRule {
    /// Kraków's rule.
    fn default() -> Self {
        Self::Ranked { picks: 3 }
    }
}

/// Why a ballot for a pool is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BallotError {
    /// Ranked: not exactly the number of projects the pool asks for.
    WrongCount { expected: u8 },
    /// Approval: more projects than allowed.
    TooMany { max: u8 },
    /// Nothing chosen.
    Empty,
    /// The same project twice.
    Repeated,
    /// Cumulative: more points than there are, or too many on one project.
    TooManyPoints { points: u16, per_project: u16 },
    /// Knapsack: the chosen projects cost more than the pool's budget.
    OverBudget,
}

/// One choice on a ballot: the project (its index in the pool's list), its cost in
/// hundredths, and the points given (cumulative ballots; 1 otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub project: usize,
    pub cost: i64,
    pub points: u16,
}

impl BallotRule {
    /// Checks a pool's part of a ballot, in the order the voter ranked it, and returns the
    /// points each choice scores (3/2/1 for Kraków).
    pub fn check(self, choices: &[Choice], budget: i64) -> Result<Vec<u16>, BallotError> {
        if choices.is_empty() {
            // A ranked ballot says how many it needs, not "at least one".
            return Err(match self {
                Self::Ranked { picks } => BallotError::WrongCount { expected: picks },
                _ => BallotError::Empty,
            });
        }
        for (i, c) in choices.iter().enumerate() {
            if choices[..i].iter().any(|d| d.project == c.project) {
                return Err(BallotError::Repeated);
            }
        }
        match self {
            Self::Ranked { picks } => {
                if choices.len() != usize::from(picks) {
                    return Err(BallotError::WrongCount { expected: picks });
                }
                Ok((1..=u16::from(picks)).rev().collect())
            }
            Self::Approval { max } => {
                if choices.len() > usize::from(max) {
                    return Err(BallotError::TooMany { max });
                }
                Ok(vec![1; choices.len()])
            }
            Self::Cumulative {
                points,
                per_project,
            } => {
                let total: u32 = choices.iter().map(|c| u32::from(c.points)).sum();
                if total > u32::from(points)
                    || choices
                        .iter()
                        .any(|c| c.points == 0 || c.points > per_project)
                {
                    return Err(BallotError::TooManyPoints {
                        points,
                        per_project,
                    });
                }
                Ok(choices.iter().map(|c| c.points).collect())
            }
            Self::Knapsack => {
                let total: i64 = choices.iter().map(|c| c.cost).sum();
                if total > budget {
                    return Err(BallotError::OverBudget);
                }
                Ok(vec![1; choices.len()])
            }
        }
    }
}

impl BallotRule {
    /// The rule as stored: `ranked:3`, `approval:5`, `cumulative:10:3`, `knapsack`.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.trim().split(':');
        let kind = parts.next()?;
        let mut number = || parts.next().and_then(|p| p.parse::<u16>().ok());
        let rule = match kind {
            "ranked" => Self::Ranked {
                picks: u8::try_from(number()?)
                    .ok()
                    .filter(|n| (1..=20).contains(n))?,
            },
            "approval" => Self::Approval {
                max: u8::try_from(number()?).ok().filter(|n| *n >= 1)?,
            },
            "cumulative" => {
                let points = number().filter(|n| *n >= 1)?;
                let per_project = number().filter(|n| (1..=points).contains(n))?;
                Self::Cumulative {
                    points,
                    per_project,
                }
            }
            "knapsack" => Self::Knapsack,
            _ => return None,
        };
        parts.next().is_none().then_some(rule)
    }

    /// How many projects a voter may choose at most in a pool of `available` projects.
    pub fn max_choices(self, available: usize) -> usize {
        match self {
            Self::Ranked { picks } => usize::from(picks),
            Self::Approval { max } => usize::from(max),
            Self::Cumulative { points, .. } => usize::from(points),
            Self::Knapsack => available,
        }
        .min(available)
    }

    /// The Pabulib `vote_type` of ballots cast under this rule.
    pub fn vote_type(self) -> &'static str {
        match self {
            Self::Ranked { .. } => "ordinal",
            Self::Approval { .. } | Self::Knapsack => "approval",
            Self::Cumulative { .. } => "cumulative",
        }
    }
}

impl std::fmt::Display for BallotRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Ranked { picks } => write!(f, "ranked:{picks}"),
            Self::Approval { max } => write!(f, "approval:{max}"),
            Self::Cumulative {
                points,
                per_project,
            } => write!(f, "cumulative:{points}:{per_project}"),
            Self::Knapsack => f.write_str("knapsack"),
        }
    }
}

/// How a pool's winners are found from its ballots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Counting {
    /// By score, skipping projects that no longer fit (Kraków).
    #[default]
    Greedy,
    /// Method of Equal Shares with cost utilities, completed by add1.
    EqualSharesCost,
    /// Method of Equal Shares with approval utilities, completed by add1.
    EqualSharesApproval,
}

impl Counting {
    pub const ALL: [Self; 3] = [
        Self::Greedy,
        Self::EqualSharesCost,
        Self::EqualSharesApproval,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Greedy => "greedy",
            Self::EqualSharesCost => "mes-cost",
            Self::EqualSharesApproval => "mes-approval",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw.trim())
    }
}

/// The project categories of Kraków's submission form.
pub const CATEGORIES: [&str; 9] = [
    "health",
    "infrastructure",
    "education",
    "culture",
    "safety",
    "greenery",
    "sport",
    "bicycles",
    "society",
];

/// Where an edition stands on a given moment, from its schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Before submissions open.
    Announced,
    /// Residents submit and edit projects.
    Submission,
    /// City units verify the projects.
    Verification,
    /// Authors of rejected projects may appeal.
    Appeals,
    /// The ballot is being prepared.
    BallotPreparation,
    Voting,
    /// Voting closed; results not yet published.
    Counting,
    /// Results published.
    Results,
}

impl Phase {
    pub const ALL: [Self; 8] = [
        Self::Announced,
        Self::Submission,
        Self::Verification,
        Self::Appeals,
        Self::BallotPreparation,
        Self::Voting,
        Self::Counting,
        Self::Results,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Announced => "announced",
            Self::Submission => "submission",
            Self::Verification => "verification",
            Self::Appeals => "appeals",
            Self::BallotPreparation => "ballot-preparation",
            Self::Voting => "voting",
            Self::Counting => "counting",
            Self::Results => "results",
        }
    }
}

/// An edition's dates: each window opens at its first instant and closes at its last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub submission: (DateTime<Utc>, DateTime<Utc>),
    pub appeals: (DateTime<Utc>, DateTime<Utc>),
    pub voting: (DateTime<Utc>, DateTime<Utc>),
}

/// Why a schedule is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleError {
    /// A window closes before it opens.
    Inverted,
    /// Windows overlap or come out of order (submission, appeals, voting).
    OutOfOrder,
    /// A date that has passed was changed, or a coming one moved into the past: what already
    /// happened under the schedule stays as it was.
    PastFixed,
}

impl Schedule {
    pub fn new(
        submission: (DateTime<Utc>, DateTime<Utc>),
        appeals: (DateTime<Utc>, DateTime<Utc>),
        voting: (DateTime<Utc>, DateTime<Utc>),
    ) -> Result<Self, ScheduleError> {
        if [submission, appeals, voting].iter().any(|(a, b)| a >= b) {
            return Err(ScheduleError::Inverted);
        }
        if submission.1 > appeals.0 || appeals.1 > voting.0 {
            return Err(ScheduleError::OutOfOrder);
        }
        Ok(Self {
            submission,
            appeals,
            voting,
        })
    }

    /// The six instants, in order.
    pub fn instants(&self) -> [DateTime<Utc>; 6] {
        [
            self.submission.0,
            self.submission.1,
            self.appeals.0,
            self.appeals.1,
            self.voting.0,
            self.voting.1,
        ]
    }

    /// Whether the schedule may become `new` at `now`: a window that has opened keeps its
    /// opening, one that has closed keeps its closing, and no coming date moves into the past.
    /// So a phase that already has effects (submissions, appeals, ballots) is never reopened
    /// or skipped after the fact, and voting never ends before it started.
    pub fn check_move(&self, new: &Schedule, now: DateTime<Utc>) -> Result<(), ScheduleError> {
        for (old, new) in self.instants().into_iter().zip(new.instants()) {
            let fixed = old <= now;
            if (fixed && new != old) || (!fixed && new < now) {
                return Err(ScheduleError::PastFixed);
            }
        }
        Ok(())
    }

    /// The phase at `now`; `published` says whether results are out.
    pub fn phase(&self, now: DateTime<Utc>, published: bool) -> Phase {
        if published {
            Phase::Results
        } else if now < self.submission.0 {
            Phase::Announced
        } else if now < self.submission.1 {
            Phase::Submission
        } else if now < self.appeals.0 {
            Phase::Verification
        } else if now < self.appeals.1 {
            Phase::Appeals
        } else if now < self.voting.0 {
            Phase::BallotPreparation
        } else if now < self.voting.1 {
            Phase::Voting
        } else {
            Phase::Counting
        }
    }
}

/// Money typed by a person: "1 500 000", "1500000,50", "2.500 zł". Returns hundredths.
pub fn parse_amount(raw: &str) -> Option<i64> {
    let cleaned: String = raw
        .trim()
        .trim_end_matches("zł")
        .trim_end_matches("PLN")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    let (whole, fraction) = match cleaned.rsplit_once([',', '.']) {
        Some((w, f)) if f.len() <= 2 && !w.is_empty() => (w.replace('.', ""), f),
        Some(_) => (cleaned.replace('.', ""), ""),
        None => (cleaned, ""),
    };
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || whole.len() > 13 {
        return None;
    }
    if !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let cents = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse::<i64>().ok()?,
    };
    Some(whole.parse::<i64>().ok()? * 100 + cents)
}

/// Hundredths shown as złoty with a space between thousands: "1 500 000 zł", "12,50 zł".
pub fn format_amount(hundredths: i64) -> String {
    let whole = hundredths.div_euclid(100);
    let cents = hundredths.rem_euclid(100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) && c.is_ascii_digit() {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    if cents == 0 {
        format!("{grouped}\u{a0}zł")
    } else {
        format!("{grouped},{cents:02}\u{a0}zł")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn public_example_numbers_read_with_their_birth_date_and_sex() -> Result<(), FieldError> {
        let p = Pesel::parse("44051401458")?;
        assert_eq!(p.birth_date(), date(1944, 5, 14));
        assert_eq!(p.sex(), Sex::Male);
        let p = Pesel::parse("75120804355")?;
        assert_eq!(p.birth_date(), date(1975, 12, 8));
        assert_eq!(p.sex(), Sex::Male);
        assert_eq!(p.age_on(date(2025, 12, 7)), 49);
        assert_eq!(p.age_on(date(2025, 12, 8)), 50);
        // Typed with spaces or dashes.
        assert_eq!(Pesel::parse(" 751208-043 55 ")?.as_digits(), "75120804355");
        Ok(())
    }

    /// Builds a valid number for a date, serial and sex digit (as the registry would).
    fn make(y: i32, m: u32, d: u32, serial: u32, sex: u32) -> String {
        let offset = match y {
            1800..=1899 => 80,
            1900..=1999 => 0,
            2000..=2099 => 20,
            2100..=2199 => 40,
            _ => 60,
        };
        with_check_digit(&format!(
            "{:02}{:02}{:02}{serial:03}{sex}",
            y % 100,
            m + offset,
            d
        ))
    }

    /// Ten digits and the check digit that makes them a well-formed number.
    fn with_check_digit(body: &str) -> String {
        let sum: u32 = body
            .bytes()
            .zip(Pesel::WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        format!("{body}{}", (10 - sum % 10) % 10)
    }

    #[test]
    fn the_month_encodes_the_century() -> Result<(), FieldError> {
        for (y, m, d) in [
            (1899, 12, 31),
            (1900, 1, 1),
            (2005, 2, 28),
            (2024, 2, 29),
            (2150, 7, 4),
            (2201, 1, 1),
        ] {
            let p = Pesel::parse(&make(y, m, d, 123, 4))?;
            assert_eq!(p.birth_date(), date(y, m, d));
            assert_eq!(p.sex(), Sex::Female);
        }
        // February 2005 is month 22.
        assert_eq!(&make(2005, 2, 1, 0, 1)[2..4], "22");
        Ok(())
    }

    #[test]
    fn typos_and_impossible_dates_are_refused_with_their_own_reason() {
        assert_eq!(Pesel::parse("44051401459"), Err(FieldError::PeselChecksum));
        assert_eq!(Pesel::parse("4405140145"), Err(FieldError::PeselFormat));
        assert_eq!(Pesel::parse("4405140145a"), Err(FieldError::PeselFormat));
        assert_eq!(Pesel::parse(""), Err(FieldError::Required));
        // 30 February, and month 13, with correct check digits.
        assert_eq!(
            Pesel::parse(&make(2023, 2, 30, 1, 1)),
            Err(FieldError::PeselDate)
        );
        let month_13 = with_check_digit("0113010000");
        assert_eq!(Pesel::parse(&month_13), Err(FieldError::PeselDate));
        // 2023 is not a leap year.
        assert_eq!(
            Pesel::parse(&make(2023, 2, 29, 1, 1)),
            Err(FieldError::PeselDate)
        );
    }

    #[test]
    fn the_number_never_shows_in_debug_output() -> Result<(), FieldError> {
        assert_eq!(format!("{:?}", Pesel::parse("44051401458")?), "Pesel(…)");
        Ok(())
    }

    fn choices(projects: &[usize]) -> Vec<Choice> {
        projects
            .iter()
            .map(|&project| Choice {
                project,
                cost: 10_000,
                points: 1,
            })
            .collect()
    }

    #[test]
    fn krakow_ballots_rank_exactly_three_projects_scored_3_2_1() {
        let rule = BallotRule::default();
        assert_eq!(rule.check(&choices(&[4, 1, 7]), 0), Ok(vec![3, 2, 1]));
        assert_eq!(
            rule.check(&choices(&[4, 1]), 0),
            Err(BallotError::WrongCount { expected: 3 })
        );
        assert_eq!(
            rule.check(&choices(&[4, 1, 7, 8]), 0),
            Err(BallotError::WrongCount { expected: 3 })
        );
        assert_eq!(
            rule.check(&choices(&[4, 4, 7]), 0),
            Err(BallotError::Repeated)
        );
        // An empty ranked ballot is told how many it needs.
        assert_eq!(
            rule.check(&[], 0),
            Err(BallotError::WrongCount { expected: 3 })
        );
        assert_eq!(
            BallotRule::Approval { max: 5 }.check(&[], 0),
            Err(BallotError::Empty)
        );
    }

    #[test]
    fn a_greedy_count_explains_each_project_by_the_money_left() {
        let outcomes = explain(
            Counting::Greedy,
            1_000,
            &[(600, true), (450, false), (300, true), (200, false)],
        );
        assert_eq!(
            outcomes,
            [
                Outcome::Funded { left_after: 400 },
                Outcome::NoMoney {
                    left: 400,
                    cost: 450
                },
                Outcome::Funded { left_after: 100 },
                Outcome::NoMoney {
                    left: 100,
                    cost: 200
                },
            ]
        );
        assert_eq!(
            explain(
                Counting::EqualSharesCost,
                1_000,
                &[(600, true), (450, false)]
            ),
            [Outcome::SharesFunded, Outcome::SharesShort]
        );
    }

    #[test]
    fn other_cities_rules_check_their_own_limits() {
        let approval = BallotRule::Approval { max: 2 };
        assert_eq!(approval.check(&choices(&[1, 2]), 0), Ok(vec![1, 1]));
        assert_eq!(
            approval.check(&choices(&[1, 2, 3]), 0),
            Err(BallotError::TooMany { max: 2 })
        );
        let cumulative = BallotRule::Cumulative {
            points: 10,
            per_project: 5,
        };
        let mut spread = choices(&[1, 2]);
        spread[0].points = 5;
        spread[1].points = 5;
        assert_eq!(cumulative.check(&spread, 0), Ok(vec![5, 5]));
        spread[1].points = 6;
        assert!(cumulative.check(&spread, 0).is_err());
        let knapsack = BallotRule::Knapsack;
        assert_eq!(knapsack.check(&choices(&[1, 2]), 20_000), Ok(vec![1, 1]));
        assert_eq!(
            knapsack.check(&choices(&[1, 2, 3]), 20_000),
            Err(BallotError::OverBudget)
        );
    }

    #[test]
    fn ballot_rules_round_trip_through_their_stored_form() {
        for raw in ["ranked:3", "approval:5", "cumulative:10:3", "knapsack"] {
            let rule = BallotRule::parse(raw);
            assert_eq!(rule.map(|r| r.to_string()).as_deref(), Some(raw));
        }
        for bad in [
            "",
            "ranked",
            "ranked:0",
            "ranked:3:1",
            "cumulative:3:4",
            "approval:x",
            "vote",
        ] {
            assert_eq!(BallotRule::parse(bad), None, "{bad}");
        }
        assert_eq!(BallotRule::default().to_string(), "ranked:3");
        assert_eq!(BallotRule::Knapsack.max_choices(7), 7);
        assert_eq!(BallotRule::Ranked { picks: 3 }.max_choices(2), 2);
    }

    #[test]
    fn amounts_read_as_people_type_them() {
        assert_eq!(parse_amount("1 500 000"), Some(150_000_000));
        assert_eq!(parse_amount("1500000,5"), Some(150_000_050));
        assert_eq!(parse_amount("2.500 zł"), Some(250_000));
        assert_eq!(parse_amount("12,34"), Some(1234));
        assert_eq!(parse_amount("12.34"), Some(1234));
        for bad in ["", "abc", "-5", "1,2,3x", "zł"] {
            assert_eq!(parse_amount(bad), None, "{bad}");
        }
        assert_eq!(format_amount(150_000_000), "1\u{a0}500\u{a0}000\u{a0}zł");
        assert_eq!(format_amount(1234), "12,34\u{a0}zł");
        assert_eq!(format_amount(0), "0\u{a0}zł");
    }

    #[test]
    fn the_schedule_gives_each_moment_its_phase() {
        let day = |d: u32| {
            NaiveDate::from_ymd_opt(2026, 3, d)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
                .unwrap_or_default()
        };
        let s = Schedule::new((day(2), day(5)), (day(10), day(12)), (day(20), day(25)));
        let Ok(s) = s else {
            panic!("a valid schedule was refused: {s:?}");
        };
        let phases: Vec<Phase> = [1, 2, 6, 10, 15, 20, 26]
            .into_iter()
            .map(|d| s.phase(day(d), false))
            .collect();
        assert_eq!(
            phases,
            [
                Phase::Announced,
                Phase::Submission,
                Phase::Verification,
                Phase::Appeals,
                Phase::BallotPreparation,
                Phase::Voting,
                Phase::Counting
            ]
        );
        assert_eq!(s.phase(day(21), true), Phase::Results);
        assert_eq!(
            Schedule::new((day(5), day(2)), (day(10), day(12)), (day(20), day(25))),
            Err(ScheduleError::Inverted)
        );
        assert_eq!(
            Schedule::new((day(2), day(11)), (day(10), day(12)), (day(20), day(25))),
            Err(ScheduleError::OutOfOrder)
        );
    }

    #[test]
    fn the_past_of_a_schedule_is_fixed() {
        let day = |d: u32| {
            NaiveDate::from_ymd_opt(2026, 3, d)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
                .unwrap_or_default()
        };
        let make = |v: (u32, u32)| {
            Schedule::new((day(2), day(5)), (day(10), day(12)), (day(v.0), day(v.1)))
                .unwrap_or_else(|e| panic!("{e:?}"))
        };
        let s = make((20, 25));
        // During voting: the close may move later, or earlier but not into the past.
        let now = day(22);
        assert_eq!(s.check_move(&make((20, 28)), now), Ok(()));
        assert_eq!(s.check_move(&make((20, 23)), now), Ok(()));
        assert_eq!(
            s.check_move(&make((20, 21)), now),
            Err(ScheduleError::PastFixed)
        );
        // The opening already happened.
        assert_eq!(
            s.check_move(&make((23, 28)), now),
            Err(ScheduleError::PastFixed)
        );
        // After voting: no reopening.
        assert_eq!(
            s.check_move(&make((20, 28)), day(26)),
            Err(ScheduleError::PastFixed)
        );
        assert_eq!(s.check_move(&s, day(26)), Ok(()));
        // Before anything happened, anything goes (within order).
        assert_eq!(s.check_move(&make((21, 24)), day(1)), Ok(()));
    }
}
