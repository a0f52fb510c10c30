//! Offset paging for admin lists and public pages: a 1-based page number and a page size
//! bounded so no request can ask for the whole table.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: u64,
    pub size: u64,
}

impl Page {
    pub const DEFAULT_SIZE: u64 = 25;
    pub const MAX_SIZE: u64 = 100;
    /// The highest page number asked for: lists count at most [`COUNT_CAP`] rows, so no
    /// page beyond this holds anything.
    pub const MAX_NUMBER: u64 = COUNT_CAP;

    /// Clamps whatever arrived in a query string into a valid page.
    pub fn new(number: Option<u64>, size: Option<u64>) -> Self {
        Self {
            number: number.unwrap_or(1).clamp(1, Self::MAX_NUMBER),
            size: size.unwrap_or(Self::DEFAULT_SIZE).clamp(1, Self::MAX_SIZE),
        }
    }

    pub fn first() -> Self {
        Self::new(None, None)
    }

    pub fn offset(self) -> u64 {
        (self.number - 1).saturating_mul(self.size)
    }
}

impl Default for Page {
    fn default() -> Self {
        Self::first()
    }
}

/// Lists count their matches only up to this many: counting a million rows to print a number
/// nobody pages through costs more than the page itself. Beyond it a list says "more than
/// 10,000" and offers the first 10,000; filters narrow it further.
pub const COUNT_CAP: u64 = 10_000;

#[derive(Debug, Clone, Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    /// All matches, or [`COUNT_CAP`] when `capped`.
    pub total: u64,
    /// There are more than [`COUNT_CAP`] matches.
    pub capped: bool,
    pub page: u64,
    pub size: u64,
}

impl<T> Paged<T> {
    /// Builds a page from rows and the (possibly capped) count [`fetch`] returned.
    pub fn new(items: Vec<T>, count: Count, page: Page) -> Self {
        Self {
            items,
            total: count.total,
            capped: count.capped,
            page: page.number,
            size: page.size,
        }
    }

    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.size).max(1)
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }

    pub fn has_prev(&self) -> bool {
        self.page > 1
    }
}

/// How many rows matched, up to [`COUNT_CAP`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub total: u64,
    pub capped: bool,
}

/// Runs `select` for one page and counts the matching rows up to [`COUNT_CAP`].
pub(crate) async fn fetch<E, C>(
    c: &C,
    select: sea_orm::Select<E>,
    page: Page,
) -> Result<(Vec<E::Model>, Count), sea_orm::DbErr>
where
    E: sea_orm::EntityTrait,
    E::Model: Sync,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::QuerySelect;
    let count = capped_count(c, select.clone()).await?;
    let items = select.offset(page.offset()).limit(page.size).all(c).await?;
    Ok((items, count))
}

/// `SELECT COUNT(*) FROM (SELECT 1 … LIMIT cap + 1)`: stops after the cap, and without the
/// ORDER BY the database may walk whichever index finds the rows fastest.
async fn capped_count<E, C>(c: &C, select: sea_orm::Select<E>) -> Result<Count, sea_orm::DbErr>
where
    E: sea_orm::EntityTrait,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::QueryTrait;
    use sea_orm::sea_query::{Alias, Expr, Query};
    let mut inner = select.into_query();
    inner
        .clear_order_by()
        .clear_selects()
        .expr(Expr::val(1))
        .limit(COUNT_CAP + 1);
    let outer = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_subquery(inner, Alias::new("capped"))
        .to_owned();
    let n: i64 = match c.query_one(&outer).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    let n = u64::try_from(n).unwrap_or(0);
    Ok(Count {
        total: n.min(COUNT_CAP),
        capped: n > COUNT_CAP,
    })
}

/// A `LIKE` pattern matching values that start with `prefix` literally.
pub(crate) fn starts_with_pattern(prefix: &str) -> sea_orm::sea_query::LikeExpr {
    let mut escaped = escape_like(prefix);
    escaped.push('%');
    sea_orm::sea_query::LikeExpr::new(escaped).escape('\\')
}

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 2);
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(ch);
    }
    escaped
}

/// A `LIKE` pattern matching values that contain `needle` literally: `%`, `_` and the escape
/// character typed by a user match themselves.
pub(crate) fn contains_pattern(needle: &str) -> sea_orm::sea_query::LikeExpr {
    let mut escaped = format!("%{}", escape_like(needle));
    escaped.push('%');
    sea_orm::sea_query::LikeExpr::new(escaped).escape('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_is_clamped_to_sane_bounds() {
        assert_eq!(Page::new(Some(0), Some(0)), Page { number: 1, size: 1 });
        assert_eq!(Page::new(None, Some(10_000)).size, Page::MAX_SIZE);
        assert_eq!(Page::new(Some(3), Some(10)).offset(), 20);
        assert_eq!(
            Page::new(Some(u64::MAX), Some(100)).offset(),
            (Page::MAX_NUMBER - 1) * 100
        );
    }

    #[test]
    fn pages_count_rounds_up() {
        let paged = Paged::<u8> {
            items: vec![],
            total: 51,
            capped: false,
            page: 1,
            size: 25,
        };
        assert_eq!(paged.pages(), 3);
        assert!(paged.has_next());
        assert!(!paged.has_prev());
        let empty = Paged::<u8> {
            items: vec![],
            total: 0,
            capped: false,
            page: 1,
            size: 25,
        };
        assert_eq!(empty.pages(), 1);
        assert!(!empty.has_next());
    }
}
