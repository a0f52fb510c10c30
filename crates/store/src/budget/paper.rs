//! Paper ballots typed in twice by different people. A keying keeps only keyed hashes of the
//! voter and of the choices, never the choices: two keyings that agree seal the ballot like
//! an online vote and forget even the hashes; disagreeing ones wait in the mismatch queue.
//! When the count opens the envelopes, sheets still open lose their hashes too and are only
//! counted, per voting point, as not entered.

use super::*;
use miasto_domain::vote::{Channel, VoterKeys, keyed_hex};

/// What became of one keying of a paper ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keying {
    /// First keying: waits for a second by someone else.
    Waiting,
    /// Agrees with an earlier keying: the ballot is sealed and stored.
    Counted,
    /// Disagrees: the sheet goes to the mismatch queue for a further keying.
    Mismatch,
    /// Agrees, but this person has voted already: the sheet is refused.
    AlreadyVoted,
    /// The same person keyed this sheet before; a second keying needs someone else.
    SameKeyer,
    /// The sheet was settled before (counted, refused or not entered).
    Settled,
}

impl Keying {
    pub const ALL: [Self; 6] = [
        Self::Waiting,
        Self::Counted,
        Self::Mismatch,
        Self::AlreadyVoted,
        Self::SameKeyer,
        Self::Settled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Counted => "counted",
            Self::Mismatch => "mismatch",
            Self::AlreadyVoted => "refused",
            Self::SameKeyer => "same-keyer",
            Self::Settled => "settled",
        }
    }
}

const OPEN: [&str; 2] = ["waiting", "mismatch"];
/// A sheet still open when the count began.
const NOT_ENTERED: &str = "not-entered";

/// A paper sheet as typed: the voter's keys and the marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub number: String,
    pub point: String,
    pub keys: VoterKeys,
    pub marks: Vec<Mark>,
}

impl Sheet {
    /// Keyed hashes (server secret) of who and what the sheet says, to compare keyings
    /// without keeping either.
    fn hashes(&self, secret: &[u8], edition: EditionId) -> (String, String) {
        let mut marks = self.marks.clone();
        marks.sort();
        let mut what = Vec::with_capacity(marks.len() * 18);
        for m in &marks {
            what.extend_from_slice(m.project.0.as_bytes());
            what.extend_from_slice(&m.points.to_be_bytes());
        }
        let scope = [edition.0.as_bytes().as_slice(), self.number.as_bytes()];
        let who = keyed_hex(
            secret,
            &[
                b"paper-voter",
                scope[0],
                scope[1],
                self.keys.primary.as_bytes(),
                self.keys.alias.as_deref().unwrap_or_default().as_bytes(),
            ],
        );
        let content = keyed_hex(secret, &[b"paper-choices", scope[0], scope[1], &what]);
        (who, content)
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
    let earlier = budget_paper_entries::Entity::find()
        .filter(budget_paper_entries::Column::EditionId.eq(edition.id.0))
        .filter(budget_paper_entries::Column::Sheet.eq(sheet.number.as_str()))
        .all(c)
        .await?;
    if earlier.iter().any(|e| !OPEN.contains(&e.status.as_str())) {
        return Ok(Keying::Settled);
    }
    if earlier.iter().any(|e| e.keyed_by == Some(by.0)) {
        return Ok(Keying::SameKeyer);
    }
    let (who, what) = sheet.hashes(secret, edition.id);
    let agrees = earlier.iter().any(|e| {
        e.content.as_deref() == Some(what.as_str())
            && e.identity_hash.as_deref() == Some(who.as_str())
    });
    let status = if agrees {
        match cast(
            c,
            edition,
            &sheet.keys,
            None,
            Channel::Paper,
            &sheet.marks,
            secret,
        )
        .await
        {
            Ok(()) => Keying::Counted,
            Err(CastError::AlreadyVoted) => Keying::AlreadyVoted,
            Err(e) => return Err(e),
        }
    } else if earlier.is_empty() {
        Keying::Waiting
    } else {
        Keying::Mismatch
    };
    let settled = matches!(status, Keying::Counted | Keying::AlreadyVoted);
    budget_paper_entries::ActiveModel {
        id: Set(Uuid::now_v7()),
        edition_id: Set(edition.id.0),
        sheet: Set(sheet.number.clone()),
        point: Set(sheet.point.clone()),
        keyed_by: Set(Some(by.0)),
        keyed_at: Set(now()),
        identity_hash: Set((!settled).then_some(who)),
        content: Set((!settled).then_some(what)),
        status: Set(status.as_str().to_owned()),
        resolved_by: Set(None),
    }
    .insert(c)
    .await?;
    if !earlier.is_empty() {
        let mut update = budget_paper_entries::Entity::update_many()
            .col_expr(
                budget_paper_entries::Column::Status,
                Expr::value(status.as_str()),
            )
            .col_expr(
                budget_paper_entries::Column::ResolvedBy,
                Expr::value(settled.then_some(by.0)),
            );
        if settled {
            update = forget(update);
        }
        update
            .filter(budget_paper_entries::Column::EditionId.eq(edition.id.0))
            .filter(budget_paper_entries::Column::Sheet.eq(sheet.number.as_str()))
            .exec(c)
            .await?;
    }
    Ok(status)
}

fn forget(
    update: sea_orm::UpdateMany<budget_paper_entries::Entity>,
) -> sea_orm::UpdateMany<budget_paper_entries::Entity> {
    update
        .col_expr(
            budget_paper_entries::Column::IdentityHash,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            budget_paper_entries::Column::Content,
            Expr::value(Option::<String>::None),
        )
}

/// When the count begins: sheets still open forget who and what, and stay only as a number
/// per voting point.
pub(super) async fn close_paper(c: &impl ConnectionTrait, edition: EditionId) -> Result<()> {
    forget(budget_paper_entries::Entity::update_many())
        .col_expr(
            budget_paper_entries::Column::Status,
            Expr::value(NOT_ENTERED),
        )
        .filter(budget_paper_entries::Column::EditionId.eq(edition.0))
        .filter(budget_paper_entries::Column::Status.is_in(OPEN))
        .exec(c)
        .await?;
    Ok(())
}

/// A sheet whose keyings disagree, or which waits for its second keying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSheet {
    pub number: String,
    pub point: String,
    pub keyings: u32,
    pub mismatch: bool,
    pub first_keyed_at: DateTime<Utc>,
}

