//! The record types a sync batch can upsert, each with the store functions (and so the rules) of its
//! single-record endpoints.

use cpims_db::{AnyConnection, Vault};
use cpims_domain::records::{Child, Incident, RecordMeta, Referral};
use serde::de::DeserializeOwned;
use serde::Serialize;
use validator::Validate;

use super::batch_creates::write_together;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::json::FieldRules;
use crate::routes::children::dto::{ChildInput, ChildResponse};
use crate::routes::children::store as child_store;
use crate::routes::incidents::dto::{IncidentInput, IncidentResponse};
use crate::routes::incidents::store as incident_store;
use crate::routes::referrals::dto::{ReferralInput, ReferralResponse};
use crate::routes::referrals::store as referral_store;

/// A record type a sync batch can upsert, with the store functions of its single-record endpoints.
pub trait BatchKind {
    const RECORD_TYPE: &'static str;
    type Input: DeserializeOwned + Validate + FieldRules + Clone;
    type Record: Clone + PartialEq;
    type Response: Serialize + From<Self::Record>;

    fn meta(record: &Self::Record) -> &RecordMeta;
    /// Copies an input onto a record, as a create or update would.
    fn apply(input: Self::Input, record: &mut Self::Record);
    fn create(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        input: Self::Input,
    ) -> Result<Self::Record, ApiError>;
    fn update(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        current: Self::Record,
        input: Self::Input,
    ) -> Result<Self::Record, ApiError>;
    /// Creates records from validated inputs, each checked as `create` checks it: per input, in order,
    /// the stored record or the refusal `create` would give. By default one at a time, each in its own
    /// savepoint.
    fn create_many(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        inputs: Vec<Self::Input>,
    ) -> Result<Vec<Result<Self::Record, ApiError>>, ApiError> {
        let mut outcomes = Vec::with_capacity(inputs.len());
        for input in inputs {
            outcomes.push(cpims_db::savepoint(connection, |c| {
                Self::create(c, vault, caller, input)
            }));
        }
        Ok(outcomes)
    }
}

pub struct Children;
pub struct Incidents;
pub struct Referrals;

impl BatchKind for Children {
    const RECORD_TYPE: &'static str = "child";
    type Input = ChildInput;
    type Record = Child;
    type Response = ChildResponse;

    fn meta(record: &Child) -> &RecordMeta {
        &record.meta
    }
    fn apply(input: ChildInput, record: &mut Child) {
        input.apply_to(record);
    }
    fn create(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        input: ChildInput,
    ) -> Result<Child, ApiError> {
        let child = child_store::build(caller, input);
        child_store::insert(connection, vault, caller, &child)?;
        Ok(child)
    }
    fn update(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        current: Child,
        input: ChildInput,
    ) -> Result<Child, ApiError> {
        child_store::update(connection, vault, caller, current, input)
    }
    fn create_many(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        inputs: Vec<ChildInput>,
    ) -> Result<Vec<Result<Child, ApiError>>, ApiError> {
        let built = inputs
            .into_iter()
            .map(|input| Ok(child_store::build(caller, input)))
            .collect();
        write_together(
            connection,
            built,
            |c, ready| child_store::insert_many(c, vault, caller, ready),
            |c, child| child_store::insert(c, vault, caller, child),
        )
    }
}

impl BatchKind for Incidents {
    const RECORD_TYPE: &'static str = "incident";
    type Input = IncidentInput;
    type Record = Incident;
    type Response = IncidentResponse;

    fn meta(record: &Incident) -> &RecordMeta {
        &record.meta
    }
    fn apply(input: IncidentInput, record: &mut Incident) {
        input.apply_to(record);
    }
    fn create(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        input: IncidentInput,
    ) -> Result<Incident, ApiError> {
        let incident = incident_store::build(caller, input);
        incident_store::insert(connection, vault, caller, &incident)?;
        Ok(incident)
    }
    fn update(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        current: Incident,
        input: IncidentInput,
    ) -> Result<Incident, ApiError> {
        incident_store::update(connection, vault, caller, current, input)
    }
    fn create_many(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        inputs: Vec<IncidentInput>,
    ) -> Result<Vec<Result<Incident, ApiError>>, ApiError> {
        let built = inputs
            .into_iter()
            .map(|input| incident_store::build(caller, input))
            .collect();
        let checked = incident_store::check_new(connection, vault, caller, built)?;
        write_together(
            connection,
            checked,
            |c, ready| incident_store::insert_many(c, vault, caller, ready),
            |c, incident| incident_store::insert(c, vault, caller, incident),
        )
    }
}

impl BatchKind for Referrals {
    const RECORD_TYPE: &'static str = "referral";
    type Input = ReferralInput;
    type Record = Referral;
    type Response = ReferralResponse;

    fn meta(record: &Referral) -> &RecordMeta {
        &record.meta
    }
    fn apply(input: ReferralInput, record: &mut Referral) {
        input.apply_to(record);
    }
    fn create(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        input: ReferralInput,
    ) -> Result<Referral, ApiError> {
        let mut referral = referral_store::build(caller, input);
        referral_store::insert(connection, vault, caller, &mut referral)?;
        Ok(referral)
    }
    fn update(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        current: Referral,
        input: ReferralInput,
    ) -> Result<Referral, ApiError> {
        referral_store::update(connection, vault, caller, current, input)
    }
}
