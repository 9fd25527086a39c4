//! Need to know, applied: works out what the caller sees of each record it reads (whole, or the view
//! its agency's referrals give) and passes every record through the domain's one shaping function,
//! `cpims_domain::need_to_know::disclose`. Single reads, lists, lookups, history and the change feed
//! all go through [`Disclosure`].

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use cpims_db::repo::grants;
use cpims_db::repo::history::HistoryEntry;
use cpims_db::repo::transitions::Transition;
use cpims_domain::access::{Grantee, ReadScope, RecordKind};
use cpims_domain::need_to_know::{disclose, history_shows, view_of, Sight, View};
use serde::Serialize;
use serde_json::Value;

use crate::error::ApiError;

/// What the caller sees of a set of records of one kind.
#[derive(Debug)]
pub struct Disclosure {
    kind: RecordKind,
    today: NaiveDate,
    /// Per record id; `None`: no sight at all (a grant lapsed between the scope check and now).
    sights: HashMap<String, Option<Sight>>,
}

impl Disclosure {
    /// Works out the caller's sight of `records` (`(id, owning agency)` pairs), read under `scope` at
    /// `now`: one query for the grants of every record the caller does not own.
    pub fn of<'r>(
        connection: &mut cpims_db::AnyConnection,
        scope: &ReadScope,
        kind: RecordKind,
        now: NaiveDateTime,
        records: impl IntoIterator<Item = (&'r str, &'r str)>,
    ) -> Result<Disclosure, ApiError> {
        let grantee = match scope {
            ReadScope::OwnedOrGranted(grantee) | ReadScope::GrantedOnly(grantee) => Some(grantee),
            ReadScope::Everything | ReadScope::Nothing => None,
        };
        let mut sights = HashMap::new();
        let mut shaped: Vec<&str> = Vec::new();
        for (id, owner) in records {
            match grantee {
                Some(grantee) if owner != grantee.agency_id && kind != RecordKind::Complaint => {
                    shaped.push(id)
                }
                _ => {
                    sights.insert(id.to_owned(), Some(Sight::Whole));
                }
            }
        }
        if let Some(grantee) = grantee {
            sights.extend(received_sights(connection, grantee, kind, &shaped)?);
        }
        Ok(Disclosure {
            kind,
            today: crate::app::pakistan_date(now),
            sights,
        })
    }

    /// The caller's sight of one record; `None` when it has none.
    pub fn sight(&self, id: &str) -> Option<&Sight> {
        self.sights.get(id).and_then(Option::as_ref)
    }

    /// The record as the caller may see it, as JSON; `None` when it may see none of it.
    pub fn shape<T: Serialize>(&self, id: &str, record: &T) -> Result<Option<Value>, ApiError> {
        let Some(sight) = self.sight(id) else {
            return Ok(None);
        };
        let mut value = serde_json::to_value(record)
            .map_err(|error| ApiError::Internal(format!("serialising a {}: {error}", self.kind)))?;
        if let Value::Object(fields) = &mut value {
            disclose(self.kind, sight, self.today, fields);
        }
        Ok(Some(value))
    }

    /// Whether the caller sees `field` of the record at all (a lookup on a field the caller may not see
    /// must not find the record).
    pub fn shows_field(&self, id: &str, field: &str) -> bool {
        match self.sight(id) {
            Some(Sight::Whole) => true,
            Some(Sight::Shaped(view)) => view.shows(self.kind, field),
            None => false,
        }
    }

    /// Whether a history entry of `field` made at `changed_at` is shown to the caller.
    pub fn shows_history(&self, id: &str, field: &str, changed_at: NaiveDateTime) -> bool {
        self.sight(id)
            .is_some_and(|sight| history_shows(self.kind, sight, field, changed_at))
    }
}