/// Sheets still open: mismatches first, then those waiting, oldest first.
pub async fn open_sheets(c: &impl ConnectionTrait, edition: EditionId) -> Result<Vec<OpenSheet>> {
    let rows = budget_paper_entries::Entity::find()
        .filter(budget_paper_entries::Column::EditionId.eq(edition.0))
        .filter(budget_paper_entries::Column::Status.is_in(OPEN))
        .order_by_asc(budget_paper_entries::Column::KeyedAt)
        .all(c)
        .await?;
    let mut sheets: Vec<OpenSheet> = Vec::new();
    for row in rows {
        if let Some(s) = sheets.iter_mut().find(|s| s.number == row.sheet) {
            s.keyings += 1;
        } else {
            sheets.push(OpenSheet {
                number: row.sheet,
                point: row.point,
                keyings: 1,
                mismatch: row.status == "mismatch",
                first_keyed_at: row.keyed_at,
            });
        }
    }
    sheets.sort_by_key(|s| (!s.mismatch, s.first_keyed_at));
    Ok(sheets)
}

/// Sheets settled so far: (sealed and stored, refused because the person had voted).
pub async fn settled_sheets(c: &impl ConnectionTrait, edition: EditionId) -> Result<(u64, u64)> {
    let rows: Vec<(String, i64)> =
        sheets_by(c, edition, budget_paper_entries::Column::Status).await?;
    let get = |k: &str| {
        rows.iter()
            .find(|(s, _)| s == k)
            .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0))
    };
    Ok((
        get(Keying::Counted.as_str()),
        get(Keying::AlreadyVoted.as_str()),
    ))
}

/// Sheets not entered before the count, per voting point (for the results' report).
pub async fn sheets_not_entered(
    c: &impl ConnectionTrait,
    edition: EditionId,
) -> Result<Vec<(String, u64)>> {
    let rows: Vec<(String, i64)> = budget_paper_entries::Entity::find()
        .select_only()
        .column(budget_paper_entries::Column::Point)
        .column_as(
            Expr::col(budget_paper_entries::Column::Sheet).count_distinct(),
            "n",
        )
        .filter(budget_paper_entries::Column::EditionId.eq(edition.0))
        .filter(budget_paper_entries::Column::Status.eq(NOT_ENTERED))
        .group_by(budget_paper_entries::Column::Point)
        .order_by_asc(budget_paper_entries::Column::Point)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(p, n)| (p, u64::try_from(n).unwrap_or(0)))
        .collect())
}

async fn sheets_by(
    c: &impl ConnectionTrait,
    edition: EditionId,
    column: budget_paper_entries::Column,
) -> Result<Vec<(String, i64)>> {
    Ok(budget_paper_entries::Entity::find()
        .select_only()
        .column(column)
        .column_as(
            Expr::col(budget_paper_entries::Column::Sheet).count_distinct(),
            "n",
        )
        .filter(budget_paper_entries::Column::EditionId.eq(edition.0))
        .group_by(column)
        .into_tuple()
        .all(c)
        .await?)
}
