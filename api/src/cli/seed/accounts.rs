//! Writing the demo cast: its agencies and accounts, each account with a fresh random password.
//!
//! Contact details use the reserved `example.org` domain and `+92300000xxxx` numbers, so no message
//! meant for a demo agency can reach a real one.

use cpims_db::page::{new_id, now};
use cpims_db::repo::audit::{self, AuditEvent};
use cpims_db::repo::{agencies, users};
use cpims_db::AnyConnection;
use cpims_domain::agency::{normalise_services, Agency};
use cpims_domain::principal::Principal;
use cpims_domain::user::{Role, User};
use rand::Rng;

use super::cast::{AgencyRef, AgencySpec, UserSpec, BUREAUS, COMMISSION, PARTNERS};
use super::DemoCredential;
use crate::auth::password::hash_password;
use crate::auth::Authenticated;
use crate::error::ApiError;

/// Written on every audit entry of the seed, so its entries are told apart from real requests.
pub const SEED_REQUEST_ID: &str = "seed-demo";

/// A written bureau and the accounts that create its records.
pub struct BureauCast {
    pub worker: Authenticated,
    pub sync: Option<Authenticated>,
}

/// A written receiving agency and its partner account.
pub struct PartnerCast {
    pub agency: Agency,
    pub partner: Authenticated,
}

/// Everything later steps need of the written cast; indexes follow [`BUREAUS`] and [`PARTNERS`].
pub struct Cast {
    /// The commission's complaint cell: receives public and helpline complaints.
    pub intake: Authenticated,
    pub bureaus: Vec<BureauCast>,
    pub partners: Vec<PartnerCast>,
    pub agencies: usize,
    pub credentials: Vec<DemoCredential>,
}

/// Characters of generated passwords: no 0/O, 1/l/I, so a printed password survives being retyped.
const PASSWORD_ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const PASSWORD_CHARS: usize = 20;

/// A password from the operating system's random source: the data set is reproducible, its passwords
/// must not be (anyone who knows the seed could otherwise log in to a demo that was left running).
pub fn generate_password() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..PASSWORD_CHARS)
        .map(|_| char::from(PASSWORD_ALPHABET[rng.gen_range(0..PASSWORD_ALPHABET.len())]))
        .collect()
}

/// A demo account with its new password and the hash to store.
pub struct HashedUser {
    pub spec: UserSpec,
    pub password: String,
    pub password_hash: String,
}

/// Generates and hashes a password per account. Slow (argon2): run it before taking the write lock.
pub fn hash_users(specs: Vec<UserSpec>) -> Result<Vec<HashedUser>, ApiError> {
    specs
        .into_iter()
        .map(|spec| {
            let password = generate_password();
            let password_hash = hash_password(&password)?;
            Ok(HashedUser {
                spec,
                password,
                password_hash,
            })
        })
        .collect()
}

