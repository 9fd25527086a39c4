//! Unit tests of the matching engine: name keys here and in `names`, phones, blocking and scores in
//! `scoring`.
#![allow(clippy::unwrap_used)]

mod names;
mod scoring;

use chrono::NaiveDate;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn today() -> NaiveDate {
    date(2026, 6, 30)
}
