//! Bounds glibc's malloc arenas for the server.
//!
//! glibc gives threads that contend for the allocator arenas of their own, up to eight per core, and
//! each arena keeps the high-water mark of what its threads ever held. Every blocking thread that writes
//! a sync batch grows one, so the server's peak memory grew with the number of arenas (258 MB on two
//! cores, against 142 MB with two arenas). glibc reads `MALLOC_ARENA_MAX` only when a process starts, and
//! setting it from inside needs unsafe code, so `serve` re-executes itself once with it set. An operator's
//! own `MALLOC_ARENA_MAX` is left alone.

/// The environment variable glibc reads.
pub const ARENA_VARIABLE: &str = "MALLOC_ARENA_MAX";
/// Arenas the server runs with unless told otherwise.
pub const DEFAULT_ARENAS: &str = "2";

/// Replaces this process with the same program and arguments and `MALLOC_ARENA_MAX` set, unless the
/// process started with it (`inherited`, read before `.env` is loaded: a value from `.env` arrives too
/// late for glibc, so it is passed on to the new process instead). Returns only if it did not
/// re-execute: `None` when there was nothing to do, or why `exec` failed (the server then runs on with
/// glibc's defaults).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn reexec_with_bounded_arenas(inherited: Option<&std::ffi::OsStr>) -> Option<std::io::Error> {
    use std::os::unix::process::CommandExt;
    if inherited.is_some() {
        return None;
    }
    let arenas = std::env::var_os(ARENA_VARIABLE).unwrap_or_else(|| DEFAULT_ARENAS.into());
    let program = match std::env::current_exe() {
        Ok(program) => program,
        Err(error) => return Some(error),
    };
    Some(
        std::process::Command::new(program)
            .args(std::env::args_os().skip(1))
            .env(ARENA_VARIABLE, arenas)
            .exec(),
    )
}

/// Other allocators need no help.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn reexec_with_bounded_arenas(_inherited: Option<&std::ffi::OsStr>) -> Option<std::io::Error> {
    None
}
