//! The results: what each step measured, the table printed at the end, and `results.json`.

use std::path::Path;

use serde_json::{json, Value};

use crate::BoxResult;

/// A request-rate figure and, where there is one, the ceiling it is compared with.
#[derive(Debug, Clone, Copy)]
pub struct Throughput {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub ceiling_rps: Option<f64>,
}

/// Records per second through the sync endpoint and through raw multi-row INSERTs.
#[derive(Debug, Clone, Copy)]
pub struct Bulk {
    pub records_per_s: f64,
    pub ceiling_records_per_s: f64,
}

/// Median statistics latency through the API and as plain SQL.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub p50_ms: f64,
    pub sql_p50_ms: f64,
}

/// One deadline sweep: how many alerts it raised, how long it took, and the create rate meanwhile.
#[derive(Debug, Clone, Copy)]
pub struct Sweep {
    pub alerts: usize,
    pub seconds: f64,
    pub creates_per_s_during: f64,
    pub creates_per_s_overall: f64,
    pub create_failures: usize,
}

/// Server memory in MiB.
#[derive(Debug, Clone, Copy)]
pub struct Rss {
    pub peak_mb: f64,
    pub idle_mb: f64,
}

/// Everything one run measured; a missing figure is a step that failed or did not run.
#[derive(Debug, Default)]
pub struct Results {
    pub scale: f64,
    pub create: Option<Throughput>,
    pub read: Option<Throughput>,
    pub bulk: Option<Bulk>,
    pub stats: Option<Stats>,
    pub idle_mb: Option<f64>,
    pub peak_mb: Option<f64>,
    pub sqlite_create: Option<Throughput>,
    pub sweep: Option<Sweep>,
    /// Public complaints per second at c=32; the ceiling is the same run's incident create rate.
    pub public_intake: Option<Throughput>,
    /// Steps that stopped at their time limit, with how far they got.
    pub notes: Vec<String>,
    pub failures: Vec<String>,
}

