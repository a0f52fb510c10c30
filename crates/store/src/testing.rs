//! A fresh database for every test. With `MIASTO_TEST_DATABASE_URL` set to a PostgreSQL URL,
//! each test gets its own schema on that server (dropped afterwards); otherwise its own SQLite
//! file in a temporary directory. The whole suite thus runs on either engine unchanged.

#![expect(
    clippy::expect_used,
    reason = "test support: a broken fixture must fail the test at once"
)]

use crate::entities::{jobs, user_tokens};
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
        let test_db = match std::env::var(TEST_DATABASE_ENV)
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(url) => Self::postgres(&url).await,
            None => Self::sqlite().await,
        };
        crate::migrate(&test_db.db).await.expect("migrations apply");
        test_db
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
