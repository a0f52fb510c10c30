//! `miasto`: the one binary of Wspólne Miasto. Every command (`tests/cli.rs` checks this list
//! against the commands the binary has):
//!
//! - `miasto serve` – the web platform (with the job worker in-process unless told otherwise)
//! - `miasto worker` – only the job worker (for separate worker nodes)
//! - `miasto migrate` – apply migrations and load the city's reference data
//! - `miasto admin create-user` – create an account with any role (the first admin)
//! - `miasto admin api-key create` / `list` / `revoke` – keys of Open311 and API clients
//! - `miasto demo seed` – realistic contact-centre reports for demos and benchmarks
//! - `miasto demo dialogue` – the mayor's "Ławka dialogu" meetings with questions and answers
//! - `miasto demo initiatives` – a year of local initiatives (pool, applications, realised)
//! - `miasto demo referendum` – a district referendum voted and counted, and one coming
//! - `miasto opendata export` – write an open dataset as the `/opendata` downloads do
//! - `miasto bench stats` / `budget` / `ballots` / `reports` / `consultations` / `analysis` – benchmarks
//!   that print figures
//! - `miasto budget count FILE.pb` – count a participatory-budget vote (Pabulib format)
//! - `miasto budget demo` – a demo edition from Kraków's real projects and votes
//! - `miasto budget open` – open an edition's sealed ballots with the commission's shares
//! - `miasto consult demo` – a realistic consultation (draft in two versions, survey, comments)
//! - `miasto consult weigh` – survey weighting (raking) on its own, for analysts and checks
//! - `miasto analyse comments` / `votes` – the consultation algorithm on files (near-duplicate
//!   and topic groups; opinion groups as Pol.is computes them)
//! - `miasto analyse generate comments` / `votes` – labelled sets for checks and benchmarks

#![expect(
    clippy::print_stdout,
    reason = "a command-line tool prints its results"
)]

mod admin;
mod analyse;
mod bench;
mod bench_analysis;
mod bench_ballots;
mod bench_budget;
mod bench_consultations;
mod budget;
mod budget_demo;
mod config;
mod consult_demo;
mod consult_weigh;
mod demo;
mod dialogue_demo;
mod initiatives_demo;
mod opendata;
mod referendum_demo;
mod serve;

