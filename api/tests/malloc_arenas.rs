//! `cpims serve` runs with glibc's malloc arenas bounded: it re-executes itself once with
//! `MALLOC_ARENA_MAX` set, in the same process, and leaves an operator's own setting alone.
#![cfg(all(target_os = "linux", target_env = "gnu"))]
// A test that cannot set up has failed: panicking with the reason is what it should do.
#![allow(clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Starts the server on a fresh SQLite file and returns it once it logs that it is listening.
fn start_server(dir: &std::path::Path, arena_max: Option<&str>) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cpims"));
    command
        .arg("serve")
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/cpims.sqlite3", dir.display()),
        )
        .env("CPIMS_BIND", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(value) = arena_max {
        command.env("MALLOC_ARENA_MAX", value);
    }
    let mut server = command.spawn().expect("the server starts");
    let stdout = server.stdout.take().expect("stdout is piped");
    let listening = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|line| line.contains("cpims listening"));
    assert!(listening, "the server logged that it listens");
    server
}

fn environment_of(server: &Child) -> Vec<String> {
    std::fs::read(format!("/proc/{}/environ", server.id()))
        .expect("the server's environment is readable")
        .split(|byte| *byte == 0)
        .map(|entry| String::from_utf8_lossy(entry).into_owned())
        .collect()
}

/// The initial environment of a server started with these settings, where glibc reads
/// `MALLOC_ARENA_MAX`: a value only set from inside (as `.env` loading does) never shows there.
fn environment_at_start(arena_max: Option<&str>, env_file: Option<&str>) -> Vec<String> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    if let Some(contents) = env_file {
        std::fs::write(dir.path().join(".env"), contents).expect("an .env file");
    }
    let mut server = start_server(dir.path(), arena_max);
    let environment = environment_of(&server);
    let _ = server.kill();
    let _ = server.wait();
    environment
}

fn has_arena_max(environment: &[String], value: &str) -> bool {
    environment
        .iter()
        .any(|entry| *entry == format!("MALLOC_ARENA_MAX={value}"))
}

#[test]
fn the_server_bounds_its_arenas_in_the_same_process() {
    let environment = environment_at_start(None, None);
    assert!(has_arena_max(&environment, "2"), "{environment:?}");
}

#[test]
fn an_operators_arena_setting_is_kept() {
    let environment = environment_at_start(Some("6"), None);
    assert!(has_arena_max(&environment, "6"), "{environment:?}");
}

#[test]
fn a_setting_from_the_env_file_reaches_the_allocator() {
    let environment = environment_at_start(None, Some("MALLOC_ARENA_MAX=3\n"));
    assert!(has_arena_max(&environment, "3"), "{environment:?}");
}
