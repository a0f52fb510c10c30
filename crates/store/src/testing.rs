//! A fresh database for every test. With `MIASTO_TEST_DATABASE_URL` set to a PostgreSQL URL,
//! each test gets its own schema on that server (dropped afterwards); otherwise its own SQLite
//! file in a temporary directory. The whole suite thus runs on either engine unchanged.

#![expect(
    clippy::expect_used,
    reason = "test support: a broken fixture must fail the test at once"
)]

use crate::entities::{api_tokens, jobs, user_tokens};
use crate::reference::CityData;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
};

pub const TEST_DATABASE_ENV: &str = "MIASTO_TEST_DATABASE_URL";

pub struct TestDb {
    pub db: DatabaseConnection,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
}

impl TestDb {
    /// A migrated database with Kraków's reference data.
    pub async fn new() -> Self {
        let test_db = Self::empty().await;
        let city = CityData::krakow().expect("Kraków's reference data parses");
        crate::reference::load_if_empty(&test_db.db, &city)
            .await
            .expect("reference data loads");
        test_db
    }

    /// A migrated database with no reference data.
    pub async fn empty() -> Self {
        let test_db = Self::unmigrated().await;
        crate::migrate(&test_db.db).await.expect("migrations apply");
        test_db
    }

    /// A database with only the first `steps` migrations applied. The store's functions
    /// expect the latest schema, so tests write rows here as plain SQL, then check that they
    /// survive the later migrations (`crate::migrate`).
    pub async fn at_migration(steps: u32) -> Self {
        use sea_orm_migration::MigratorTrait;
        let test_db = Self::unmigrated().await;
        crate::migration::Migrator::up(&test_db.db, Some(steps))
            .await
            .expect("early migrations apply");
        test_db
    }

