//! The record types a sync batch can upsert, each with the `app` commands (and so the rules) of its
//! single-record endpoints.

use cpims_db::repo::{children, incidents, referrals};
use cpims_domain::access::RecordKind;
use cpims_domain::records::{Child, Incident, RecordMeta, Referral};
use serde::de::DeserializeOwned;
use serde::Serialize;
use validator::Validate;

use crate::app::{self, UnitOfWork};
use crate::error::ApiError;
use crate::extract::json::FieldRules;
use crate::routes::children::dto::{ChildInput, ChildResponse};
use crate::routes::deadlines::dto::CarriesDeadlines;
use crate::routes::incidents::dto::{IncidentInput, IncidentResponse};
use crate::routes::referrals::dto::{ReferralInput, ReferralResponse};

/// A record type a sync batch can upsert, with the `app` commands of its single-record endpoints.
pub trait BatchKind {
    const KIND: RecordKind;
    type Input: DeserializeOwned + Validate + FieldRules + Clone;
    type Record: Clone + PartialEq;
    type Response: Serialize + From<Self::Record> + CarriesDeadlines;

    /// The field an item may name its parent record by (its external id), and the id field it stands
    /// for.
    const REFERENCE: Option<(&'static str, &'static str)>;

    fn meta(record: &Self::Record) -> &RecordMeta;
    /// The agency's records of this kind with these external ids.
    fn by_external_ids(
        work: &mut UnitOfWork<'_>,
        agency: &str,
        external_ids: &[String],
    ) -> Result<Vec<Self::Record>, ApiError>;
    /// Sets the resolved parent record's id on an input.
    fn refer_to(input: &mut Self::Input, id: String);
    /// Copies an input onto a record, as a create or update would.
    fn apply(input: Self::Input, record: &mut Self::Record);
    /// A new record of the actor's agency from an input.
    fn build(work: &UnitOfWork<'_>, input: Self::Input) -> Result<Self::Record, ApiError>;
    fn create(work: &mut UnitOfWork<'_>, record: Self::Record) -> Result<Self::Record, ApiError>;
    /// Stores `next` as the next version of `current`.
    fn update(
        work: &mut UnitOfWork<'_>,
        current: Self::Record,
        next: Self::Record,
    ) -> Result<Self::Record, ApiError>;
    /// Creates records from validated inputs, each checked as `create` checks it: per input, in order,
    /// the stored record or the refusal `create` would give. By default one at a time, each in its own
    /// savepoint.
    fn create_many(
        work: &mut UnitOfWork<'_>,
        inputs: Vec<Self::Input>,
    ) -> Result<Vec<Result<Self::Record, ApiError>>, ApiError> {
        let mut outcomes = Vec::with_capacity(inputs.len());
        for input in inputs {
            let record = Self::build(work, input)?;
            outcomes.push(work.savepoint(|work| Self::create(work, record)));
        }
        Ok(outcomes)
    }
}

pub struct Children;
pub struct Incidents;
pub struct Referrals;

fn new_meta(work: &UnitOfWork<'_>) -> Result<RecordMeta, ApiError> {
    Ok(app::new_meta(work.actor().user()?, work.now()))
}

impl BatchKind for Children {
    const KIND: RecordKind = RecordKind::Child;
    type Input = ChildInput;
    type Record = Child;
    type Response = ChildResponse;
    const REFERENCE: Option<(&'static str, &'static str)> = None;

    fn refer_to(_: &mut ChildInput, _: String) {}
    fn by_external_ids(
        work: &mut UnitOfWork<'_>,
        agency: &str,
        external_ids: &[String],
    ) -> Result<Vec<Child>, ApiError> {
        let vault = work.vault();
        Ok(children::by_external_ids(
            work.connection(),
            vault,
            agency,
            external_ids,
        )?)
    }

    fn meta(record: &Child) -> &RecordMeta {
        &record.meta
    }
    fn apply(input: ChildInput, record: &mut Child) {
        input.apply_to(record);
    }
    fn build(work: &UnitOfWork<'_>, input: ChildInput) -> Result<Child, ApiError> {
        Ok(input.into_child(new_meta(work)?))
    }
    fn create(work: &mut UnitOfWork<'_>, child: Child) -> Result<Child, ApiError> {
        app::children::create(work, &child)?;
        Ok(child)
    }
    fn update(work: &mut UnitOfWork<'_>, current: Child, next: Child) -> Result<Child, ApiError> {
        app::children::store_update(work, current, next)
    }
    fn create_many(
        work: &mut UnitOfWork<'_>,
        inputs: Vec<ChildInput>,
    ) -> Result<Vec<Result<Child, ApiError>>, ApiError> {
        let built = inputs
            .into_iter()
            .map(|input| Self::build(work, input))
            .collect::<Result<Vec<_>, _>>()?;
        app::children::create_many(work, built)
    }
}

impl BatchKind for Incidents {
    const KIND: RecordKind = RecordKind::Incident;
    type Input = IncidentInput;
    type Record = Incident;
    type Response = IncidentResponse;
    const REFERENCE: Option<(&'static str, &'static str)> = Some(("child_external_id", "child_id"));

    fn refer_to(input: &mut IncidentInput, id: String) {
        input.child_id = id;
    }
    fn by_external_ids(
        work: &mut UnitOfWork<'_>,
        agency: &str,
        external_ids: &[String],
    ) -> Result<Vec<Incident>, ApiError> {
        let vault = work.vault();
        Ok(incidents::by_external_ids(
            work.connection(),
            vault,
            agency,
            external_ids,
        )?)
    }

    fn meta(record: &Incident) -> &RecordMeta {
        &record.meta
    }
    fn apply(input: IncidentInput, record: &mut Incident) {
        input.apply_to(record);
    }
    fn build(work: &UnitOfWork<'_>, input: IncidentInput) -> Result<Incident, ApiError> {
        Ok(input.into_incident(new_meta(work)?))
    }
    fn create(work: &mut UnitOfWork<'_>, incident: Incident) -> Result<Incident, ApiError> {
        app::incidents::create(work, &incident)?;
        Ok(incident)
    }
    fn update(
        work: &mut UnitOfWork<'_>,
        current: Incident,
        next: Incident,
    ) -> Result<Incident, ApiError> {
        app::incidents::store_update(work, current, next)
    }
    fn create_many(
        work: &mut UnitOfWork<'_>,
        inputs: Vec<IncidentInput>,
    ) -> Result<Vec<Result<Incident, ApiError>>, ApiError> {
        let built = inputs
            .into_iter()
            .map(|input| Self::build(work, input))
            .collect::<Result<Vec<_>, _>>()?;
        app::incidents::create_many(work, built)
    }
}

impl BatchKind for Referrals {
    const KIND: RecordKind = RecordKind::Referral;
    type Input = ReferralInput;
    type Record = Referral;
    type Response = ReferralResponse;
    const REFERENCE: Option<(&'static str, &'static str)> =
        Some(("incident_external_id", "incident_id"));

    fn refer_to(input: &mut ReferralInput, id: String) {
        input.incident_id = id;
    }
    fn by_external_ids(
        work: &mut UnitOfWork<'_>,
        agency: &str,
        external_ids: &[String],
    ) -> Result<Vec<Referral>, ApiError> {
        let vault = work.vault();
        Ok(referrals::by_external_ids(
            work.connection(),
            vault,
            agency,
            external_ids,
        )?)
    }

    fn meta(record: &Referral) -> &RecordMeta {
        &record.meta
    }
    fn apply(input: ReferralInput, record: &mut Referral) {
        input.apply_to(record);
    }
    fn build(work: &UnitOfWork<'_>, input: ReferralInput) -> Result<Referral, ApiError> {
        Ok(input.into_referral(new_meta(work)?))
    }
    fn create(work: &mut UnitOfWork<'_>, referral: Referral) -> Result<Referral, ApiError> {
        app::referrals::create(work, referral)
    }
    fn update(
        work: &mut UnitOfWork<'_>,
        current: Referral,
        next: Referral,
    ) -> Result<Referral, ApiError> {
        app::referrals::store_update(work, current, next)
    }
}
