//! Paper ballots typed in twice by different people: agreeing keyings store the ballot and
//! forget the voter; disagreeing ones wait in the mismatch queue.

use super::*;

/// What became of one keying of a paper ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keying {
    /// First keying: waits for a second by someone else.
    Waiting,
    /// Agrees with an earlier keying: the ballot is counted.
    Counted,
    /// Disagrees: the sheet goes to the mismatch queue for a further keying.
    Mismatch,
    /// Agrees, but this person has voted already: the sheet is refused.
    AlreadyVoted,
    /// The same person keyed this sheet before; a second keying needs someone else.
    SameKeyer,
    /// The sheet was settled before (counted, refused or discarded).
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

/// A paper sheet as typed: the voter's identity hash and the marks, in a stable order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub number: String,
    pub point: String,
    pub identity_hash: String,
    pub marks: Vec<Mark>,
}

/// Records one keying of a paper ballot. The second keying, by someone else, that agrees with
/// an earlier one stores the ballot (channel paper, in the same transaction) and erases the
/// identity and the choices from every keying of the sheet; one that disagrees sends the
/// sheet to the mismatch queue, where a further keying settles it the same way.
pub async fn key_paper(
    c: &impl Savepoints,
    edition: Uuid,
    sheet: &Sheet,
    by: UserId,
    day: NaiveDate,
) -> Result<Keying> {
    lock_edition(c, edition).await?;
    let earlier = budget_paper_entries::Entity::find()
        .filter(budget_paper_entries::Column::EditionId.eq(edition))
        .filter(budget_paper_entries::Column::Sheet.eq(sheet.number.as_str()))
        .all(c)
        .await?;
    if earlier.iter().any(|e| !OPEN.contains(&e.status.as_str())) {
        return Ok(Keying::Settled);
    }
    if earlier.iter().any(|e| e.keyed_by == Some(by.0)) {
        return Ok(Keying::SameKeyer);
    }
    let mut marks = sheet.marks.clone();
    marks.sort();
    let content = serde_json::to_string(&marks)
        .map_err(|e| corrupt("budget_paper_entries", e.to_string()))?;
    let agrees = earlier.iter().any(|e| {
        e.content.as_deref() == Some(content.as_str())
            && e.identity_hash.as_deref() == Some(sheet.identity_hash.as_str())
    });
    let status = if agrees {
        match cast(
            c,
            edition,
            &sheet.identity_hash,
            None,
            Channel::Paper,
            day,
            &marks,
        )
        .await
        {
            Ok(()) => Keying::Counted,
            Err(CastError::AlreadyVoted) => Keying::AlreadyVoted,
            Err(CastError::Store(e)) => return Err(e),
        }
    } else if earlier.is_empty() {
        Keying::Waiting
    } else {
        Keying::Mismatch
    };
    let settled = matches!(status, Keying::Counted | Keying::AlreadyVoted);
    budget_paper_entries::ActiveModel {
        id: Set(Uuid::now_v7()),
        edition_id: Set(edition),
        sheet: Set(sheet.number.clone()),
        point: Set(sheet.point.clone()),
        keyed_by: Set(Some(by.0)),
        keyed_at: Set(now()),
        identity_hash: Set((!settled).then(|| sheet.identity_hash.clone())),
        content: Set((!settled).then_some(content)),
        status: Set(status.as_str().to_owned()),
        resolved_by: Set(None),
    }
    .insert(c)
    .await?;
    if !earlier.is_empty() {
        budget_paper_entries::Entity::update_many()
            .col_expr(
                budget_paper_entries::Column::Status,
                Expr::value(status.as_str()),
            )
            .col_expr(
                budget_paper_entries::Column::IdentityHash,
                if settled {
                    Expr::value(Option::<String>::None)
                } else {
                    Expr::col(budget_paper_entries::Column::IdentityHash)
                },
            )
            .col_expr(
                budget_paper_entries::Column::Content,
                if settled {
                    Expr::value(Option::<String>::None)
                } else {
                    Expr::col(budget_paper_entries::Column::Content)
                },
            )
            .col_expr(
                budget_paper_entries::Column::ResolvedBy,
                Expr::value(settled.then_some(by.0)),
            )
            .filter(budget_paper_entries::Column::EditionId.eq(edition))
            .filter(budget_paper_entries::Column::Sheet.eq(sheet.number.as_str()))
            .exec(c)
            .await?;
    }
    Ok(status)
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
pub async fn open_sheets(c: &impl ConnectionTrait, edition: Uuid) -> Result<Vec<OpenSheet>> {
    let rows = budget_paper_entries::Entity::find()
        .filter(budget_paper_entries::Column::EditionId.eq(edition))
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

/// Sheets settled so far: (counted, refused because the person had voted).
pub async fn settled_sheets(c: &impl ConnectionTrait, edition: Uuid) -> Result<(u64, u64)> {
    let rows: Vec<(String, i64)> = budget_paper_entries::Entity::find()
        .select_only()
        .column(budget_paper_entries::Column::Status)
        .column_as(
            Expr::col(budget_paper_entries::Column::Sheet).count_distinct(),
            "n",
        )
        .filter(budget_paper_entries::Column::EditionId.eq(edition))
        .group_by(budget_paper_entries::Column::Status)
        .into_tuple()
        .all(c)
        .await?;
    let get = |k: Keying| {
        rows.iter()
            .find(|(s, _)| s == k.as_str())
            .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0))
    };
    Ok((get(Keying::Counted), get(Keying::AlreadyVoted)))
}
