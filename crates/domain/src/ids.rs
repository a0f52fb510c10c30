//! Typed ids. Rows carry UUIDv7 ids generated in Rust (time-ordered, so indexes stay compact);
//! wrapping them keeps a user id from being passed where a unit id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// Parses the canonical hyphenated form; anything else is `None`.
            pub fn parse(raw: &str) -> Option<Self> {
                Uuid::try_parse(raw.trim()).ok().map(Self)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }
    };
}

id_type!(
    /// A person's account (resident or staff).
    UserId
);
id_type!(
    /// A city unit (department, authority or company) that handles matters.
    UnitId
);
id_type!(
    /// A report category.
    CategoryId
);
id_type!(
    /// One of the city's districts.
    DistrictId
);
id_type!(
    /// A contact-centre report (problem or idea).
    ReportId
);

id_type!(
    /// A citizens' budget edition.
    EditionId
);
id_type!(
    /// One budget of an edition: the city-wide pool or a district's.
    PoolId
);
id_type!(
    /// A citizens' budget project.
    ProjectId
);

/// A stored ballot. Unlike every other id it is random (UUIDv4), never time-ordered: the
/// order of ballots must say nothing about when, or by whom, they were cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BallotId(pub Uuid);

impl BallotId {
    /// A fresh random id.
    pub fn random() -> Self {
        Self(Uuid::new_v4())
    }
}

impl fmt::Display for BallotId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_time_ordered_and_parse_back() {
        let a = UserId::new();
        let b = UserId::new();
        assert!(a < b);
        assert_eq!(UserId::parse(&a.to_string()), Some(a));
        assert_eq!(UserId::parse("not-an-id"), None);
    }

    #[test]
    fn ballot_ids_are_random_not_time_ordered() {
        assert_eq!(BallotId::random().0.get_version_num(), 4);
    }
}