fn ratio(value: f64, reference: f64) -> f64 {
    if reference > 0.0 {
        value / reference
    } else {
        0.0
    }
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn throughput_json(figure: &Throughput) -> Value {
    let mut value = json!({"rps": round(figure.rps), "p50_ms": round(figure.p50_ms),
                           "p99_ms": round(figure.p99_ms)});
    if let (Some(ceiling), Value::Object(map)) = (figure.ceiling_rps, &mut value) {
        map.insert("ceiling_rps".into(), json!(round(ceiling)));
        map.insert("ratio".into(), json!(round(ratio(figure.rps, ceiling))));
    }
    value
}

impl Results {
    /// The memory figures, once both are known.
    pub fn rss(&self) -> Option<Rss> {
        Some(Rss {
            peak_mb: self.peak_mb?,
            idle_mb: self.idle_mb?,
        })
    }

    /// The JSON document written to `results.json`; failed steps are null.
    pub fn to_json(&self) -> Value {
        json!({
            "scale": self.scale,
            "create": self.create.as_ref().map(throughput_json),
            "read": self.read.as_ref().map(throughput_json),
            "bulk": self.bulk.map(|b| json!({"records_per_s": round(b.records_per_s),
                "ceiling_records_per_s": round(b.ceiling_records_per_s),
                "ratio": round(ratio(b.records_per_s, b.ceiling_records_per_s))})),
            "stats": self.stats.map(|s| json!({"p50_ms": round(s.p50_ms),
                "sql_p50_ms": round(s.sql_p50_ms), "ratio": round(ratio(s.p50_ms, s.sql_p50_ms))})),
            "rss": self.rss().map(|r| json!({"peak_mb": round(r.peak_mb), "idle_mb": round(r.idle_mb)})),
            "sqlite_create": self.sqlite_create.as_ref().map(throughput_json),
            "sweep": self.sweep.map(|s| json!({"alerts": s.alerts, "seconds": round(s.seconds),
                "creates_per_s_during": round(s.creates_per_s_during),
                "creates_per_s_overall": round(s.creates_per_s_overall),
                "create_failures": s.create_failures})),
            "public_intake": self.public_intake.as_ref().map(throughput_json),
            "notes": self.notes,
            "failed": !self.failures.is_empty(),
            "failures": self.failures,
        })
    }

    /// Writes `results.json`, creating its directory.
    pub fn write(&self, path: &Path) -> BoxResult<()> {
        if let Some(directory) = path.parent() {
            std::fs::create_dir_all(directory)?;
        }
        std::fs::write(path, serde_json::to_string_pretty(&self.to_json())? + "\n")?;
        Ok(())
    }

    /// The table of figures against the targets.
    pub fn table(&self) -> String {
        let mut lines = vec![format!(
            "{:<16} {:>12} {:>10} {:>10} {:>12} {:>8}  {}",
            "step", "figure", "p50 ms", "p99 ms", "ceiling", "ratio", "target"
        )];
        lines.push(throughput_line(
            "create (pg)",
            self.create,
            ">= 0.6 x INSERT",
            0.6,
        ));
        lines.push(throughput_line(
            "read (pg)",
            self.read,
            ">= 0.5 x SELECT",
            0.5,
        ));
        lines.push(throughput_line(
            "public intake",
            self.public_intake,
            ">= 0.5 x create",
            0.5,
        ));
        lines.push(throughput_line(
            "create (sqlite)",
            self.sqlite_create,
            ">= 3000 rps",
            3000.0,
        ));
        lines.push(match self.bulk {
            None => format!("{:<16} {:>12}", "bulk sync", "FAILED"),
            Some(b) => {
                let r = ratio(b.records_per_s, b.ceiling_records_per_s);
                format!(
                    "{:<16} {:>10.0} /s {:>10} {:>10} {:>12.0} {:>8.3}  >= 50000/s and >= 0.3 x raw {}",
                    "bulk sync",
                    b.records_per_s,
                    "",
                    "",
                    b.ceiling_records_per_s,
                    r,
                    verdict(b.records_per_s >= 50_000.0 && r >= 0.3)
                )
            }
        });
        lines.push(match self.stats {
            None => format!("{:<16} {:>12}", "stats", "FAILED"),
            Some(s) => {
                let r = ratio(s.p50_ms, s.sql_p50_ms);
                format!(
                    "{:<16} {:>12} {:>10.2} {:>10} {:>9.2} ms {:>8.3}  <= 1.2 x SQL {}",
                    "stats",
                    "",
                    s.p50_ms,
                    "",
                    s.sql_p50_ms,
                    r,
                    verdict(r <= 1.2)
                )
            }
        });
        lines.push(match self.sweep {
            None => format!("{:<16} {:>12}", "deadline sweep", "FAILED"),
            Some(s) => format!(
                "{:<16} {} alerts in {:.2} s, {:.0} creates/s meanwhile ({:.0}/s over the load, {} failed)  \
                 (<= 2 s, creates not stalled) {}",
                "deadline sweep",
                s.alerts,
                s.seconds,
                s.creates_per_s_during,
                s.creates_per_s_overall,
                s.create_failures,
                verdict(s.seconds <= 2.0 && s.creates_per_s_during > 0.0 && s.create_failures == 0)
            ),
        });
        lines.push(match self.rss() {
            None => format!("{:<16} {:>12}", "rss", "FAILED"),
            Some(r) => format!(
                "{:<16} peak {:.1} MB, idle {:.1} MB  (<= 150 MB, <= 30 MB) {}",
                "rss",
                r.peak_mb,
                r.idle_mb,
                verdict(r.peak_mb <= 150.0 && r.idle_mb <= 30.0)
            ),
        });
        for note in &self.notes {
            lines.push(format!("note: {note}"));
        }
        for failure in &self.failures {
            lines.push(format!("FAILED: {failure}"));
        }
        lines.join("\n")
    }
}

/// One table line for a request rate, judged against its ceiling share or, without a ceiling, its rate.
fn throughput_line(name: &str, figure: Option<Throughput>, target: &str, minimum: f64) -> String {
    let Some(f) = figure else {
        return format!("{name:<16} {:>12}", "FAILED");
    };
    let (ceiling, share, achieved) = match f.ceiling_rps {
        Some(c) => (
            format!("{c:.0}"),
            format!("{:.3}", ratio(f.rps, c)),
            ratio(f.rps, c),
        ),
        None => ("-".to_owned(), "-".to_owned(), f.rps),
    };
    format!(
        "{name:<16} {:>8.0} rps {:>10.2} {:>10.2} {ceiling:>12} {share:>8}  {target} {}",
        f.rps,
        f.p50_ms,
        f.p99_ms,
        verdict(achieved >= minimum)
    )
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT met"
    }
}
