//! Counting participatory-budget votes: greedy by score within the budget (Kraków's rule,
//! skipping projects that do not fit), the Method of Equal Shares with cost or approval
//! utilities and its completions, and the Pabulib `.pb` format the results are published in.
//!
//! Pure functions over an [`Election`]: no I/O, so the counting is tested against the real
//! Pabulib files with their official winners and against pabutools on random instances.

pub mod greedy;
pub mod mes;
pub mod pabulib;

use std::fmt;

/// An amount of money in hundredths of the currency unit (grosze), exact for the decimal
/// budgets the files carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(i64);

impl Amount {
    pub const ZERO: Self = Self(0);

    pub const fn from_hundredths(h: i64) -> Self {
        Self(h)
    }

    pub const fn from_units(units: i64) -> Self {
        Self(units * 100)
    }

    pub const fn hundredths(self) -> i64 {
        self.0
    }

    /// The amount in currency units, for the arithmetic of equal shares.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// `1500000`, `1741081.19`, `60.5`; at most two decimal places (more only as zeros).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !(fraction.is_empty() || digits(fraction)) {
            return Err(format!("{raw:?} is not an amount"));
        }
        let significant = fraction.trim_end_matches('0');
        if significant.len() > 2 {
            return Err(format!("{raw:?} has more than two decimal places"));
        }
        let whole: i64 = whole.parse().map_err(|_| format!("{raw:?} is too large"))?;
        let mut cents: i64 = 0;
        for (i, d) in significant.bytes().enumerate() {
            cents += i64::from(d - b'0') * if i == 0 { 10 } else { 1 };
        }
        whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(cents))
            .map(Self)
            .ok_or_else(|| format!("{raw:?} is too large"))
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (units, cents) = (self.0 / 100, self.0 % 100);
        if cents == 0 {
            write!(f, "{units}")
        } else {
            write!(f, "{units}.{cents:02}")
        }
    }
}

impl std::ops::Add for Amount {
    type Output = Self;
    fn add(self, rhs: Self) -> Self {
        Self(self.0.saturating_add(rhs.0))
    }
}

impl std::ops::Sub for Amount {
    type Output = Self;
    fn sub(self, rhs: Self) -> Self {
        Self(self.0.saturating_sub(rhs.0))
    }
}

impl std::iter::Sum for Amount {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, |a, b| a + b)
    }
}

/// How voters mark their ballots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteType {
    /// Up to some number of projects, each approved equally.
    Approval,
    /// Projects in order of preference: Kraków's exactly three, scored 3/2/1.
    Ordinal,
    /// Points spread over projects.
    Cumulative,
    /// A score per project.
    Scoring,
}

impl VoteType {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "approval" => Some(Self::Approval),
            "ordinal" => Some(Self::Ordinal),
            "cumulative" => Some(Self::Cumulative),
            "scoring" => Some(Self::Scoring),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approval => "approval",
            Self::Ordinal => "ordinal",
            Self::Cumulative => "cumulative",
            Self::Scoring => "scoring",
        }
    }
}

/// A project on the ballot. `fields` keeps every column of the file as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub id: String,
    pub cost: Amount,
    pub fields: Vec<String>,
}

/// One voter's ballot: the projects chosen (indexes into [`Election::projects`], in the
/// order marked) and, for cumulative or scoring ballots, the points given to each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    pub voter_id: String,
    pub choices: Vec<usize>,
    pub points: Option<Vec<u64>>,
    pub fields: Vec<String>,
}

/// One pool's vote: its budget, projects and ballots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Election {
    /// `META` entries in file order.
    pub meta: Vec<(String, String)>,
    pub budget: Amount,
    pub vote_type: VoteType,
    pub project_columns: Vec<String>,
    pub projects: Vec<Project>,
    pub vote_columns: Vec<String>,
    pub ballots: Vec<Ballot>,
}

