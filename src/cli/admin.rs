//! Administrative subcommands: migrate, dealers, departments, users, subscribers, grants.

use std::io::BufRead;

use anyhow::{bail, Context};

use super::args::{DealerCommand, DepartmentCommand, GrantArgs, SubscriberCommand, UserCommand};
use crate::auth::password::{generate_password, hash_password};
use crate::domain::OpaqueId;
use crate::storage::{GrantScope, NewDealer, NewDepartment, NewUser, Store};

/// Parses a command-line id, naming the option in the error.
fn parse_id(option: &str, value: &str) -> anyhow::Result<OpaqueId> {
    OpaqueId::parse(value).with_context(|| format!("--{option} {value:?} is not a valid id"))
}

/// Checks a display name given on the command line.
fn check_display_name(option: &str, value: &str) -> anyhow::Result<()> {
    let length = value.trim().chars().count();
    if length == 0 || value.chars().count() > 200 || value.chars().any(char::is_control) {
        bail!("--{option} {value:?} is invalid; use 1 to 200 printable characters");
    }
    Ok(())
}

fn id_or_generated(option: &str, value: Option<&str>) -> anyhow::Result<OpaqueId> {
    value.map_or_else(|| Ok(OpaqueId::generate()), |v| parse_id(option, v))
}

pub async fn dealer(store: &dyn Store, command: DealerCommand) -> anyhow::Result<()> {
    let DealerCommand::Add {
        name,
        time_zone,
        uuid,
    } = command;
    check_display_name("name", &name)?;
    if time_zone.parse::<chrono_tz::Tz>().is_err() {
        bail!("--time-zone {time_zone:?} is not an IANA time zone; use a name such as America/Los_Angeles");
    }
    let uuid = id_or_generated("uuid", uuid.as_deref())?;
    store
        .create_dealer(NewDealer {
            uuid: uuid.clone(),
            name,
            time_zone,
        })
        .await?;
    println!("{uuid}");
    Ok(())
}

pub async fn department(store: &dyn Store, command: DepartmentCommand) -> anyhow::Result<()> {
    let DepartmentCommand::Add { dealer, name, uuid } = command;
    check_display_name("name", &name)?;
    let dealer_uuid = parse_id("dealer", &dealer)?;
    let uuid = id_or_generated("uuid", uuid.as_deref())?;
    store
        .create_department(NewDepartment {
            uuid: uuid.clone(),
            dealer_uuid,
            name,
        })
        .await?;
    println!("{uuid}");
    Ok(())
}

pub async fn user(store: &dyn Store, command: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add {
        department,
        fname,
        lname,
        uuid,
    } = command;
    let department_uuid = parse_id("department", &department)?;
    let uuid = id_or_generated("uuid", uuid.as_deref())?;
    store
        .create_user(NewUser {
            uuid: uuid.clone(),
            department_uuid,
            fname,
            lname,
        })
        .await?;
    println!("{uuid}");
    Ok(())
}

pub async fn subscriber(store: &dyn Store, command: SubscriberCommand) -> anyhow::Result<()> {
    let SubscriberCommand::Add {
        username,
        password_stdin,
    } = command;
    if username.is_empty() || username.contains(':') || username.chars().any(char::is_control) {
        bail!("--username {username:?} is invalid; use a non-empty name without ':' or control characters");
    }
    let (password, generated) = if password_stdin {
        (read_password_line()?, false)
    } else {
        (generate_password(), true)
    };
    let to_hash = password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&to_hash))
        .await
        .context("hashing the password failed")?;
    store.create_subscriber(&username, &hash).await?;
    eprintln!("added service subscriber {username}");
    if generated {
        println!("{password}");
        eprintln!("the generated password above is shown only once; store it now");
    }
    Ok(())
}

fn read_password_line() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input failed")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.len() < 12 {
        bail!(
            "the password read from standard input has {} characters; use at least 12",
            password.len()
        );
    }
    Ok(password)
}

pub async fn grant(store: &dyn Store, args: GrantArgs, granted: bool) -> anyhow::Result<()> {
    let scope = match (&args.target.dealer, &args.target.department) {
        (Some(dealer), None) => GrantScope::Dealer(parse_id("dealer", dealer)?),
        (None, Some(department)) => GrantScope::Department(parse_id("department", department)?),
        _ => bail!("name exactly one of --dealer and --department"),
    };
    let changed = store.set_grant(&args.username, &scope, granted).await?;
    match (granted, changed) {
        (true, true) => eprintln!("granted: subscriber {} on {scope}", args.username),
        (true, false) => eprintln!("subscriber {} already had a grant on {scope}", args.username),
        (false, true) => eprintln!("revoked: subscriber {} on {scope}", args.username),
        (false, false) => bail!(
            "subscriber {} has no grant on {scope}, so nothing was revoked; a grant on a \
             dealer covers all its departments and is revoked with --dealer",
            args.username
        ),
    }
    Ok(())
}
