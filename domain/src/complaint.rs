//! Complaints: what reaches the system before anyone knows whether it is a case. The record, its
//! workflow (who may move it where), what the public is told, and the routing to a competent agency.

pub mod routing;
mod workflow;

use chrono::NaiveDateTime;

use crate::case::{IntakeChannel, Sex, Urgency};
use crate::code_enum;
use crate::records::RecordMeta;

pub use workflow::{check_complaint_move, ComplaintSide, MoveProblem};

code_enum!(
    /// How a complaint reached the system.
    ComplaintChannel {
        Helpline1121 => "helpline_1121",
        Helpline1099 => "helpline_1099",
        WebForm => "web_form",
        CitizenPortal => "citizen_portal",
        Email => "email",
        Letter => "letter",
        WalkIn => "walk_in",
        Media => "media",
        SchoolComplaintBox => "school_complaint_box",
        ReferralFromAgency => "referral_from_agency",
        Other => "other",
    }
);

code_enum!(
    /// Who made the complaint.
    ComplainantType {
        ChildSelf => "child_self",
        ParentGuardian => "parent_guardian",
        Relative => "relative",
        Neighbour => "neighbour",
        Teacher => "teacher",
        HealthWorker => "health_worker",
        Ngo => "ngo",
        Police => "police",
        Anonymous => "anonymous",
        Other => "other",
    }
);

code_enum!(
    /// The language the complainant prefers to be contacted in.
    Language {
        Urdu => "urdu",
        English => "english",
        Punjabi => "punjabi",
        Sindhi => "sindhi",
        Pashto => "pashto",
        Balochi => "balochi",
        Saraiki => "saraiki",
        Other => "other",
    }
);

code_enum!(
    /// Where a complaint is in its workflow.
    ComplaintStatus {
        Received => "received",
        Triaged => "triaged",
        Assigned => "assigned",
        Declined => "declined",
        Accepted => "accepted",
        Converted => "converted",
        Closed => "closed",
    }
);

code_enum!(
    /// Why a complaint was closed.
    ComplaintClosureReason {
        NotActionable => "not_actionable",
        OutsideMandate => "outside_mandate",
        Duplicate => "duplicate",
        Withdrawn => "withdrawn",
        ResolvedWithoutCase => "resolved_without_case",
        Converted => "converted",
    }
);

code_enum!(
    /// What the public is told of a complaint's status: never the internal steps.
    PublicStatus { Received => "received", InProgress => "in_progress", Closed => "closed" }
);

/// A complaint as stored. The complainant's and the child's identifying fields, the location detail
/// and the narrative are personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complaint {
    /// `agency_id` is the receiving agency.
    pub meta: RecordMeta,
    pub reference: String,
    pub received_at: NaiveDateTime,
    pub channel: ComplaintChannel,
    pub complainant_type: ComplainantType,
    pub complainant_name: Option<String>,
    pub complainant_phone: Option<String>,
    pub contact_consent: bool,
    pub preferred_language: Option<Language>,
    pub child_name: Option<String>,
    pub child_age_years: Option<i32>,
    pub child_sex: Option<Sex>,
    pub province: String,
    pub district: Option<String>,
    pub location_detail: Option<String>,
    pub category: String,
    pub subcategory: Option<String>,
    pub narrative: Option<String>,
    pub immediate_danger: bool,
    pub urgency: Option<Urgency>,
    pub assigned_agency_id: Option<String>,
    pub incident_id: Option<String>,
    pub duplicate_of: Option<String>,
    pub closure_reason: Option<ComplaintClosureReason>,
    pub public_message: Option<String>,
    /// Filed through the public endpoint (it then carries a tracking code).
    pub filed_publicly: bool,
    pub status: ComplaintStatus,
    pub triaged_at: Option<NaiveDateTime>,
    pub accepted_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
}

/// Oldest and youngest ages a complaint's child may have: a complaint about an adult is not ours.
pub const CHILD_AGES: std::ops::RangeInclusive<i32> = 0..=17;

impl ComplaintStatus {
    /// Still being worked: it may be closed.
    pub fn is_open(self) -> bool {
        !matches!(self, ComplaintStatus::Converted | ComplaintStatus::Closed)
    }

