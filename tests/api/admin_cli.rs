//! The administrative subcommands, run as a user runs them, against a temporary database.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::common::TestApp;

/// Runs `followups ARGS` on the test's database with `stdin` as standard input.
fn followups(app: &TestApp, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_followups"))
        .args(args)
        .env("FOLLOWUPS_DATABASE_URL", &app.database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout_line(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn revoke_reports_grants_it_cannot_remove() {
    let app = TestApp::spawn().await;
    let dealer = stdout_line(&followups(
        &app,
        &["dealer", "add", "--name", "Lakeside", "--time-zone", "UTC"],
        "",
    ));
    let department = stdout_line(&followups(
        &app,
        &["department", "add", "--dealer", &dealer, "--name", "Service"],
        "",
    ));
    let added = followups(
        &app,
        &["subscriber", "add", "--username", "acme", "--password-stdin"],
        "a-long-password\n",
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let grant = followups(&app, &["grant", "--username", "acme", "--dealer", &dealer], "");
    assert!(grant.status.success(), "{}", stderr(&grant));

    let narrow = followups(
        &app,
        &["revoke", "--username", "acme", "--department", &department],
        "",
    );
    assert!(
        !narrow.status.success(),
        "revoking an absent department grant must fail"
    );
    assert!(stderr(&narrow).contains("--dealer"), "{}", stderr(&narrow));

    let revoke = followups(&app, &["revoke", "--username", "acme", "--dealer", &dealer], "");
    assert!(revoke.status.success(), "{}", stderr(&revoke));
    let again = followups(&app, &["revoke", "--username", "acme", "--dealer", &dealer], "");
    assert!(!again.status.success(), "a second revoke has nothing to remove");
}

#[tokio::test]
async fn admin_commands_reject_bad_values() {
    let app = TestApp::spawn().await;
    let cases: [(&[&str], &str, &str); 4] = [
        (
            &["dealer", "add", "--name", "", "--time-zone", "UTC"],
            "",
            "--name",
        ),
        (
            &["dealer", "add", "--name", "X", "--time-zone", "Mars/Olympus"],
            "",
            "--time-zone",
        ),
        (
            &["subscriber", "add", "--username", "short", "--password-stdin"],
            "too-short\n",
            "at least 12",
        ),
        (
            &["grant", "--username", "nobody", "--dealer", "dealer-a"],
            "",
            "nobody",
        ),
    ];
    for (args, stdin, expected) in cases {
        let output = followups(&app, args, stdin);
        assert!(!output.status.success(), "{args:?} succeeded");
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}