/// A page of records the caller has just read under `scope`, each as it may see it, with the ids of
/// those it sees (the ones to audit). A record is left out when the caller has no sight of it, or when
/// the caller looked it up by a field (`looked_up`) its view withholds: a receiving agency must not
/// confirm a B-Form number or a name it may not read.
pub fn disclose_page<T: Serialize>(
    connection: &mut cpims_db::AnyConnection,
    (scope, kind, now): (&ReadScope, RecordKind, NaiveDateTime),
    records: &[T],
    key: impl Fn(&T) -> (&str, &str),
    looked_up: &[&str],
) -> Result<(Vec<Value>, Vec<String>), ApiError> {
    let disclosure = Disclosure::of(connection, scope, kind, now, records.iter().map(&key))?;
    let mut shaped = Vec::with_capacity(records.len());
    let mut seen = Vec::with_capacity(records.len());
    for record in records {
        let (id, _) = key(record);
        if !looked_up
            .iter()
            .all(|field| disclosure.shows_field(id, field))
        {
            continue;
        }
        if let Some(value) = disclosure.shape(id, record)? {
            shaped.push(value);
            seen.push(id.to_owned());
        }
    }
    Ok((shaped, seen))
}

/// The field history of one record, as far as the caller may see it: the fields of its view, from
/// when its sight began.
pub fn disclose_history(
    connection: &mut cpims_db::AnyConnection,
    (scope, kind, now): (&ReadScope, RecordKind, NaiveDateTime),
    (id, owner): (&str, &str),
    mut entries: Vec<HistoryEntry>,
) -> Result<Vec<HistoryEntry>, ApiError> {
    let disclosure = Disclosure::of(connection, scope, kind, now, [(id, owner)])?;
    if disclosure.sight(id).is_none() {
        return Err(ApiError::NotFound);
    }
    entries.retain(|entry| disclosure.shows_history(id, &entry.field, entry.changed_at));
    Ok(entries)
}

/// The status moves of one incident, as far as the caller may see them: a receiving agency sees the
/// moves since its sight began, without their notes and closure reasons (the owner's case notes).
pub fn disclose_transitions(
    connection: &mut cpims_db::AnyConnection,
    (scope, kind, now): (&ReadScope, RecordKind, NaiveDateTime),
    (id, owner): (&str, &str),
    mut moves: Vec<Transition>,
) -> Result<Vec<Transition>, ApiError> {
    let disclosure = Disclosure::of(connection, scope, kind, now, [(id, owner)])?;
    match disclosure.sight(id) {
        None => Err(ApiError::NotFound),
        Some(Sight::Whole) => Ok(moves),
        Some(Sight::Shaped(view)) => {
            moves.retain(|one| one.occurred_at >= view.since);
            for one in &mut moves {
                one.note = None;
                one.closure_reason = None;
            }
            Ok(moves)
        }
    }
}

/// One record the caller has just read under `scope`, as it may see it: whole, shaped, or (when no
/// referral gives it sight any more) 404.
pub fn disclose_one<T: Serialize>(
    connection: &mut cpims_db::AnyConnection,
    scope: &ReadScope,
    kind: RecordKind,
    now: NaiveDateTime,
    (id, owner): (&str, &str),
    record: &T,
) -> Result<Value, ApiError> {
    Disclosure::of(connection, scope, kind, now, [(id, owner)])?
        .shape(id, record)?
        .ok_or(ApiError::NotFound)
}

/// The sights a receiving agency has of records it does not own.
fn received_sights(
    connection: &mut cpims_db::AnyConnection,
    grantee: &Grantee,
    kind: RecordKind,
    ids: &[&str],
) -> Result<HashMap<String, Option<Sight>>, ApiError> {
    if kind == RecordKind::Referral {
        return Ok(ids
            .iter()
            .map(|id| {
                (
                    (*id).to_owned(),
                    Some(Sight::Shaped(View::referral_receiver())),
                )
            })
            .collect());
    }
    let mut grants = grants::to_agency(connection, &grantee.agency_id, kind, ids)?;
    Ok(ids
        .iter()
        .map(|id| {
            let view = grants
                .remove(*id)
                .and_then(|grants| view_of(&grants, grantee.completed_after));
            ((*id).to_owned(), view.map(Sight::Shaped))
        })
        .collect())
}