    /// The SQLite database file (None on PostgreSQL); its write-ahead log is beside it with
    /// `-wal` added.
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        self._dir.as_ref().map(|d| d.path().join("test.db"))
    }

    /// Inserts one row as plain SQL (see [`at_migration`](Self::at_migration)).
    pub async fn insert_row(&self, table: &str, row: Vec<(&str, sea_orm::Value)>) {
        use sea_orm::sea_query::{Alias, Query, SimpleExpr};
        let (columns, values): (Vec<_>, Vec<SimpleExpr>) = row
            .into_iter()
            .map(|(c, v)| (Alias::new(c), SimpleExpr::from(v)))
            .unzip();
        let stmt = Query::insert()
            .into_table(Alias::new(table))
            .columns(columns)
            .values_panic(values)
            .to_owned();
        self.db.execute(&stmt).await.expect("row inserted");
    }

    async fn unmigrated() -> Self {
        match std::env::var(TEST_DATABASE_ENV)
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(url) => Self::postgres(&url).await,
            None => Self::sqlite().await,
        }
    }

    async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let db = crate::connect(&url).await.expect("SQLite opens");
        Self {
            db,
            url,
            _dir: Some(dir),
            pg_schema: None,
        }
    }

    async fn postgres(url: &str) -> Self {
        let schema = format!("test_{}", uuid::Uuid::now_v7().simple());
        let admin = crate::connect(url).await.unwrap_or_else(|e| {
            panic!("{TEST_DATABASE_ENV} is set but PostgreSQL is not reachable at {url}: {e}")
        });
        admin
            .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
            .await
            .expect("test schema is created");
        admin.close().await.ok();
        let db = crate::connect_with(url, Some(&schema))
            .await
            .expect("PostgreSQL connects in the test schema");
        let url_with_schema = format!(
            "{url}{}options=-c%20search_path%3D{schema}",
            if url.contains('?') { '&' } else { '?' }
        );
        Self {
            db,
            url: url_with_schema,
            _dir: None,
            pg_schema: Some((url.to_owned(), schema)),
        }
    }

    pub fn engine(&self) -> DbBackend {
        self.db.get_database_backend()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((url, schema)) = self.pg_schema.take() else {
            return;
        };
        // Drop runs inside the test's runtime; clean up from a thread with its own.
        let cleanup = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(admin) = crate::connect(&url).await {
                    // The test's own pool may still hold a connection whose rollback is
                    // queued in a task of the (now blocked) test runtime; end those sessions
                    // so their locks go before the schema does.
                    let _ = admin
                        .execute_unprepared(&format!(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                             WHERE application_name = '{schema}' AND pid <> pg_backend_pid()"
                        ))
                        .await;
                    let _ = admin
                        .execute_unprepared(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                        .await;
                    let _ = admin.close().await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

/// Moves every token's expiry `by` into the past, as if time had passed.
pub async fn age_tokens(db: &DatabaseConnection, by: chrono::Duration) {
    let rows = user_tokens::Entity::find()
        .all(db)
        .await
        .expect("tokens load");
    for row in rows {
        user_tokens::Entity::update_many()
            .col_expr(
                user_tokens::Column::ExpiresAt,
                Expr::value(row.expires_at - by),
            )
            .filter(user_tokens::Column::Id.eq(row.id))
            .exec(db)
            .await
            .expect("token ages");
    }
}

/// What the API tokens table holds in place of each token (its hash).
pub async fn stored_api_tokens(db: &DatabaseConnection) -> Vec<String> {
    api_tokens::Entity::find()
        .all(db)
        .await
        .expect("api tokens load")
        .into_iter()
        .map(|t| t.token_hash)
        .collect()
}

/// The sealed contents of every ballot draft, as a backup would show them.
pub async fn stored_ballot_drafts(db: &DatabaseConnection) -> Vec<Vec<u8>> {
    crate::entities::ballot_drafts::Entity::find()
        .all(db)
        .await
        .expect("drafts load")
        .into_iter()
        .map(|d| d.sealed)
        .collect()
}

/// Changes a pool's ballot rule (`knapsack`, `cumulative:5:3`…), as an edition set up that
/// way would have it.
pub async fn set_pool_rule(db: &DatabaseConnection, pool: miasto_domain::PoolId, rule: &str) {
    crate::entities::budget_pools::Entity::update_many()
        .col_expr(
            crate::entities::budget_pools::Column::BallotRule,
            Expr::value(rule),
        )
        .filter(crate::entities::budget_pools::Column::Id.eq(pool.0))
        .exec(db)
        .await
        .expect("the pool's rule changes");
}

/// Moves every API token's last use and expiry `by` into the past, as if it lay unused.
pub async fn age_api_tokens(db: &DatabaseConnection, by: chrono::Duration) {
    for row in api_tokens::Entity::find()
        .all(db)
        .await
        .expect("api tokens load")
    {
        api_tokens::Entity::update_many()
            .col_expr(
                api_tokens::Column::LastUsedAt,
                Expr::value(row.last_used_at - by),
            )
            .col_expr(
                api_tokens::Column::ExpiresAt,
                Expr::value(row.expires_at - by),
            )
            .filter(api_tokens::Column::Id.eq(row.id))
            .exec(db)
            .await
            .expect("api token ages");
    }
}

/// Makes every queued job due now (skipping retry back-off).
pub async fn make_jobs_due(db: &DatabaseConnection) {
    jobs::Entity::update_many()
        .col_expr(jobs::Column::RunAt, Expr::value(crate::now()))
        .filter(jobs::Column::State.eq("queued"))
        .exec(db)
        .await
        .expect("jobs become due");
}

/// A worker that delivers e-mail into the outbox.
pub fn outbox_worker(db: &DatabaseConnection) -> crate::jobs::Worker {
    let mailer =
        crate::mail::Mailer::outbox("Wspólne Miasto <no-reply@miasto.test>").expect("valid sender");
    crate::jobs::Worker::new(
        db.clone(),
        std::sync::Arc::new(mailer),
        crate::jobs::Signal::default(),
    )
}

/// A plain JPEG of `width` × `height` pixels.
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, _| {
        image::Rgb([(x * 7 % 255) as u8, 120, 40])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .expect("an in-memory JPEG encodes");
    out
}

/// Adds an APP1 EXIF segment (big-endian TIFF) with an orientation tag and a GPS position,
/// inserted right after the JPEG's start-of-image marker.
pub fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    // IFD0: 2 entries (orientation, GPS IFD pointer), then next-IFD = 0.
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    let gps_ifd_offset: u32 = 8 + 2 + 2 * 12 + 4;
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1]);
    tiff.extend_from_slice(&gps_ifd_offset.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    // GPS IFD: latitude ref 'N' and latitude 50/1, 3/1, 42/1.
    let data_offset: u32 = gps_ifd_offset + 2 + 2 * 12 + 4;
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3]);
    tiff.extend_from_slice(&data_offset.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    for (num, den) in [(50u32, 1u32), (3, 1), (42, 1)] {
        tiff.extend_from_slice(&num.to_be_bytes());
        tiff.extend_from_slice(&den.to_be_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(
        &u16::try_from(app1.len() + 2)
            .expect("a short segment")
            .to_be_bytes(),
    );
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

pub fn has_exif(bytes: &[u8]) -> bool {
    bytes.windows(6).any(|w| w == b"Exif\0\0") || bytes.windows(2).any(|w| w == [0xFF, 0xE1])
}

/// Bulk-loads `count` reports of `category` for `unit`, numbered 1… in `year`, one a second
/// from 30 days ago; every third is solved, the rest new. For tests of lists at scale.
pub async fn seed_reports(
    db: &DatabaseConnection,
    category: &crate::reference::Category,
    unit: miasto_domain::UnitId,
    year: i32,
    count: u32,
) {
    use crate::reports::{self, SeedReport};
    use miasto_domain::reports::{Channel, Status, TrackingNumber};
    let start = chrono::Utc::now() - chrono::Duration::days(30);
    let mut seq = 0u32;
    while seq < count {
        let batch: Vec<SeedReport> = (seq + 1..=count.min(seq + 500))
            .map(|n| {
                let created_at = start + chrono::Duration::seconds(i64::from(n));
                let status = if n % 3 == 0 {
                    Status::Solved
                } else {
                    Status::New
                };
                SeedReport {
                    id: miasto_domain::ReportId::new(),
                    number: TrackingNumber { year, seq: n },
                    kind: category.kind,
                    category: category.id,
                    status,
                    unit,
                    district: None,
                    point: None,
                    address: Some("Rynek Główny 1".into()),
                    description: "Nie świeci latarnia".into(),
                    channel: Channel::Phone,
                    contact_email: None,
                    created_at,
                    status_at: created_at,
                    closed_at: status.is_closed().then_some(created_at),
                    answer: None,
                }
            })
            .collect();
        seq += u32::try_from(batch.len()).unwrap_or(u32::MAX);
        let tx = crate::begin(db).await.expect("transaction");
        reports::insert_seeded(&tx, &batch)
            .await
            .expect("reports load");
        reports::raise_counter(&tx, year, seq)
            .await
            .expect("counter moves");
        tx.commit().await.expect("commit");
    }
}

/// The server secret test fixtures use for identity hashes, envelope signatures and shares
/// (the web harness configures the same).
pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret";

/// A citizens' budget edition made for a test.
pub struct BudgetFixture {
    pub edition: crate::budget::Edition,
    pub pools: Vec<crate::budget::Pool>,
    /// Each pool's projects, in pool order.
    pub projects: Vec<Vec<crate::budget::Project>>,
    /// The commission's three shares (two open the key), as their members would type them.
    pub shares: Vec<String>,
}

impl BudgetFixture {
    /// Two of the shares: enough to open the envelopes.
    pub fn enough_shares(&self) -> Vec<&str> {
        self.shares[..2].iter().map(String::as_str).collect()
    }
}

/// A citizens' budget edition for tests: a city-wide pool (100,000 zł, five projects) and
/// two district pools (the first and fifth districts, 40,000 zł and four projects each), all
/// with Kraków's ranked ballot and every project accepted, and a commission of three members
/// without accounts, two of whom open the key. Voting is open now when `voting_open`, else it
/// closed yesterday (by the store's clock).
pub async fn budget_edition(
    db: &DatabaseConnection,
    slug: &str,
    voting_open: bool,
) -> BudgetFixture {
    use crate::budget::{
        self, Commission, CostItem, NewEdition, NewPool, NewProject, ProjectStatus,
    };
    use miasto_domain::budget::{BallotRule, Counting, Schedule};
    let day = chrono::Duration::days(1);
    let now = crate::now();
    let voting = if voting_open {
        (now - day, now + day * 7)
    } else {
        (now - day * 8, now - day)
    };
    let schedule = Schedule::new(
        (voting.0 - day * 90, voting.0 - day * 60),
        (voting.0 - day * 30, voting.0 - day * 20),
        voting,
    )
    .expect("a valid schedule");
    let districts = crate::reference::list_districts(db)
        .await
        .expect("districts load");
    let pool = |code: &str, district: Option<&crate::reference::District>, budget: i64| NewPool {
        code: code.to_owned(),
        district: district.map(|d| d.id),
        name_pl: district.map_or("Projekty ogólnomiejskie".to_owned(), |d| d.name.clone()),
        name_en: district.map_or("City-wide projects".to_owned(), |d| d.name.clone()),
        budget: budget * 100,
        min_cost: 1_000 * 100,
        max_cost: None,
        rule: BallotRule::default(),
        counting: Counting::Greedy,
    };
    let new = NewEdition {
        slug: slug.to_owned(),
        name_pl: format!("Budżet obywatelski {slug}"),
        name_en: format!("Citizens' budget {slug}"),
        schedule,
        min_age: None,
        allow_without_pesel: true,
        results_due: None,
        pools: vec![
            pool("city", None, 100_000),
            pool("d1", districts.first(), 40_000),
            pool("d5", districts.get(4), 40_000),
        ],
        commission: Commission {
            members: vec![None; 3],
            threshold: 2,
        },
    };
    let (edition, shares) = budget::create_edition(db, &new, None, TEST_SECRET.as_bytes())
        .await
        .expect("the edition is created");
    let pools = budget::pools(db, edition.id).await.expect("pools load");
    let mut projects = Vec::new();
    for (p, pool) in pools.iter().enumerate() {
        let count = if p == 0 { 5 } else { 4 };
        let mut list = Vec::new();
        for i in 0..count {
            let amount = (20_000 + 10_000 * i64::from(i)) * 100;
            let project = NewProject {
                pool: pool.id,
                code: None,
                author: None,
                title: format!("Projekt {} nr {}", pool.code, i + 1),
                summary: "Krótki opis projektu dla mieszkańców.".into(),
                description: "Pełny opis projektu.".into(),
                location: "Kraków".into(),
                point: None,
                category: "greenery".into(),
                items: vec![CostItem {
                    description: "Wykonanie".into(),
                    amount,
                }],
                status: ProjectStatus::Accepted,
            };
            list.push(
                budget::import_project(db, &edition, &project)
                    .await
                    .expect("a project is added"),
            );
        }
        projects.push(list);
    }
    BudgetFixture {
        edition,
        pools,
        projects,
        shares: shares.iter().map(|s| s.to_text()).collect(),
    }
}
