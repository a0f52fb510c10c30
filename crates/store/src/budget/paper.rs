//! Paper ballots typed in twice by different people. A keying keeps only keyed hashes of the
//! voter and of the choices, never the choices: two keyings that agree seal the ballot like
//! an online vote and forget even the hashes; disagreeing ones wait in the mismatch queue.
//! When the count opens the envelopes, sheets still open lose their hashes too and are only
//! counted, per voting point, as not entered.

use super::*;
use miasto_domain::vote::{BallotContent, Channel, VoterKeys};

pub use crate::ballot_box::{Keying, OpenSheet};

/// A paper sheet as typed: the voter's keys and the marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub number: String,
    pub point: String,
    pub keys: VoterKeys,
    pub marks: Vec<Mark>,
}

impl Sheet {
    fn in_box(&self) -> crate::ballot_box::Sheet {
        crate::ballot_box::Sheet {
            number: self.number.clone(),
            point: self.point.clone(),
            keys: self.keys.clone(),
            content: BallotContent {
                channel: Channel::Paper,
                marks: self.marks.iter().map(|m| (m.project.0, m.points)).collect(),
            },
        }
    }
}

/// Records one keying of a paper ballot while paper keying is open (voting, and after it
/// until the count opens the envelopes). The second keying, by someone else, that agrees
/// with an earlier one seals and stores the ballot (channel paper, in the same transaction)
/// and erases the hashes from every keying of the sheet; one that disagrees sends the sheet
/// to the mismatch queue, where a further keying settles it the same way.
pub async fn key_paper(
    c: &impl Savepoints,
    edition: &Edition,
    sheet: &Sheet,
    by: UserId,
    secret: &[u8],
) -> Result<Keying, CastError> {
    guard(
        c,
        edition.id,
        Action::KeyPaper,
        Condition::all()
            .add(budget_editions::Column::BallotKey.is_not_null())
            .add(budget_editions::Column::OpenedAt.is_null()),
        Hold::Exclusive,
    )
    .await?;
    let Some(key) = &edition.ballot_key else {
        return Err(CastError::Refused(Refusal::NoKey));
    };
    Ok(crate::ballot_box::key_sheet(c, edition.id.0, key, &sheet.in_box(), by, secret).await?)
}

/// Sheets still open: mismatches first, then those waiting, oldest first.
pub async fn open_sheets(c: &impl ConnectionTrait, edition: EditionId) -> Result<Vec<OpenSheet>> {
    crate::ballot_box::open_sheets(c, edition.0).await
}

/// Sheets settled so far: (sealed and stored, refused because the person had voted).
pub async fn settled_sheets(c: &impl ConnectionTrait, edition: EditionId) -> Result<(u64, u64)> {
    crate::ballot_box::settled_sheets(c, edition.0).await
}

/// Sheets not entered before the count, per voting point (for the results' report).
pub async fn sheets_not_entered(
    c: &impl ConnectionTrait,
    edition: EditionId,
) -> Result<Vec<(String, u64)>> {
    crate::ballot_box::sheets_not_entered(c, edition.0).await
}