impl Election {
    /// A META value by key.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    fn project_column(&self, name: &str) -> Option<usize> {
        self.project_columns.iter().position(|c| c == name)
    }

    /// The projects the file marks as funded (its `selected` column), if it has one.
    pub fn selected(&self) -> Option<Vec<usize>> {
        let col = self.project_column("selected")?;
        Some(
            self.projects
                .iter()
                .enumerate()
                .filter(|(_, p)| p.fields[col].trim() == "1")
                .map(|(i, _)| i)
                .collect(),
        )
    }

    /// The points a ballot gives each project it names: 1 for approval; for ordinal
    /// ballots `top` for the first, one less for each next (3/2/1 in Kraków); the `points`
    /// column for cumulative and scoring ballots.
    fn points(&self, ballot: &Ballot, top: u64) -> Vec<u64> {
        match self.vote_type {
            VoteType::Approval => vec![1; ballot.choices.len()],
            VoteType::Ordinal => (0..ballot.choices.len() as u64)
                .map(|rank| top.saturating_sub(rank))
                .collect(),
            VoteType::Cumulative | VoteType::Scoring => ballot
                .points
                .clone()
                .unwrap_or_else(|| vec![1; ballot.choices.len()]),
        }
    }

    /// The first choice's points on an ordinal ballot: META's `max_length`, else the length
    /// of the longest ballot.
    fn ordinal_top(&self) -> u64 {
        self.meta("max_length")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or_else(|| {
                self.ballots
                    .iter()
                    .map(|b| b.choices.len() as u64)
                    .max()
                    .unwrap_or(0)
            })
    }

    /// Each project's score (total points) and number of voters who chose it.
    pub fn scores(&self) -> (Vec<u64>, Vec<u64>) {
        let top = self.ordinal_top();
        let mut score = vec![0u64; self.projects.len()];
        let mut votes = vec![0u64; self.projects.len()];
        for b in &self.ballots {
            for (&p, pts) in b.choices.iter().zip(self.points(b, top)) {
                score[p] += pts;
                votes[p] += 1;
            }
        }
        (score, votes)
    }

    /// Project ids sorted by code point, as the CLI prints winners.
    pub fn ids_sorted(&self, chosen: &[usize]) -> Vec<String> {
        let mut ids: Vec<String> = chosen
            .iter()
            .map(|&p| self.projects[p].id.clone())
            .collect();
        ids.sort();
        ids
    }
}

/// Which of two projects with the same score comes first. Kraków documents no rule; the
/// default, cheaper first, reproduces every official Kraków result but one (2022 Czyżyny).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TieRule {
    /// The cheaper project, then the one more voters chose, then the smaller id.
    #[default]
    CheaperFirst,
    /// The one more voters chose, then the cheaper, then the smaller id.
    MoreVotersFirst,
    /// The smaller id (code point order), as pabutools' lexicographic tie-breaking.
    ById,
}

impl TieRule {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "cheaper" => Some(Self::CheaperFirst),
            "votes" => Some(Self::MoreVotersFirst),
            "id" => Some(Self::ById),
            _ => None,
        }
    }

    /// Orders two projects of equal merit: `Less` when `a` goes first.
    pub(crate) fn order(
        self,
        e: &Election,
        votes: &[u64],
        a: usize,
        b: usize,
    ) -> std::cmp::Ordering {
        let (pa, pb) = (&e.projects[a], &e.projects[b]);
        let cost = pa.cost.cmp(&pb.cost);
        let voters = votes[b].cmp(&votes[a]);
        let id = pa.id.cmp(&pb.id);
        match self {
            Self::CheaperFirst => cost.then(voters).then(id),
            Self::MoreVotersFirst => voters.then(cost).then(id),
            Self::ById => id,
        }
    }
}

/// Limits every rule respects: projects below a minimum number of voters are not funded,
/// and of mutually exclusive projects at most one is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Constraints {
    pub min_votes: u64,
    /// Groups of project indexes of which at most one may be funded.
    pub exclusive: Vec<Vec<usize>>,
}

impl Constraints {
    /// Whether `p` may still be funded next to the already chosen `funded` (by index).
    pub(crate) fn allows(&self, votes: &[u64], funded: &[bool], p: usize) -> bool {
        votes[p] >= self.min_votes
            && !self
                .exclusive
                .iter()
                .any(|g| g.contains(&p) && g.iter().any(|&q| q != p && funded[q]))
    }
}

/// A rule's result: the funded projects in the order they were chosen, and its explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub funded: Vec<usize>,
    pub steps: Vec<String>,
}

impl Outcome {
    pub fn cost(&self, e: &Election) -> Amount {
        self.funded.iter().map(|&p| e.projects[p].cost).sum()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An approval vote from project (id, cost) pairs and ballots such as `"a,b"`.
    pub(crate) fn election(budget: &str, projects: &[(&str, u32)], ballots: &[&str]) -> Election {
        let mut text = format!("META\nkey;value\nbudget;{budget}\nvote_type;approval\n");
        text.push_str("PROJECTS\nproject_id;cost\n");
        for (id, cost) in projects {
            text.push_str(&format!("{id};{cost}\n"));
        }
        text.push_str("VOTES\nvoter_id;vote\n");
        for (i, b) in ballots.iter().enumerate() {
            text.push_str(&format!("{i};{b}\n"));
        }
        pabulib::parse(&text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn amounts_read_and_print_with_up_to_two_decimals() {
        assert_eq!(Amount::parse("1741081.19"), Ok(Amount(174_108_119)));
        assert_eq!(Amount::parse("60.5"), Ok(Amount(6_050)));
        assert_eq!(Amount::parse("1000000"), Ok(Amount(100_000_000)));
        assert_eq!(Amount::parse("12.500"), Ok(Amount(1_250)));
        assert!(Amount::parse("1.234").is_err());
        assert!(Amount::parse("-5").is_err());
        assert!(Amount::parse("").is_err());
        assert!(Amount::parse("99999999999999999999").is_err());
        assert_eq!(Amount(174_108_119).to_string(), "1741081.19");
        assert_eq!(Amount(6_050).to_string(), "60.50");
        assert_eq!(Amount(100).to_string(), "1");
    }
}
