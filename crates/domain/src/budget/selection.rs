//! A voter's ballot while they fill it in: the projects chosen in each part (in order, for a
//! ranked ballot; with points, for a cumulative one), changed one step at a time — add,
//! remove, move up or down, set points — each step checked against the pool's rule so the
//! selection never holds what the ballot could not. The final check is still
//! [`BallotRule::check`] when the ballot is cast.

use super::{BallotRule, format_amount};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One chosen project: its number in the edition and its points (1 except on cumulative
/// ballots).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pick {
    pub project: u32,
    pub points: u16,
}

/// A whole ballot being filled in: the district chosen, and each part's picks (`city`,
/// `district`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    pub district: String,
    pub parts: BTreeMap<String, Vec<Pick>>,
}

/// One step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Add,
    Remove,
    Up,
    Down,
    Points(u16),
}

impl Step {
    /// `add`, `remove`, `up`, `down`, or `points` with the number typed.
    pub fn parse(op: &str, points: &str) -> Option<Self> {
        Some(match op {
            "add" => Self::Add,
            "remove" => Self::Remove,
            "up" => Self::Up,
            "down" => Self::Down,
            "points" => Self::Points(points.trim().parse().ok()?),
            _ => return None,
        })
    }
}

/// Why a step was refused (the code names the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Ranked or approval: no place left.
    Full { max: u8 },
    /// Knapsack: the project costs more than is left.
    NoMoney { left: i64, cost: i64 },
    /// Cumulative: more points than are left, or than one project may get.
    NoPoints { left: u16, per_project: u16 },
}

impl Refused {
    pub fn code(self) -> &'static str {
        match self {
            Self::Full { .. } => "full",
            Self::NoMoney { .. } => "no_money",
            Self::NoPoints { .. } => "no_points",
        }
    }

    /// The message's arguments (names as in the translation files).
    pub fn args(self) -> Vec<(&'static str, String)> {
        match self {
            Self::Full { max } => vec![("count", max.to_string())],
            Self::NoMoney { left, cost } => {
                vec![("left", format_amount(left)), ("cost", format_amount(cost))]
            }
            Self::NoPoints { left, per_project } => vec![
                ("left", left.to_string()),
                ("per_project", per_project.to_string()),
            ],
        }
    }
}

/// What is left to give in a part, by its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Left {
    /// Ranked: places still empty (the ballot needs them all); approval: places still free.
    Places { left: u8, of: u8, exactly: bool },
    /// Knapsack: money left of the pool's budget.
    Money { left: i64, of: i64 },
    /// Cumulative: points left.
    Points { left: u16, of: u16 },
}

/// What is left in a part with these picks; `cost` gives a project's cost by number.
pub fn left(rule: BallotRule, picks: &[Pick], budget: i64, cost: impl Fn(u32) -> i64) -> Left {
    let count = u8::try_from(picks.len()).unwrap_or(u8::MAX);
    match rule {
        BallotRule::Ranked { picks: of } => Left::Places {
            left: of.saturating_sub(count),
            of,
            exactly: true,
        },
        BallotRule::Approval { max } => Left::Places {
            left: max.saturating_sub(count),
            of: max,
            exactly: false,
        },
        BallotRule::Knapsack => Left::Money {
            left: budget - picks.iter().map(|p| cost(p.project)).sum::<i64>(),
            of: budget,
        },
        BallotRule::Cumulative { points, .. } => Left::Points {
            left: points.saturating_sub(picks.iter().map(|p| p.points).sum()),
            of: points,
        },
    }
}

