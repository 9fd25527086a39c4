//! Role gates checked before the request body is read, so a role that may never make a call gets 403
//! without learning anything from validation of what it sent.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use cpims_domain::principal::Principal;

use super::Authenticated;
use crate::error::ApiError;

/// A role-level rule a caller must pass.
pub trait Gate {
    fn allows(principal: &Principal) -> bool;
}

/// An authenticated caller who passed gate `G`.
#[derive(Debug)]
pub struct Gated<G: Gate>(pub Authenticated, PhantomData<G>);

impl<G: Gate + 'static> FromRequest for Gated<G> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let authenticated = Authenticated::from_request(request, payload);
        Box::pin(async move {
            let caller = authenticated.await?;
            if G::allows(&caller.0) {
                Ok(Gated(caller, PhantomData))
            } else {
                Err(ApiError::Forbidden)
            }
        })
    }
}

/// Administrators only.
#[derive(Debug)]
pub struct Admins;
impl Gate for Admins {
    fn allows(principal: &Principal) -> bool {
        principal.may_administer()
    }
}

/// Roles that register and refer case records: admin, case_worker, sync_client.
#[derive(Debug)]
pub struct CaseWriters;
impl Gate for CaseWriters {
    fn allows(principal: &Principal) -> bool {
        cpims_domain::access::may_create_case_records(principal)
    }
}

/// Roles that register complaints: admin, case_worker, intake_officer.
#[derive(Debug)]
pub struct ComplaintTakers;
impl Gate for ComplaintTakers {
    fn allows(principal: &Principal) -> bool {
        crate::app::complaints::may_register(principal)
    }
}

pub type AdminCaller = Gated<Admins>;
pub type ComplaintTaker = Gated<ComplaintTakers>;
pub type CaseWriter = Gated<CaseWriters>;
