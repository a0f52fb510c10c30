//! The two groupings of a consultation's comments together: near-duplicate groups first
//! (each answered once), then topic groups over one comment per near-duplicate group, so a
//! campaign of thousands of copies counts as one voice in finding topics and every copy
//! lands in its letter's topic.

use crate::{duplicates, topics};

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub duplicates: duplicates::Options,
    pub topics: topics::Options,
}

impl Options {
    /// The near-duplicate threshold and the seed for both steps.
    pub fn new(threshold: f64, seed: u64) -> Self {
        Self {
            duplicates: duplicates::Options { threshold, seed },
            topics: topics::Options {
                seed,
                ..topics::Options::default()
            },
        }
    }
}

/// Where the work is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Duplicates,
    Topics,
    Done,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub duplicates: duplicates::Groups,
    /// Topic groups over all comments (members are comment indices).
    pub topics: topics::Topics,
}

pub fn analyse(comments: &[&str], options: &Options, progress: &mut dyn FnMut(Stage)) -> Analysis {
    progress(Stage::Duplicates);
    let duplicates = duplicates::group(comments, &options.duplicates);
    progress(Stage::Topics);
    let representatives: Vec<&str> = duplicates
        .groups
        .iter()
        .map(|g| comments[g.representative])
        .collect();
    let over_groups = topics::group(&representatives, &options.topics);
    let mut groups: Vec<topics::Topic> = over_groups
        .groups
        .into_iter()
        .map(|t| {
            let mut members: Vec<usize> = t
                .members
                .iter()
                .flat_map(|&d| duplicates.groups[d].members.iter().copied())
                .collect();
            members.sort_unstable();
            topics::Topic {
                members,
                representative: duplicates.groups[t.representative].representative,
                ..t
            }
        })
        .collect();
    let identity: Vec<usize> = (0..comments.len()).collect();
    let group_of = crate::renumber(&mut groups, &identity, |g| {
        (&mut g.members, &mut g.representative)
    });
    progress(Stage::Done);
    Analysis {
        duplicates,
        topics: topics::Topics {
            groups,
            group_of,
            silhouettes: over_groups.silhouettes,
        },
    }
}
