//! The server under test: a `cpims serve` child process on a free local port, its admin, its memory.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::BoxResult;

/// The JWT secret every bench server signs with.
const JWT_SECRET: &str = "cpims-bench-secret-that-is-long-enough-for-hs256";

/// A running `cpims serve`.
pub struct ServerProcess {
    binary: PathBuf,
    database_url: String,
    workdir: PathBuf,
    child: Option<Child>,
    pub base_url: String,
}

impl ServerProcess {
    /// Starts the server over `database_url` and waits until `/healthz` answers.
    pub async fn start(binary: &Path, database_url: &str, workdir: &Path) -> BoxResult<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut command = server_command(binary, database_url, workdir);
        command
            .arg("serve")
            .env("CPIMS_BIND", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        let child = command
            .spawn()
            .map_err(|error| format!("starting {}: {error}", binary.display()))?;
        let mut server = ServerProcess {
            binary: binary.to_owned(),
            database_url: database_url.to_owned(),
            workdir: workdir.to_owned(),
            child: Some(child),
            base_url: format!("http://127.0.0.1:{port}"),
        };
        server.wait_healthy().await?;
        Ok(server)
    }

    async fn wait_healthy(&mut self) -> BoxResult<()> {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(child) = self.child.as_mut() {
                if let Some(status) = child.try_wait()? {
                    return Err(format!("cpims serve exited during start-up: {status}").into());
                }
            }
            let healthy = client
                .get(format!("{}/healthz", self.base_url))
                .timeout(Duration::from_secs(2))
                .send()
                .await
                .is_ok_and(|response| response.status().is_success());
            if healthy {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err("cpims serve did not become healthy within 60 s".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A `cpims` command against the server's database, with its settings.
    pub fn command(&self) -> Command {
        server_command(&self.binary, &self.database_url, &self.workdir)
    }

    /// Creates an administrator with `cpims create-admin`, the password on standard input.
    pub fn create_admin(&self, username: &str, password: &str) -> BoxResult<()> {
        let mut child = server_command(&self.binary, &self.database_url, &self.workdir)
            .args([
                "create-admin",
                "--username",
                username,
                "--agency",
                "NCRC Bench",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            writeln!(stdin, "{password}")?;
        }
        let output = child.wait_with_output()?;
        if !output.status.success() {
            return Err(format!(
                "cpims create-admin failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )
            .into());
        }
        Ok(())
    }

    /// The server's resident set now and its peak so far, in MiB (`VmRSS`, `VmHWM`).
    pub fn memory_mb(&self) -> BoxResult<(f64, f64)> {
        let pid = self.child.as_ref().ok_or("server not running")?.id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let field = |name: &str| -> BoxResult<f64> {
            let line = status
                .lines()
                .find(|line| line.starts_with(name))
                .ok_or_else(|| format!("{name} missing from /proc/{pid}/status"))?;
            let kilobytes: f64 = line
                .trim_start_matches(name)
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()?;
            Ok(kilobytes / 1024.0)
        };
        Ok((field("VmRSS:")?, field("VmHWM:")?))
    }

    /// Stops the server with SIGTERM, killing it if it has not exited within ten seconds.
    pub fn stop(&mut self) -> BoxResult<()> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        child.kill()?;
        child.wait()?;
        Ok(())
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// `cpims` with the bench's environment: logging off the hot path, tokens that outlive the run.
fn server_command(binary: &Path, database_url: &str, workdir: &Path) -> Command {
    let mut command = Command::new(binary);
    command
        .current_dir(workdir)
        .env("DATABASE_URL", database_url)
        .env("CPIMS_JWT_SECRET", JWT_SECRET)
        // Fixed keys: the bench database is thrown away after the run.
        .env(
            "CPIMS_DATA_KEY",
            "Y3BpbXMtYmVuY2gtZGF0YS1rZXktMzItYnl0ZXMhISE=",
        )
        .env(
            "CPIMS_INDEX_KEY",
            "Y3BpbXMtYmVuY2gtaW5kZXgta2V5LTMyLWJ5dGVzISE=",
        )
        .env("CPIMS_LOG_FORMAT", "json")
        // The sweep step times one sweep run as a command; the server's own would race it.
        .env("CPIMS_DEADLINE_SWEEP_INTERVAL_MS", "3600000")
        .env("CPIMS_TOKEN_TTL_SECS", "3600")
        // The public-intake step files through the rate limiter, set high enough never to refuse,
        // as citizens behind a trusted reverse proxy (the load generator names them).
        .env("CPIMS_PUBLIC_COMPLAINT_LIMIT", "1000000000")
        .env("CPIMS_TRUSTED_PROXIES", "127.0.0.1")
        .env("RUST_LOG", "warn");
    command
}
