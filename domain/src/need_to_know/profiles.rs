//! Service profiles: what a receiving agency needs of a child and its incident to deliver each
//! service, beyond the minimal view every live referral gives (DESIGN.md, Access: "need to know").
//!
//! Each field is listed with the reason the service cannot be delivered without it. A field not listed
//! is withheld: the owning agency can always ask, but a provider that does not need a B-Form number
//! should never hold one. The narrative is never part of a profile; the referring agency shares it
//! case by case (`share_narrative`).

use crate::agency::Service;

/// The fields one service adds to the minimal view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceProfile {
    pub service: Service,
    pub child: &'static [&'static str],
    pub incident: &'static [&'static str],
}

/// The profile of one service.
pub fn profile(service: Service) -> ServiceProfile {
    let (child, incident): (&'static [&'static str], &'static [&'static str]) = match service {
        Service::LegalAid => (
            &[
                // A vakalatnama, a petition and a court's cause list carry the full name.
                "family_name",
                // Courts identify the child by B-Form number.
                "identifier",
                // Minority is a legal fact; the juvenile justice and anti-rape acts turn on it.
                "date_of_birth",
                // A minor's guardian instructs the lawyer and signs for the child.
                "guardian_name",
                "guardian_phone",
            ],
            &[
                // Limitation, the FIR and the charge all turn on when it happened and was reported.
                "occurred_on",
                "reported_on",
                // The offence charged depends on who the perpetrator was (teacher, employer, relative).
                "perpetrator_relationship",
                // Whether there is an FIR decides the next legal step.
                "registered_with_police",
            ],
        ),
        Service::Medical => (
            &[
                // Dosage, growth charts and the medico-legal age estimate need the date of birth.
                "date_of_birth",
                // A minor's treatment needs a guardian's consent and a follow-up contact.
                "guardian_name",
                "guardian_phone",
            ],
            &[
                // Forensic evidence and post-exposure treatment are only useful within hours or days.
                "occurred_on",
            ],
        ),
        Service::Psychosocial => (
            &[
                // Sessions are arranged with, and consented to by, the guardian.
                "guardian_name",
                "guardian_phone",
            ],
            &[
                // Safety planning differs when the abuser lives in the child's home.
                "perpetrator_relationship",
            ],
        ),
        Service::Shelter => (
            &[
                // A shelter's admission register records the child's full name.
                "family_name",
                // Admission and discharge go through the guardian unless the guardian is the risk.
                "guardian_name",
                "guardian_phone",
            ],
            &[
                // The shelter must keep the perpetrator away: it needs to know who it is to the child.
                "perpetrator_relationship",
            ],
        ),
        Service::AlternativeCare => (
            &[
                // A placement order names the child by full name, B-Form number and date of birth.
                "family_name",
                "identifier",
                "date_of_birth",
                // Placement decisions hear the guardian.
                "guardian_name",
                "guardian_phone",
            ],
            &[
                // A placement must not return the child to the perpetrator's reach.
                "perpetrator_relationship",
            ],
        ),
        Service::Education => (
            &[
                // Enrolment needs the full name, the B-Form number and the date of birth.
                "family_name",
                "identifier",
                "date_of_birth",
                // The school deals with the guardian.
                "guardian_name",
                "guardian_phone",
            ],
            &[],
        ),
        Service::FamilyTracing => (
            &[
                // Tracing searches by full name, age and where the family lives.
                "family_name",
                "date_of_birth",
                "urban_rural",
                // The guardian is who is being traced or who knows the family.
                "guardian_name",
                "guardian_phone",
            ],
            &[
                // When the child went missing narrows the search.
                "occurred_on",
            ],
        ),
        Service::Rehabilitation => (
            &[
                // Programme registration records the full name and age.
                "family_name",
                "date_of_birth",
                // The guardian consents and attends.
                "guardian_name",
                "guardian_phone",
            ],
            &[],
        ),
        Service::Livelihood => (
            &[
                // Household support is registered in the family's name, through the guardian.
                "family_name",
                "guardian_name",
                "guardian_phone",
            ],
            &[],
        ),
        Service::Police | Service::Court => (
            &[
                // An FIR, a charge sheet and a court record name the child in full, with B-Form
                // number and date of birth (minority decides the law and the court).
                "family_name",
                "identifier",
                "date_of_birth",
                // Statements of a minor are taken in a guardian's presence.
                "guardian_name",
                "guardian_phone",
            ],
            &[
                // The FIR and the charge need when, how it was reported, by whom it was done, and
                // whether the police already hold it.
                "occurred_on",
                "reported_on",
                "intake_channel",
                "perpetrator_relationship",
                "registered_with_police",
            ],
        ),
        // An unnamed service gets the minimal view: the referring agency's reason says what is needed,
        // and the owner can share more outside the system.
        Service::Other => (&[], &[]),
    };
    ServiceProfile {
        service,
        child,
        incident,
    }
}

/// Every service's profile, in service order (served by the taxonomy endpoint).
pub fn all() -> Vec<ServiceProfile> {
    Service::ALL.iter().copied().map(profile).collect()
}
