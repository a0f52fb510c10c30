//! The citizens' budget votes into the ballot box too (issue 18: one secret vote, built once).
//! Its voters, envelopes, commission shares and paper keyings move from `budget_voters`,
//! `budget_envelopes`, `budget_key_shares` and `budget_paper_entries` into the `ballot_box_*`
//! tables under the edition's id, unchanged (the envelopes' signatures, the shares' seals and
//! the keyings' hashes are all scoped by that id already), and the old tables go.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (old column, new column) of a table.
type Columns = &'static [(&'static str, &'static str)];

/// (old table, new table, its columns).
const MOVES: [(&str, &str, Columns); 4] = [
    (
        "budget_voters",
        "ballot_box_voters",
        &[
            ("edition_id", "box_id"),
            ("identity_hash", "identity_hash"),
            ("user_id", "user_id"),
            ("alias", "alias"),
            ("voted_on", "voted_on"),
        ],
    ),
    (
        "budget_envelopes",
        "ballot_box_envelopes",
        &[
            ("id", "id"),
            ("edition_id", "box_id"),
            ("sealed", "sealed"),
            ("mac", "mac"),
        ],
    ),
    (
        "budget_key_shares",
        "ballot_box_shares",
        &[
            ("edition_id", "box_id"),
            ("number", "number"),
            ("member_id", "member_id"),
            ("fingerprint", "fingerprint"),
            ("wrapped", "wrapped"),
            ("collected_at", "collected_at"),
        ],
    ),
    (
        "budget_paper_entries",
        "ballot_box_paper",
        &[
            ("id", "id"),
            ("edition_id", "box_id"),
            ("sheet", "sheet"),
            ("point", "point"),
            ("keyed_by", "keyed_by"),
            ("keyed_at", "keyed_at"),
            ("identity_hash", "identity_hash"),
            ("content", "content"),
            ("status", "status"),
            ("resolved_by", "resolved_by"),
        ],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (from, to, columns) in MOVES {
            let select = Query::select()
                .columns(columns.iter().map(|(old, _)| Alias::new(*old)))
                .from(Alias::new(from))
                .to_owned();
            let insert = Query::insert()
                .into_table(Alias::new(to))
                .columns(columns.iter().map(|(_, new)| Alias::new(*new)))
                .select_from(select)
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned();
            m.exec_stmt(insert).await?;
            m.drop_table(Table::drop().table(Alias::new(from)).to_owned())
                .await?;
        }
        Ok(())
    }
}