use clap::{Args, Parser, Subcommand};
use config::{Config, LogFormat, Overrides};
use miasto_store::reference::CityData;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "miasto",
    version,
    about = "Wspólne Miasto: civic participation and city contact platform"
)]
struct Cli {
    /// TOML configuration file (optional).
    #[arg(long, env = "MIASTO_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Default)]
struct DbArgs {
    /// Database URL: sqlite://miasto.db (default) or postgres://user@host/db.
    #[arg(long, env = "MIASTO_DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web platform.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        /// Address to listen on [default: 127.0.0.1:8080].
        #[arg(long, env = "MIASTO_BIND")]
        bind: Option<SocketAddr>,
        /// Do not run the job worker in this process (run `miasto worker` elsewhere).
        #[arg(long)]
        without_worker: bool,
        /// Do not apply migrations at start-up (run `miasto migrate` once instead; use this
        /// when several nodes start together).
        #[arg(long)]
        skip_migrations: bool,
    },
    /// Run only the background job worker.
    Worker {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Apply database migrations and load the city's reference data into an empty database.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Administrative tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Demo data.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Open data exports.
    #[command(subcommand)]
    Opendata(OpendataCommand),
    /// Benchmarks that print their figures (see docs/performance.md).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Citizens' budget tools.
    #[command(subcommand)]
    Budget(BudgetCommand),
    /// Public consultation tools.
    #[command(subcommand)]
    Consult(ConsultCommand),
    /// The consultation algorithm on files (docs/analysis.md).
    #[command(subcommand)]
    Analyse(AnalyseCommand),
}

#[derive(Subcommand)]
enum AnalyseCommand {
    /// Near-duplicate and topic groups of comments. FILE.csv: a header with `id` and `text`
    /// (other columns ignored), UTF-8.
    Comments {
        file: PathBuf,
        /// `groups` (CSV, one line per group), `json`, or `assignments`
        /// (`comment_id,duplicate_group,topic_group` per comment, in input order).
        #[arg(long, default_value = "groups")]
        format: String,
        /// Near-duplicates from this estimated similarity (0–1).
        #[arg(long, default_value_t = miasto_analysis::duplicates::DEFAULT_THRESHOLD)]
        threshold: f64,
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Opinion groups on statements, as Pol.is computes them. FILE.csv:
    /// `participant,statement,vote` (1 agree, -1 disagree, 0 pass) or Pol.is's open-data
    /// `votes.csv` as it is.
    Votes {
        file: PathBuf,
        /// Pol.is's `comments.csv`: moderated-out statements are left out as Pol.is does.
        #[arg(long)]
        statements: Option<PathBuf>,
        /// `json` or `assignments` (`participant,group` per participant).
        #[arg(long, default_value = "json")]
        format: String,
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Labelled sets for the quality checks and the benchmarks.
    #[command(subcommand)]
    Generate(GenerateCommand),
}

#[derive(Subcommand)]
enum GenerateCommand {
    /// Polish comments (campaign copies, points in other words, unrelated), as
    /// `id,text,campaign,topic`.
    Comments {
        #[arg(long, default_value_t = 3000)]
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Votes with planted opinion groups, as `participant,statement,vote`.
    Votes {
        #[arg(long, default_value_t = 600)]
        participants: usize,
        #[arg(long, default_value_t = 60)]
        statements: usize,
        /// Votes per participant, on average.
        #[arg(long, default_value_t = 25)]
        votes_each: usize,
        #[arg(long, default_value_t = 3)]
        groups: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write each participant's planted group here (`participant,group`).
        #[arg(long)]
        truth: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ConsultCommand {
    /// Create a realistic consultation to try the pages: a draft resolution in two versions,
    /// a survey with every kind of question, comments from every channel, survey responses.
    Demo {
        #[command(flatten)]
        db: DbArgs,
        /// `open`: residents take part now; `analysis`: closed three days ago, the comments
        /// wait for answers.
        #[arg(long, default_value = "open")]
        phase: String,
        /// How many comments to add.
        #[arg(long, default_value_t = 40)]
        comments: usize,
        /// How many survey responses to add.
        #[arg(long, default_value_t = 300)]
        responses: usize,
        /// Make the first comment this account's (to see its answer in "My city").
        #[arg(long)]
        resident: Option<String>,
        /// Also add this many copies of one letter (a campaign), with the edits people
        /// make, for the consultation algorithm's groups.
        #[arg(long, default_value_t = 0)]
        campaign: usize,
    },
    /// Weight survey responses to population margins by raking: CELLS.csv
    /// (`district,age,sex,count`) and MARGINS.json (`{"district":{…},"age":{…},"sex":{…}}`);
    /// prints each cell's weight as CSV.
    Weigh {
        /// Responses per demographic cell.
        cells: PathBuf,
        /// The population per category.
        margins: PathBuf,
    },
}

#[derive(Subcommand)]
enum BudgetCommand {
    /// Count a vote from a Pabulib .pb file: prints the funded project ids, one per line,
    /// sorted by code point.
    Count {
        /// The .pb file.
        file: PathBuf,
        /// `greedy` (by score: approvals, 3/2/1 points for ordinal ballots, points for
        /// cumulative ones), `mes-cost` or `mes-approval` (Method of Equal Shares).
        #[arg(long, default_value = "greedy")]
        rule: String,
        /// For equal shares: `add1` (raise each voter's share by one unit while the outcome
        /// fits) or `greedy` (fund what still fits, by votes).
        #[arg(long)]
        completion: Option<String>,
        /// Ties: `cheaper` (then more voters, then id), `votes` (then cheaper, then id) or
        /// `id`.
        #[arg(long, default_value = "cheaper")]
        tie: String,
        /// Count with this budget instead of the file's.
        #[arg(long)]
        budget: Option<String>,
        /// Projects chosen by fewer voters are not funded [default: the file's
        /// `min_project_score_threshold`, else 0].
        #[arg(long)]
        min_votes: Option<u64>,
        /// Mutually exclusive projects, as `ID,ID,…` (repeatable): at most one is funded.
        #[arg(long)]
        exclusive: Vec<String>,
        /// Print each round to standard error.
        #[arg(long)]
        explain: bool,
    },
    /// Create a demo edition from Kraków's real projects and votes in data/pabulib/: the
    /// city-wide pool of 2024 and six district pools.
    Demo {
        #[command(flatten)]
        db: DbArgs,
        /// The edition's address: /budget/<slug>.
        #[arg(long, default_value = "demo")]
        slug: String,
        /// `verification`: projects waiting for the units' verification; `voting`: voting
        /// open now; `counting`: the files' real ballots cast and sealed,
        /// voting closed; `results`: as counting, then opened with the commission's shares,
        /// counted and published.
        #[arg(long, default_value = "voting")]
        phase: String,
        /// Where the Pabulib files are.
        #[arg(long, default_value = "data/pabulib")]
        data: PathBuf,
        /// Cast at most this many of the files' ballots (counting and results; the first of
        /// each file in turn), for a quick try. All of them by default.
        #[arg(long)]
        ballots: Option<usize>,
    },
    /// Open an edition's sealed ballots with the counting commission's shares and count them,
    /// once voting has closed (offline counting, on a machine with the database). Publishing
    /// stays an official's step on the staff page.
    Open {
        #[command(flatten)]
        db: DbArgs,
        /// The edition's address: /budget/<slug>.
        #[arg(long)]
        slug: String,
        /// A file holding one share (as downloaded); repeat for each. Without any, shares
        /// are read from standard input, one per line.
        #[arg(long = "share-file")]
        share_files: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum OpendataCommand {
    /// Write a dataset to a file (or standard output), as the /opendata downloads do.
    Export {
        #[command(flatten)]
        db: DbArgs,
        /// `reports` or `daily`.
        dataset: String,
        /// `csv`, `json` or `geojson` (reports only).
        #[arg(long, default_value = "csv")]
        format: String,
        /// The file to write; standard output if absent.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// First day, as 2025-01-01.
        #[arg(long)]
        from: Option<String>,
        /// Last day, included.
        #[arg(long)]
        to: Option<String>,
        /// `problem` or `idea`.
        #[arg(long)]
        kind: Option<String>,
        /// A category code.
        #[arg(long)]
        category: Option<String>,
        /// A district number.
        #[arg(long)]
        district: Option<String>,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Add realistic contact-centre reports (the city's published shares, Kraków places).
    Seed {
        #[command(flatten)]
        db: DbArgs,
        /// How many reports to add.
        #[arg(long, default_value_t = 1000)]
        reports: u64,
        /// Spread over this many past days.
        #[arg(long, default_value_t = 730)]
        days: i64,
        /// Random seed: the same seed gives the same data.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// The mayor's "Ławka dialogu": the 26 meetings the city lists, with invented but
    /// plausible questions answered by the city's units, and a coming meeting open for
    /// questions.
    Dialogue {
        #[command(flatten)]
        db: DbArgs,
    },
    /// A year of local initiatives as Kraków reported 2025: a pool of almost half a million
    /// złoty, 61 applications, 40 accepted (realised by their dates), the rest refused.
    Initiatives {
        #[command(flatten)]
        db: DbArgs,
    },
    /// A district referendum held in 2025 (district VIII: questions, commission, ballots
    /// online and on paper, counted with the commission's shares) and one announced for the
    /// coming weeks.
    Referendum {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// The consultation algorithm: 62,000 comments grouped, 1,000,000 in memory, and
    /// opinion groups on 100,000 participants × 1,000 statements.
    Analysis {
        #[arg(long, default_value_t = 62_000)]
        comments: usize,
        /// Comments for the memory figure (0: skip).
        #[arg(long, default_value_t = 1_000_000)]
        large: usize,
        #[arg(long, default_value_t = 100_000)]
        participants: usize,
        #[arg(long, default_value_t = 1_000)]
        statements: usize,
        /// Votes per participant, on average.
        #[arg(long, default_value_t = 50)]
        votes_each: usize,
        /// Runs per figure (the best is shown).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Also write the comments here, as `id,text` CSV (for the baseline).
        #[arg(long)]
        write_comments: Option<PathBuf>,
    },
    /// The public statistics ("KCK in numbers") over many reports.
    Stats {
        /// Defaults to a separate file, `sqlite://bench-stats.db`, kept between runs.
        #[arg(
            long,
            env = "MIASTO_BENCH_DATABASE_URL",
            default_value = "sqlite://bench-stats.db"
        )]
        database_url: String,
        /// Reports in the database (seeded once, up to this many).
        #[arg(long, default_value_t = 10_000_000)]
        reports: u64,
        /// Requests measured per page kind.
        #[arg(long, default_value_t = 100)]
        requests: usize,
    },
    /// Counting a citizens' budget vote: Kraków 2024 and a large random instance.
    Budget {
        /// The real vote to time.
        #[arg(long, default_value = "data/pabulib/Poland_Krakow_2024.pb")]
        file: PathBuf,
        /// Voters in the random approval instance.
        #[arg(long, default_value_t = 1_000_000)]
        voters: usize,
        /// Projects in the random approval instance.
        #[arg(long, default_value_t = 200)]
        projects: usize,
        /// Runs per rule (the best is shown).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Also write the random instance here, as a .pb file (for pabutools).
        #[arg(long)]
        write_random: Option<PathBuf>,
    },
    /// The secret ballot: sealing a vote, storing it, and opening and counting a whole
    /// edition (Kraków's 86,998 real ballots) with the commission's shares.
    Ballots {
        /// Defaults to a fresh SQLite file in a temporary directory.
        #[arg(long, env = "MIASTO_BENCH_DATABASE_URL")]
        database_url: Option<String>,
        /// Where the Pabulib files are.
        #[arg(long, default_value = "data/pabulib")]
        data: PathBuf,
        /// Ballots sealed and opened alone, to time one.
        #[arg(long, default_value_t = 10_000)]
        seals: usize,
    },
    /// The contact centre: list, queue and report page latency; intake throughput.
    Reports {
        /// Defaults to a separate file, `sqlite://bench-reports.db`, kept between runs.
        #[arg(
            long,
            env = "MIASTO_BENCH_DATABASE_URL",
            default_value = "sqlite://bench-reports.db"
        )]
        database_url: String,
        /// Reports in the database (seeded once, up to this many).
        #[arg(long, default_value_t = 1_000_000)]
        reports: u64,
        /// Requests measured per page kind (0 skips the pages).
        #[arg(long, default_value_t = 300)]
        requests: usize,
        /// How long to measure intake, in seconds (0 skips it).
        #[arg(long, default_value_t = 10)]
        intake_seconds: u64,
        /// Concurrent clients sending reports.
        #[arg(long, default_value_t = 32)]
        clients: usize,
    },
    /// A consultation the size of Kraków's busiest: the survey results, the comment list and
    /// the report's pages, and the report's downloads streamed.
    Consultations {
        /// Defaults to a separate file, `sqlite://bench-consultations.db`, kept between runs.
        #[arg(
            long,
            env = "MIASTO_BENCH_DATABASE_URL",
            default_value = "sqlite://bench-consultations.db"
        )]
        database_url: String,
        /// Comments in the consultation (built once).
        #[arg(long, default_value_t = 62_000)]
        comments: usize,
        /// Survey responses (built once).
        #[arg(long, default_value_t = 250_000)]
        responses: usize,
        /// Requests measured per page kind.
        #[arg(long, default_value_t = 200)]
        requests: usize,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account with a role; the e-mail address counts as confirmed.
    CreateUser {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
        /// resident, operator, unit_staff, official, moderator or admin.
        #[arg(long, default_value = "resident")]
        role: String,
        /// The unit's code (e.g. ZDMK); required for unit_staff.
        #[arg(long)]
        unit: Option<String>,
        /// Read the password from the first line of standard input instead of a prompt.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Keys of client applications for Open311 and the API.
    #[command(subcommand)]
    ApiKey(ApiKeyCommand),
}

#[derive(Subcommand)]
enum ApiKeyCommand {
    /// Issue a key for a client application; the key is printed as the last line, once.
    Create {
        #[command(flatten)]
        db: DbArgs,
        /// The application's name, unique (e.g. "mKraków" or "ZDMK back-office").
        #[arg(long)]
        name: String,
        /// Requests per hour the key may make.
        #[arg(long, default_value_t = miasto_store::api_clients::DEFAULT_RATE_LIMIT_PER_HOUR)]
        rate_limit: u32,
    },
    /// List client applications with their usage.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke a client's key at once.
    Revoke {
        #[command(flatten)]
        db: DbArgs,
        /// The client's name.
        #[arg(long)]
        name: String,
    },
}

fn init_tracing(format: LogFormat, quiet: bool) {
    use tracing_subscriber::EnvFilter;
    // Benchmarks log only problems: a line per request would measure the terminal.
    let default = if quiet {
        "warn"
    } else {
        "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

fn city_data(config: &Config) -> anyhow::Result<CityData> {
    Ok(match &config.city_dir {
        Some(dir) => CityData::from_dir(dir)?,
        None => CityData::krakow()?,
    })
}

/// Connects, migrates (unless told not to) and loads the city's reference data if the
/// database has none.
async fn prepare_database(
    config: &Config,
    migrate: bool,
) -> anyhow::Result<(miasto_store::DatabaseConnection, CityData)> {
    prepare_database_for(config, migrate, miasto_store::Workload::Serve).await
}

/// Like [`prepare_database`], with connections sized for the workload.
async fn prepare_database_for(
    config: &Config,
    migrate: bool,
    workload: miasto_store::Workload,
) -> anyhow::Result<(miasto_store::DatabaseConnection, CityData)> {
    let db = miasto_store::connect_for(&config.database_url, workload)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot open the database {}: {e}",
                config::redact_url(&config.database_url)
            )
        })?;
    if migrate {
        miasto_store::migrate(&db).await?;
    } else if !miasto_store::pending_migrations(&db).await?.is_empty() {
        anyhow::bail!("the database needs migrations: run `miasto migrate` first");
    }
    let city = city_data(config)?;
    if miasto_store::reference::load_if_empty(&db, &city).await? {
        tracing::info!(city = %city.info.name, districts = city.district_count(), "reference data loaded");
    }
    if miasto_store::stats::rebuild_if_empty(&db).await? {
        tracing::info!("statistics counted from the existing reports");
    }
    if let Some(fallback) =
        miasto_store::reference::find_unit_by_code(&db, &city.info.default_unit).await?
    {
        let added = miasto_store::routing::ensure_defaults(&db, fallback.id).await?;
        if added > 0 {
            tracing::info!(categories = added, unit = %city.info.default_unit, "unrouted categories given the default unit");
        }
    }
    Ok((db, city))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let overrides = match &cli.command {
        Command::Serve { db, bind, .. } => Overrides {
            database_url: db.database_url.clone(),
            bind: *bind,
        },
        Command::Worker { db }
        | Command::Migrate { db }
        | Command::Admin(AdminCommand::CreateUser { db, .. })
        | Command::Admin(AdminCommand::ApiKey(
            ApiKeyCommand::Create { db, .. }
            | ApiKeyCommand::List { db }
            | ApiKeyCommand::Revoke { db, .. },
        ))
        | Command::Demo(
            DemoCommand::Seed { db, .. }
            | DemoCommand::Dialogue { db }
            | DemoCommand::Initiatives { db }
            | DemoCommand::Referendum { db },
        )
        | Command::Budget(BudgetCommand::Demo { db, .. } | BudgetCommand::Open { db, .. })
        | Command::Consult(ConsultCommand::Demo { db, .. })
        | Command::Opendata(OpendataCommand::Export { db, .. }) => Overrides {
            database_url: db.database_url.clone(),
            bind: None,
        },
        Command::Bench(
            BenchCommand::Reports { database_url, .. }
            | BenchCommand::Stats { database_url, .. }
            | BenchCommand::Consultations { database_url, .. },
        ) => Overrides {
            database_url: Some(database_url.clone()),
            bind: None,
        },
        Command::Budget(BudgetCommand::Count { .. })
        | Command::Consult(ConsultCommand::Weigh { .. })
        | Command::Analyse(_)
        | Command::Bench(
            BenchCommand::Budget { .. }
            | BenchCommand::Ballots { .. }
            | BenchCommand::Analysis { .. },
        ) => Overrides::default(),
    };
    let config = match Config::load(cli.config.as_deref(), overrides) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("miasto: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(config.log_format, matches!(cli.command, Command::Bench(_)));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("miasto: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve {
                without_worker,
                skip_migrations,
                ..
            } => serve::serve(&config, !without_worker, !skip_migrations).await,
            Command::Worker { .. } => serve::worker(&config).await,
            Command::Migrate { .. } => {
                let (db, _) = prepare_database(&config, true).await?;
                let districts = miasto_store::reference::list_districts(&db).await?.len();
                println!("Database is up to date ({districts} districts).");
                Ok(())
            }
            Command::Admin(AdminCommand::CreateUser {
                email,
                role,
                unit,
                password_stdin,
                ..
            }) => admin::create_user(&config, &email, &role, unit.as_deref(), password_stdin).await,
            Command::Admin(AdminCommand::ApiKey(command)) => match command {
                ApiKeyCommand::Create {
                    name, rate_limit, ..
                } => admin::create_api_key(&config, &name, rate_limit).await,
                ApiKeyCommand::List { .. } => admin::list_api_keys(&config).await,
                ApiKeyCommand::Revoke { name, .. } => admin::revoke_api_key(&config, &name).await,
            },
            Command::Demo(DemoCommand::Seed {
                reports,
                days,
                seed,
                ..
            }) => {
                let (db, _) = prepare_database(&config, true).await?;
                demo::seed(&db, reports, days, seed).await?;
                println!("Added {reports} demo reports.");
                Ok(())
            }
            Command::Demo(DemoCommand::Initiatives { .. }) => {
                let (db, _) = prepare_database(&config, true).await?;
                initiatives_demo::create(&db).await
            }
            Command::Demo(DemoCommand::Referendum { .. }) => {
                let (db, _) = prepare_database(&config, true).await?;
                referendum_demo::create(&db, config.secret().as_bytes()).await
            }
            Command::Demo(DemoCommand::Dialogue { .. }) => {
                let (db, _) = prepare_database(&config, true).await?;
                dialogue_demo::create(&db).await
            }
            Command::Opendata(OpendataCommand::Export {
                dataset,
                format,
                output,
                from,
                to,
                kind,
                category,
                district,
                ..
            }) => {
                let query = miasto_web::opendata::SelectionQuery {
                    from: from.unwrap_or_default(),
                    to: to.unwrap_or_default(),
                    kind: kind.unwrap_or_default(),
                    category: category.unwrap_or_default(),
                    district: district.unwrap_or_default(),
                };
                opendata::export(&config, &dataset, &format, output.as_deref(), &query).await
            }
            Command::Budget(BudgetCommand::Count {
                file,
                rule,
                completion,
                tie,
                budget,
                min_votes,
                exclusive,
                explain,
            }) => budget::count(&budget::CountArgs {
                file: &file,
                rule: &rule,
                completion: completion.as_deref(),
                tie: &tie,
                budget: budget.as_deref(),
                min_votes,
                exclusive: &exclusive,
                explain,
            }),
            Command::Budget(BudgetCommand::Demo {
                slug,
                phase,
                data,
                ballots,
                ..
            }) => {
                let phase = budget_demo::Phase::parse(&phase)?;
                let (db, _) = prepare_database(&config, true).await?;
                let secret = config.secret();
                budget_demo::create(&db, secret.as_bytes(), &slug, phase, &data, ballots).await
            }
            Command::Consult(ConsultCommand::Weigh { cells, margins }) => {
                consult_weigh::weigh(&cells, &margins)
            }
            Command::Analyse(AnalyseCommand::Comments {
                file,
                format,
                threshold,
                seed,
            }) => analyse::comments(
                &file,
                analyse::CommentsFormat::parse(&format)?,
                threshold,
                seed,
            ),
            Command::Analyse(AnalyseCommand::Votes {
                file,
                statements,
                format,
                seed,
            }) => analyse::votes(
                &file,
                statements.as_deref(),
                analyse::VotesFormat::parse(&format)?,
                seed,
            ),
            Command::Analyse(AnalyseCommand::Generate(GenerateCommand::Comments {
                count,
                seed,
            })) => analyse::generate_comments(count, seed),
            Command::Analyse(AnalyseCommand::Generate(GenerateCommand::Votes {
                participants,
                statements,
                votes_each,
                groups,
                seed,
                truth,
            })) => analyse::generate_votes(
                &miasto_analysis::generate::VoteSetOptions {
                    participants,
                    statements,
                    votes_each,
                    groups,
                    seed,
                    ..miasto_analysis::generate::VoteSetOptions::default()
                },
                truth.as_deref(),
            ),
            Command::Consult(ConsultCommand::Demo {
                phase,
                comments,
                responses,
                resident,
                campaign,
                ..
            }) => {
                let phase = consult_demo::Phase::parse(&phase)?;
                let (db, _) = prepare_database(&config, true).await?;
                consult_demo::create(
                    &db,
                    phase,
                    comments,
                    responses,
                    resident.as_deref(),
                    campaign,
                )
                .await
            }
            Command::Budget(BudgetCommand::Open {
                slug, share_files, ..
            }) => {
                let (db, _) = prepare_database(&config, false).await?;
                budget::open(&db, config.secret().as_bytes(), &slug, &share_files).await
            }
            Command::Bench(BenchCommand::Stats {
                reports, requests, ..
            }) => bench::stats(&config, reports, requests).await,
            Command::Bench(BenchCommand::Analysis {
                comments,
                large,
                participants,
                statements,
                votes_each,
                runs,
                write_comments,
            }) => bench_analysis::run(&bench_analysis::BenchOptions {
                comments,
                large,
                participants,
                statements,
                votes_each,
                runs,
                write_comments: write_comments.as_deref(),
            }),
            Command::Bench(BenchCommand::Budget {
                file,
                voters,
                projects,
                runs,
                write_random,
            }) => bench_budget::run(&bench_budget::Options {
                file: &file,
                voters,
                projects,
                runs,
                write_random: write_random.as_deref(),
            }),
            Command::Bench(BenchCommand::Ballots {
                database_url,
                data,
                seals,
            }) => bench_ballots::run(&config, database_url.as_deref(), &data, seals).await,
            Command::Bench(BenchCommand::Consultations {
                comments,
                responses,
                requests,
                ..
            }) => {
                let options = bench_consultations::Options {
                    comments,
                    responses,
                    requests,
                };
                bench_consultations::run(&config, &options).await
            }
            Command::Bench(BenchCommand::Reports {
                reports,
                requests,
                intake_seconds,
                clients,
                ..
            }) => {
                let options = bench::Options {
                    reports,
                    requests,
                    intake_seconds,
                    clients,
                };
                bench::reports(&config, &options).await
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("miasto: {e:#}");
            ExitCode::FAILURE
        }
    }
}
