//! The database: migrations, entities, queries per area, the job queue and e-mail delivery.
//! Knows nothing of HTTP.
//!
//! One code path serves SQLite (default, zero setup) and PostgreSQL (scale-out): the engine is
//! chosen from the URL at run time. The few statements that must differ are marked
//! `ENGINE-SPECIFIC` where they live.

pub mod accounts;
pub mod api_clients;
pub mod api_tokens;
pub mod audit;
pub mod ballot_box;
pub mod budget;
pub mod clock;
pub mod consultations;
pub mod dialogue;
mod entities;
pub mod form_keys;
pub mod initiatives;
pub mod jobs;
pub mod mail;
mod migration;
pub mod notifications;
pub mod paging;
pub mod photos;
pub mod places;
pub mod rate_limit;
pub mod reference;
pub mod referenda;
pub mod reports;
pub mod requests;
pub mod routing;
pub mod sessions;
pub mod stats;
pub mod support_requests;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tokens;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{ConnectOptions, Database, DbBackend, SqliteTransactionMode, TransactionOptions};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

pub use paging::{Page, Paged};
pub use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, SqlErr, TransactionTrait,
};

/// A connection or transaction that can open a nested transaction (a savepoint), for writes
/// that may fail on a unique key without spoiling the caller's transaction.
pub trait Savepoints:
    ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>
{
}

impl<T: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>> Savepoints for T {}

/// Inserts the row `make` builds for the next free number of `column` (1, 2, 3…: a public
/// number in an address); two inserted at once take the next one after the unique key refuses
/// the second.
pub(crate) async fn insert_numbered<A, C>(
    c: &impl Savepoints,
    column: C,
    make: impl Fn(i32) -> A,
) -> Result<<A::Entity as sea_orm::EntityTrait>::Model, DbErr>
where
    A: sea_orm::ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
    <A::Entity as sea_orm::EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
    C: sea_orm::ColumnTrait,
{
    use sea_orm::{EntityTrait, QuerySelect};
    loop {
        let last: Option<i32> = A::Entity::find()
            .select_only()
            .column_as(column.max(), "n")
            .into_tuple()
            .one(c)
            .await?
            .flatten();
        let savepoint = c.begin().await?;
        match make(last.unwrap_or(0) + 1).insert(&savepoint).await {
            Ok(m) => {
                savepoint.commit().await?;
                return Ok(m);
            }
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                savepoint.rollback().await?;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Ends a savepoint: kept if `result` is Ok, rolled back otherwise.
pub(crate) async fn settle<T, E: From<DbErr>>(
    savepoint: DatabaseTransaction,
    result: Result<T, E>,
) -> Result<T, E> {
    match result {
        Ok(value) => {
            savepoint.commit().await?;
            Ok(value)
        }
        Err(e) => {
            savepoint.rollback().await?;
            Err(e)
        }
    }
}

/// Errors from the store that callers may want to tell apart. Anything else is a [`DbErr`].
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] DbErr),
    /// A stored value no longer parses (e.g. an unknown role name): data was edited by hand.
    #[error("corrupt row in {table}: {detail}")]
    Corrupt { table: &'static str, detail: String },
    /// The file store (photos) failed.
    #[error(transparent)]
    Files(#[from] crate::photos::FileStoreError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A database error described for the logs without any row value a driver message could
/// quote (an e-mail address in a unique-key message): the operation, the SQLSTATE code, the
/// constraint and table it names, or the kind of a connection-level failure.
pub fn describe_db_error(e: &DbErr) -> String {
    use sea_orm::RuntimeErr;
    let (operation, runtime) = match e {
        DbErr::Conn(r) => ("connection", Some(r)),
        DbErr::Exec(r) => ("statement", Some(r)),
        DbErr::Query(r) => ("query", Some(r)),
        DbErr::ConnectionAcquire(reason) => return format!("database: no connection ({reason})"),
        other => {
            return format!(
                "database: {}",
                other.to_string().chars().take(200).collect::<String>()
            );
        }
    };
    let detail = match runtime {
        Some(RuntimeErr::SqlxError(sqlx)) => match sqlx.as_database_error() {
            Some(db) => format!(
                "code {}, constraint {}, table {}",
                db.code().as_deref().unwrap_or("-"),
                db.constraint().unwrap_or("-"),
                db.table().unwrap_or("-")
            ),
            None => match sqlx.as_ref() {
                sea_orm::sqlx::Error::Io(io) => format!("i/o: {:?}", io.kind()),
                sea_orm::sqlx::Error::PoolTimedOut => "pool timed out".into(),
                sea_orm::sqlx::Error::PoolClosed => "pool closed".into(),
                sea_orm::sqlx::Error::ColumnDecode { index, .. } => {
                    format!("column {index} could not be decoded")
                }
                sea_orm::sqlx::Error::ColumnNotFound(name) => format!("no column {name}"),
                sea_orm::sqlx::Error::Protocol(_) => "protocol error".into(),
                sea_orm::sqlx::Error::Tls(_) => "TLS error".into(),
                sea_orm::sqlx::Error::WorkerCrashed => "driver worker crashed".into(),
                _ => "driver error".into(),
            },
        },
        Some(RuntimeErr::Internal(message)) => message.chars().take(200).collect(),
        None => String::new(),
    };
    format!("database {operation} failed: {detail}")
}

/// The default database: a file beside the working directory, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://miasto.db";

/// Which engine a URL selects.
pub fn engine_of(url: &str) -> Option<DbBackend> {
    if url.starts_with("sqlite:") {
        Some(DbBackend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some(DbBackend::Postgres)
    } else {
        None
    }
}

/// Connects to the database named by `url` (`sqlite://…` or `postgres://…`).
///
/// SQLite gets the pragmas every acknowledged write depends on: WAL (readers never block the
/// writer), `foreign_keys=ON`, `busy_timeout` (writers queue instead of failing) and
/// `synchronous=FULL` (a committed report or ballot survives a power cut); and a larger page
/// cache and memory-mapped reads for lists over a million rows ([`Workload::Serve`]). The
/// file is created if missing.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    open(url, None, Workload::Serve).await
}

/// What a process does with its connections; on SQLite it sets their memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// Serving requests: a 32 MiB page cache per connection and the file memory-mapped.
    Serve,
    /// Reading a large table once, start to end (an export): two connections with a 2 MiB
    /// page cache each and no memory map, so the process stays small however much it reads.
    Stream,
}

/// Like [`connect`], for the given workload.
pub async fn connect_for(url: &str, workload: Workload) -> Result<DatabaseConnection, DbErr> {
    open(url, None, workload).await
}

/// Like [`connect`], for PostgreSQL optionally inside a given schema (used by tests); the
/// connections then carry the schema's name as their `application_name`.
pub async fn connect_with(url: &str, pg_schema: Option<&str>) -> Result<DatabaseConnection, DbErr> {
    open(url, pg_schema, Workload::Serve).await
}

async fn open(
    url: &str,
    pg_schema: Option<&str>,
    workload: Workload,
) -> Result<DatabaseConnection, DbErr> {
    let engine = engine_of(url).ok_or_else(|| {
        DbErr::Custom("the database URL must start with sqlite:// or postgres://".into())
    })?;
    let mut options = ConnectOptions::new(url);
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30));
    match engine {
        DbBackend::Sqlite => {
            let (connections, cache, mmap) = match workload {
                // Reads at scale: a 32 MiB page cache per connection, and the file mapped
                // into memory so cold pages cost no read() call each.
                Workload::Serve => (8, "-32768", "1073741824"),
                Workload::Stream => (2, "-2048", "0"),
            };
            options
                .max_connections(connections)
                .min_connections(1)
                .map_sqlx_sqlite_opts(move |opts| {
                    use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
                    opts.create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Full)
                        .foreign_keys(true)
                        .busy_timeout(Duration::from_secs(10))
                        .pragma("cache_size", cache)
                        .pragma("mmap_size", mmap)
                        .pragma("temp_store", "memory")
                });
        }
        _ => {
            options.max_connections(16);
            options.set_application_name(pg_schema.unwrap_or("miasto"));
            if let Some(schema) = pg_schema {
                options.set_schema_search_path(schema);
            }
        }
    }
    Database::connect(options).await
}