/// Applies one step to a part's picks. Moving the first up or the last down, removing what
/// is not there and adding what is already there change nothing.
pub fn apply(
    rule: BallotRule,
    picks: &mut Vec<Pick>,
    step: Step,
    project: u32,
    budget: i64,
    cost: impl Fn(u32) -> i64,
) -> Result<(), Refused> {
    let at = picks.iter().position(|p| p.project == project);
    match (step, at) {
        (Step::Add, Some(_)) | (Step::Remove | Step::Up | Step::Down, None) => Ok(()),
        (Step::Add, None) => {
            match left(rule, picks, budget, &cost) {
                Left::Places { left: 0, of, .. } => return Err(Refused::Full { max: of }),
                Left::Money { left, .. } if cost(project) > left => {
                    return Err(Refused::NoMoney {
                        left,
                        cost: cost(project),
                    });
                }
                Left::Points { left: 0, .. } => {
                    let BallotRule::Cumulative { per_project, .. } = rule else {
                        unreachable!("points are left only on cumulative ballots")
                    };
                    return Err(Refused::NoPoints {
                        left: 0,
                        per_project,
                    });
                }
                _ => {}
            }
            picks.push(Pick { project, points: 1 });
            Ok(())
        }
        (Step::Remove, Some(i)) => {
            picks.remove(i);
            Ok(())
        }
        (Step::Up, Some(i)) => {
            if i > 0 {
                picks.swap(i, i - 1);
            }
            Ok(())
        }
        (Step::Down, Some(i)) => {
            if i + 1 < picks.len() {
                picks.swap(i, i + 1);
            }
            Ok(())
        }
        (Step::Points(points), at) => {
            let BallotRule::Cumulative {
                points: total,
                per_project,
            } = rule
            else {
                return Ok(());
            };
            let others: u16 = picks
                .iter()
                .filter(|p| p.project != project)
                .map(|p| p.points)
                .sum();
            let left = total.saturating_sub(others);
            if points > per_project || points > left {
                return Err(Refused::NoPoints { left, per_project });
            }
            match (at, points) {
                (Some(i), 0) => {
                    picks.remove(i);
                }
                (Some(i), p) => picks[i].points = p,
                (None, 0) => {}
                (None, p) => picks.push(Pick { project, points: p }),
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(n: u32) -> i64 {
        i64::from(n) * 100_000
    }

    fn numbers(picks: &[Pick]) -> Vec<u32> {
        picks.iter().map(|p| p.project).collect()
    }

    #[test]
    fn a_ranked_part_takes_its_places_in_order() {
        let rule = BallotRule::Ranked { picks: 3 };
        let mut picks = Vec::new();
        for n in [4, 7, 9] {
            apply(rule, &mut picks, Step::Add, n, 0, cost).unwrap();
        }
        assert_eq!(
            apply(rule, &mut picks, Step::Add, 2, 0, cost),
            Err(Refused::Full { max: 3 })
        );
        apply(rule, &mut picks, Step::Up, 9, 0, cost).unwrap();
        assert_eq!(numbers(&picks), [4, 9, 7]);
        apply(rule, &mut picks, Step::Up, 4, 0, cost).unwrap();
        apply(rule, &mut picks, Step::Down, 7, 0, cost).unwrap();
        assert_eq!(numbers(&picks), [4, 9, 7]);
        apply(rule, &mut picks, Step::Remove, 4, 0, cost).unwrap();
        assert_eq!(numbers(&picks), [9, 7]);
        assert_eq!(
            left(rule, &picks, 0, cost),
            Left::Places {
                left: 1,
                of: 3,
                exactly: true
            }
        );
        // Adding twice changes nothing.
        apply(rule, &mut picks, Step::Add, 7, 0, cost).unwrap();
        assert_eq!(numbers(&picks), [9, 7]);
    }

    #[test]
    fn a_knapsack_part_keeps_within_the_money() {
        let rule = BallotRule::Knapsack;
        let mut picks = Vec::new();
        apply(rule, &mut picks, Step::Add, 3, 500_000, cost).unwrap();
        assert_eq!(
            left(rule, &picks, 500_000, cost),
            Left::Money {
                left: 200_000,
                of: 500_000
            }
        );
        let refused = apply(rule, &mut picks, Step::Add, 4, 500_000, cost).unwrap_err();
        assert_eq!(
            refused,
            Refused::NoMoney {
                left: 200_000,
                cost: 400_000
            }
        );
        assert_eq!(refused.code(), "no_money");
        apply(rule, &mut picks, Step::Add, 2, 500_000, cost).unwrap();
        assert_eq!(numbers(&picks), [3, 2]);
    }

    #[test]
    fn a_cumulative_part_spreads_its_points() {
        let rule = BallotRule::Cumulative {
            points: 10,
            per_project: 5,
        };
        let mut picks = Vec::new();
        apply(rule, &mut picks, Step::Points(5), 1, 0, cost).unwrap();
        apply(rule, &mut picks, Step::Points(4), 2, 0, cost).unwrap();
        assert_eq!(
            apply(rule, &mut picks, Step::Points(2), 3, 0, cost),
            Err(Refused::NoPoints {
                left: 1,
                per_project: 5
            })
        );
        assert_eq!(
            apply(rule, &mut picks, Step::Points(6), 2, 0, cost),
            Err(Refused::NoPoints {
                left: 5,
                per_project: 5
            })
        );
        apply(rule, &mut picks, Step::Add, 3, 0, cost).unwrap();
        assert_eq!(
            left(rule, &picks, 0, cost),
            Left::Points { left: 0, of: 10 }
        );
        assert!(apply(rule, &mut picks, Step::Add, 4, 0, cost).is_err());
        apply(rule, &mut picks, Step::Points(0), 1, 0, cost).unwrap();
        assert_eq!(numbers(&picks), [2, 3]);
    }

    #[test]
    fn an_approval_part_counts_its_places() {
        let rule = BallotRule::Approval { max: 2 };
        let mut picks = Vec::new();
        apply(rule, &mut picks, Step::Add, 1, 0, cost).unwrap();
        apply(rule, &mut picks, Step::Add, 2, 0, cost).unwrap();
        assert_eq!(
            apply(rule, &mut picks, Step::Add, 3, 0, cost),
            Err(Refused::Full { max: 2 })
        );
        assert_eq!(Step::parse("points", " 3 "), Some(Step::Points(3)));
        assert_eq!(Step::parse("steal", ""), None);
    }
}