/// Writes the agencies and users. The admin (first in `hashed`) is written right after its commission
/// and is recorded as the creator of everything else, as if it had registered them through the API.
pub fn write_cast(
    connection: &mut AnyConnection,
    hashed: Vec<HashedUser>,
) -> Result<Cast, ApiError> {
    let timestamp = now();
    let mut hashed = hashed.into_iter();
    let first = hashed
        .next()
        .filter(|user| user.spec.role == Role::Admin)
        .ok_or_else(|| ApiError::Internal("the demo cast must start with its admin".into()))?;
    let commission = agency_from(&COMMISSION, timestamp, None, 0);
    agencies::insert(connection, &commission)?;
    let mut credentials = Vec::new();
    let admin = insert_user(connection, first, &commission.id, None, timestamp)?;
    credentials.push(admin.1);
    let admin = admin.0;
    let creator = Some(admin.user_id.clone());
    let mut write_all = |table: &[AgencySpec], first_number: usize| {
        table
            .iter()
            .enumerate()
            .map(|(index, spec)| {
                let agency = agency_from(spec, timestamp, creator.clone(), first_number + index);
                agencies::insert(connection, &agency)?;
                Ok(agency)
            })
            .collect::<Result<Vec<Agency>, ApiError>>()
    };
    let bureau_agencies = write_all(&BUREAUS, 1)?;
    let partner_agencies = write_all(&PARTNERS, 1 + BUREAUS.len())?;
    let mut accounts = vec![(AgencyRef::Commission, admin.clone())];
    let no_agency = || ApiError::Internal("a demo user names an unknown agency".into());
    for user in hashed {
        let agency = user.spec.agency;
        let agency_id = match agency {
            AgencyRef::Commission => Some(&commission),
            AgencyRef::Bureau(index) => bureau_agencies.get(index),
            AgencyRef::Partner(index) => partner_agencies.get(index),
        }
        .ok_or_else(no_agency)?
        .id
        .clone();
        let (principal, credential) =
            insert_user(connection, user, &agency_id, creator.clone(), timestamp)?;
        accounts.push((agency, principal));
        credentials.push(credential);
    }
    let agency_ids = [&commission]
        .into_iter()
        .chain(&bureau_agencies)
        .chain(&partner_agencies)
        .map(|agency| ("agency", agency.id.as_str()));
    let user_ids = accounts
        .iter()
        .map(|(_, principal)| ("user", principal.user_id.as_str()));
    // The admin did not exist when the commission was written; it still answers for everything seeded.
    let events: Vec<AuditEvent> = agency_ids
        .chain(user_ids)
        .map(|(kind, id)| seed_actor(admin.clone()).audit_of("create", Some(kind), Some(id)))
        .collect();
    audit::append(connection, &events)?;
    let actor = |wanted: AgencyRef, role: Role| {
        accounts
            .iter()
            .find(|(agency, principal)| *agency == wanted && principal.role == role)
            .map(|(_, principal)| seed_actor(principal.clone()))
    };
    let missing = |what: &str| ApiError::Internal(format!("the demo cast has no {what}"));
    let agencies = 1 + bureau_agencies.len() + partner_agencies.len();
    let bureaus = bureau_agencies
        .into_iter()
        .enumerate()
        .map(|(index, _)| {
            Ok(BureauCast {
                worker: actor(AgencyRef::Bureau(index), Role::CaseWorker)
                    .ok_or_else(|| missing("case worker in a bureau"))?,
                sync: actor(AgencyRef::Bureau(index), Role::SyncClient),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let partners = partner_agencies
        .into_iter()
        .enumerate()
        .map(|(index, agency)| {
            Ok(PartnerCast {
                agency,
                partner: actor(AgencyRef::Partner(index), Role::ReferralPartner)
                    .ok_or_else(|| missing("referral partner in a receiving agency"))?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(Cast {
        intake: actor(AgencyRef::Commission, Role::IntakeOfficer)
            .ok_or_else(|| missing("intake officer at the commission"))?,
        bureaus,
        partners,
        agencies,
        credentials,
    })
}

fn insert_user(
    connection: &mut AnyConnection,
    user: HashedUser,
    agency_id: &str,
    created_by: Option<String>,
    timestamp: chrono::NaiveDateTime,
) -> Result<(Principal, DemoCredential), ApiError> {
    let record = User {
        id: new_id(),
        username: user.spec.username,
        display_name: user.spec.display_name,
        agency_id: agency_id.to_owned(),
        role: user.spec.role,
        active: true,
        version: 1,
        created_at: timestamp,
        updated_at: timestamp,
        created_by,
    };
    users::insert(connection, &record, &user.password_hash)?;
    let credential = DemoCredential {
        agency: user.spec.agency.name().to_owned(),
        username: record.username,
        role: record.role,
        password: user.password,
    };
    let principal = Principal {
        user_id: record.id,
        agency_id: record.agency_id,
        role: record.role,
        // The seed writes as the owning agencies; no referral grant is involved.
        grants_completed_after: chrono::NaiveDateTime::MIN,
    };
    Ok((principal, credential))
}

fn agency_from(
    spec: &AgencySpec,
    timestamp: chrono::NaiveDateTime,
    created_by: Option<String>,
    number: usize,
) -> Agency {
    Agency {
        id: new_id(),
        name: spec.name.to_owned(),
        kind: spec.kind,
        province: spec.province.to_owned(),
        district: Some(spec.district.to_owned()),
        services: normalise_services(spec.services.to_vec()),
        contact_email: Some(format!("{}@demo.example.org", spec.key)),
        contact_phone: Some(format!("+92300000{:04}", 9000 + number)),
        address: Some(format!("Fictional address, {} (demo)", spec.district)),
        active: true,
        version: 1,
        created_at: timestamp,
        updated_at: timestamp,
        created_by,
    }
}

/// A demo user acting as if it had called the API, marked as the seed in the audit log.
pub fn seed_actor(principal: Principal) -> Authenticated {
    Authenticated(principal, Some(SEED_REQUEST_ID.to_owned()), None)
}

#[cfg(test)]
mod tests {
    use cpims_domain::contact::normalise_phone;
    use cpims_domain::user::check_password;

    use super::*;

    #[test]
    fn demo_agencies_get_valid_fictional_contact_details() {
        let agency = agency_from(&COMMISSION, now(), None, 0);
        assert_eq!(
            agency.contact_phone.as_deref().map(normalise_phone),
            Some(Ok("+923000009000".into()))
        );
        assert_eq!(
            agency.contact_email.as_deref(),
            Some("ncrc@demo.example.org")
        );
    }

    #[test]
    fn generated_passwords_are_long_and_differ() {
        let first = generate_password();
        assert_eq!(check_password(&first), Ok(()));
        assert_eq!(first.chars().count(), PASSWORD_CHARS);
        assert_ne!(first, generate_password());
    }
}