    /// What the public sees; `incident_open` tells, for a converted complaint, whether its case is
    /// still open.
    pub fn public(self, incident_open: bool) -> PublicStatus {
        use ComplaintStatus::*;
        match self {
            Received | Triaged => PublicStatus::Received,
            Assigned | Declined | Accepted => PublicStatus::InProgress,
            Converted if incident_open => PublicStatus::InProgress,
            Converted | Closed => PublicStatus::Closed,
        }
    }
}

impl PublicStatus {
    /// What a complainant reads when the agency has written no message of its own.
    pub fn default_message(self) -> &'static str {
        match self {
            PublicStatus::Received => {
                "Your complaint has been received and is waiting to be reviewed by a child \
                 protection officer. If a child is in danger right now, call 1121."
            }
            PublicStatus::InProgress => {
                "A child protection agency is working on your complaint. If you agreed to be \
                 contacted, an officer may call you. If a child is in danger right now, call 1121."
            }
            PublicStatus::Closed => {
                "Work on your complaint has finished. If you are still worried about the child, \
                 you may file a new complaint or call 1121."
            }
        }
    }
}

impl ComplaintChannel {
    /// The incident intake channel a case made from this complaint records.
    pub fn intake_channel(self) -> IntakeChannel {
        use ComplaintChannel::*;
        match self {
            Helpline1121 => IntakeChannel::Helpline1121,
            WebForm | CitizenPortal => IntakeChannel::OnlineForm,
            Email => IntakeChannel::Email,
            WalkIn => IntakeChannel::WalkIn,
            Media => IntakeChannel::Media,
            SchoolComplaintBox => IntakeChannel::SchoolComplaintBox,
            ReferralFromAgency => IntakeChannel::Cso,
            Helpline1099 | Letter | Other => IntakeChannel::Other,
        }
    }

    /// Channels the public endpoint accepts (a helpline's IVR, a web form, a citizen portal); the
    /// others are staff intake.
    pub const PUBLIC: &'static [ComplaintChannel] = &[
        ComplaintChannel::WebForm,
        ComplaintChannel::CitizenPortal,
        ComplaintChannel::Helpline1121,
        ComplaintChannel::Helpline1099,
    ];
}

/// Letters of a reference: Crockford's base 32, without I, L, O and U, so it reads aloud over a phone
/// without ambiguity.
const REFERENCE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A readable complaint reference (`CP-2026-7K3M9Q`) for `year` from 30 random bits.
pub fn reference(year: i32, random: u32) -> String {
    let mut code = String::with_capacity(6);
    for position in (0..6).rev() {
        let index = (random >> (position * 5)) & 0x1f;
        code.push(char::from(REFERENCE_ALPHABET[index as usize]));
    }
    format!("CP-{year}-{code}")
}

/// Whether `text` has the shape of a reference (so a malformed one is refused before any lookup).
pub fn is_reference(text: &str) -> bool {
    let mut parts = text.split('-');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("CP"), Some(year), Some(code), None)
            if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit())
                && code.len() == 6 && code.bytes().all(|b| REFERENCE_ALPHABET.contains(&b))
    )
}

/// Random bytes in a tracking code: 160 bits, well past guessing.
pub const TRACKING_CODE_BYTES: usize = 20;

/// A tracking code from random bytes: 32 letters of the reference alphabet in groups of four.
pub fn tracking_code(random: &[u8; TRACKING_CODE_BYTES]) -> String {
    let mut letters = String::with_capacity(40);
    let (mut buffer, mut bits, mut written) = (0u32, 0u32, 0usize);
    for byte in random {
        buffer = (buffer << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            let index = (buffer >> bits) & 0x1f;
            if written > 0 && written % 4 == 0 {
                letters.push('-');
            }
            letters.push(char::from(REFERENCE_ALPHABET[index as usize]));
            written += 1;
        }
    }
    letters
}

/// A tracking code as typed (any case, with or without dashes and spaces) in the form it is hashed.
pub fn normalise_tracking_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests;