/// Applies every pending migration. Run it from one process (`miasto migrate`, or `serve` on a
/// single node): the migrator takes no lock, so replicas starting together would race.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    migration::Migrator::up(db, None).await
}

/// Names of the migrations not yet applied.
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    Ok(migration::Migrator::get_pending_migrations(db)
        .await?
        .iter()
        .map(|m| m.name().to_owned())
        .collect())
}

/// Begins a transaction that will write. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`), so two writers queue on `busy_timeout` instead of one failing with
/// SQLITE_BUSY when it upgrades from reading; PostgreSQL ignores the option.
pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// The current time at the precision both engines store (microseconds), so that a value
/// read back equals the value written. The one clock: tests set it with [`clock::Clock`].
pub fn now() -> DateTime<Utc> {
    clock::read().trunc_subsecs(6)
}

/// Today in Kraków (the city's calendar: deadlines, the day a paper sheet was keyed).
pub fn today() -> chrono::NaiveDate {
    now().with_timezone(&chrono_tz::Europe::Warsaw).date_naive()
}

/// Refreshes the query planner's statistics where the data changed enough to matter (run by
/// the worker's housekeeping). SQLite: `PRAGMA optimize` over a sample of each index, so it
/// stays quick at any size; PostgreSQL's autovacuum does this by itself.
pub async fn optimize(db: &DatabaseConnection) -> Result<(), DbErr> {
    // ENGINE-SPECIFIC: SQLite keeps statistics only when asked.
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA analysis_limit = 1000")
            .await?;
        db.execute_unprepared("PRAGMA optimize = 0x10002").await?;
    }
    Ok(())
}

/// Checks the database answers (for `/healthz`).
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}

/// Hex encoding for tokens and hashes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// A new random secret token (256 bits, hex) and its SHA-256 (hex), which is what gets stored:
/// a leaked table gives nobody a working link or session.
pub(crate) fn new_token() -> (String, String) {
    let bytes: [u8; 32] = rand::random();
    let token = hex(&bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// A LIKE pattern matching text that contains `text` (lower-cased; LIKE's own wildcards in
/// what was typed are taken literally), for comparing with a lower-cased column.
pub(crate) fn containing(text: &str) -> sea_orm::sea_query::LikeExpr {
    let escaped: String = text
        .trim()
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

pub(crate) fn token_hash(token: &str) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(token.as_bytes()))
}
