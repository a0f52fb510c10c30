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
