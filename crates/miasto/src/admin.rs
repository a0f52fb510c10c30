//! `miasto admin …`: tasks for whoever runs the platform, such as creating the first admin.

use crate::config::Config;
use anyhow::{Context, bail};
use miasto_domain::{Email, Locale, Password, Role, RoleAssignment};
use miasto_store::accounts::{self, CreateUserError, NewUser};
use miasto_store::audit::{self, Action, Target};
use std::io::{BufRead, IsTerminal};

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask for the password: use --password-stdin");
    }
    let first = rpassword::prompt_password("Password: ")?;
    let second = rpassword::prompt_password("Repeat the password: ")?;
    if first != second {
        bail!("the passwords do not match");
    }
    Ok(first)
}

pub async fn create_user(
    config: &Config,
    email: &str,
    role: &str,
    unit: Option<&str>,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {}", describe(e)))?;
    let role = Role::parse(role).map_err(|_| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        anyhow::anyhow!("--role must be one of: {}", names.join(", "))
    })?;
    let password = read_password(password_stdin)?;
    let password = Password::parse_new(&password, Some(&email))
        .map_err(|e| anyhow::anyhow!("password: {}", describe(e)))?;

    let (db, _) = crate::prepare_database(config, true).await?;
    let unit_id = match unit {
        Some(code) => Some(
            miasto_store::reference::find_unit_by_code(&db, code)
                .await?
                .with_context(|| format!("there is no unit with the code {code}"))?
                .id,
        ),
        None => None,
    };
    let assignment = RoleAssignment::new(role, unit_id)
        .map_err(|e| anyhow::anyhow!("--unit: {}", describe(e)))?;
    let hash = accounts::hash_password(&password).await;
    let tx = miasto_store::begin(&db).await?;
    let user = match accounts::create_user(
        &tx,
        NewUser {
            email: email.clone(),
            password_hash: hash,
            assignment,
            locale: Locale::Pl,
            confirmed: true,
        },
    )
    .await
    {
        Ok(user) => user,
        Err(CreateUserError::EmailTaken) => {
            bail!("an account with the address {email} already exists")
        }
        Err(CreateUserError::Store(e)) => return Err(e.into()),
    };
    audit::record(
        &tx,
        None,
        Action::UserCreated,
        Some(Target::user(user.id)),
        serde_json::json!({ "role": role.as_str(), "via": "command line" }),
    )
    .await?;
    tx.commit().await?;
    db.close().await.ok();
    println!("Created {} account {} ({}).", role.as_str(), email, user.id);
    Ok(())
}

/// Checks an API client's name and hourly limit (the admin page applies the same rules).
pub fn check_client(name: &str, rate_limit: u32) -> anyhow::Result<String> {
    let name = miasto_domain::required_text(name, miasto_store::api_clients::NAME_MAX)
        .map_err(|e| anyhow::anyhow!("--name: {}", describe(e)))?;
    if rate_limit == 0 {
        bail!("--rate-limit must be at least 1 request per hour");
    }
    Ok(name)
}

pub async fn create_api_key(config: &Config, name: &str, rate_limit: u32) -> anyhow::Result<()> {
    use miasto_store::api_clients::{self, IssueError};
    let name = check_client(name, rate_limit)?;
    let (db, _) = crate::prepare_database(config, true).await?;
    let tx = miasto_store::begin(&db).await?;
    let (client, key) = match api_clients::issue(&tx, &name, rate_limit, None).await {
        Ok(issued) => issued,
        Err(IssueError::NameTaken) => bail!("a client application named {name} already exists"),
        Err(IssueError::Store(e)) => return Err(e.into()),
    };
    audit::record(
        &tx,
        None,
        Action::ApiKeyIssued,
        Some(Target::api_client(client.id)),
        serde_json::json!({ "name": client.name, "rate_limit_per_hour": rate_limit, "via": "command line" }),
    )
    .await?;
    tx.commit().await?;
    db.close().await.ok();
    println!(
        "Issued a key for {} ({} requests per hour). Keep it now: it is not shown again.",
        client.name, client.rate_limit_per_hour
    );
    println!("{key}");
    Ok(())
}

pub async fn list_api_keys(config: &Config) -> anyhow::Result<()> {
    let (db, _) = crate::prepare_database(config, true).await?;
    let clients = miasto_store::api_clients::list(&db).await?;
    if clients.is_empty() {
        println!("No client applications yet: `miasto admin api-key create --name NAME`.");
    }
    for c in clients {
        let reports = miasto_store::api_clients::report_count(&db, c.id).await?;
        let state = match c.revoked_at {
            Some(at) => format!("revoked {}", at.format("%Y-%m-%d")),
            None => "active".to_owned(),
        };
        println!(
            "{}\t{}…\t{state}\t{}/h\t{} requests\t{reports} reports",
            c.name, c.key_prefix, c.rate_limit_per_hour, c.requests
        );
    }
    db.close().await.ok();
    Ok(())
}

pub async fn revoke_api_key(config: &Config, name: &str) -> anyhow::Result<()> {
    let (db, _) = crate::prepare_database(config, true).await?;
    let client = miasto_store::api_clients::list(&db)
        .await?
        .into_iter()
        .find(|c| c.name == name.trim())
        .with_context(|| format!("there is no client application named {name}"))?;
    let tx = miasto_store::begin(&db).await?;
    if !miasto_store::api_clients::revoke(&tx, client.id).await? {
        bail!("the key of {} was already revoked", client.name);
    }
    audit::record(
        &tx,
        None,
        Action::ApiKeyRevoked,
        Some(Target::api_client(client.id)),
        serde_json::json!({ "name": client.name, "via": "command line" }),
    )
    .await?;
    tx.commit().await?;
    db.close().await.ok();
    println!("Revoked the key of {}.", client.name);
    Ok(())
}

fn describe(e: miasto_domain::FieldError) -> &'static str {
    use miasto_domain::FieldError::*;
    match e {
        Required => "required",
        TooLong => "too long",
        EmailInvalid => "not a valid e-mail address",
        PasswordTooShort => "at least 10 characters are needed",
        PasswordTooLong => "at most 256 characters are allowed",
        PasswordSameAsEmail => "must not be the e-mail address",
        RoleNeedsUnit => "unit_staff needs --unit CODE",
        RoleTakesNoUnit => "only unit_staff belongs to a unit",
        other => other.code(),
    }
}
