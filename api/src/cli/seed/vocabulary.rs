//! The words of the demo data: given names, languages, narratives, referral reasons and closure reasons.
//!
//! Names are common given names only; every child's family name is `Demo-<number>`, so no record can be
//! mistaken for a real child. Narratives start with "Fictional demo record." for the same reason.

use cpims_domain::agency::Service;

pub const GIRLS: [&str; 24] = [
    "Ayesha", "Fatima", "Zainab", "Maryam", "Hira", "Sana", "Iqra", "Mahnoor", "Khadija", "Rabia",
    "Amna", "Hafsa", "Sidra", "Laiba", "Anaya", "Zoya", "Shazia", "Bushra", "Saima", "Nimra",
    "Areeba", "Kinza", "Mehwish", "Palwasha",
];

pub const BOYS: [&str; 24] = [
    "Ali", "Ahmed", "Hassan", "Hussain", "Bilal", "Usman", "Hamza", "Zain", "Umar", "Imran",
    "Faisal", "Kashif", "Waqas", "Shahid", "Asad", "Saad", "Danish", "Sameer", "Junaid", "Irfan",
    "Naveed", "Rehan", "Zarak", "Jahangir",
];

/// For children recorded as `other` or `unknown`.
pub const NEUTRAL: [&str; 6] = ["Noor", "Roshan", "Gul", "Sahar", "Shams", "Nayab"];

pub const GUARDIANS: [&str; 16] = [
    "Shahida",
    "Nasreen",
    "Rubina",
    "Zahida",
    "Parveen",
    "Shamim",
    "Razia",
    "Tahira",
    "Abdul Rashid",
    "Muhammad Aslam",
    "Ghulam Nabi",
    "Khalid",
    "Rafiq",
    "Javed",
    "Sher Ali",
    "Niaz Muhammad",
];

/// Language sets spoken in a province (ISO 639 codes), by province name; Urdu everywhere.
pub fn languages(province: &str) -> &'static [&'static [&'static str]] {
    match province {
        "Punjab" => &[&["pa", "ur"], &["skr", "ur"], &["ur"]],
        "Sindh" => &[&["sd", "ur"], &["ur"], &["sd"]],
        "Khyber Pakhtunkhwa" => &[&["ps", "ur"], &["hno", "ur"], &["ps"]],
        "Balochistan" => &[&["bal", "ur"], &["brh", "ur"], &["ps", "ur"]],
        "Gilgit-Baltistan" => &[&["scl", "ur"], &["bsk", "ur"], &["bft", "ur"]],
        "Azad Jammu and Kashmir" => &[&["phr", "ur"], &["ks", "ur"]],
        _ => &[&["ur"], &["ur", "en"]],
    }
}

/// How often a category turns up, roughly after the shape of bureau and helpline annual reports.
pub fn category_weight(code: &str) -> u32 {
    match code {
        "child_labour" | "physical_violence" | "sexual_abuse" => 9,
        "missing_child" | "neglect" | "corporal_punishment" => 7,
        "domestic_child_labour" | "child_marriage" | "abduction_kidnapping" => 5,
        "online_harm" | "online_sexual_exploitation" | "abandonment" | "denial_of_education" => 3,
        _ => 2,
    }
}

/// Categories whose cases are mostly high or critical risk.
pub fn is_grave(code: &str) -> bool {
    matches!(
        code,
        "sexual_abuse"
            | "sexual_exploitation"
            | "online_sexual_exploitation"
            | "trafficking"
            | "sale_of_child"
            | "abduction_kidnapping"
            | "bonded_labour"
    )
}

/// What happened, in a line; prefixed so that no narrative reads as a real account.
pub fn narrative(code: &str, category_name: &str) -> String {
    let line = match code {
        "sexual_abuse" => "A relative's abuse was disclosed to a school counsellor; medical examination arranged.",
        "sexual_exploitation" => "Adults were reported to exploit the child in exchange for money and food.",
        "online_sexual_exploitation" => "Images of the child were shared in an online group; a platform report was filed.",
        "trafficking" => "The child was found travelling with unrelated adults at a bus terminal.",
        "sale_of_child" => "Neighbours reported that the child had been handed over against payment.",
        "abduction_kidnapping" => "The child was taken from outside the home by an unknown man and recovered two days later.",
        "missing_child" => "The child did not return home from the market; the family called the helpline.",
        "child_marriage" => "The family is arranging the child's marriage; the nikah is set for next month.",
        "child_labour" => "The child was found working long hours at a brick kiln.",
        "domestic_child_labour" => "The child works as a live-in domestic worker and shows signs of mistreatment.",
        "bonded_labour" => "The family is working off an advance at a kiln; the child works alongside the parents.",
        "corporal_punishment" => "A teacher beat the child; the parents saw bruises the same evening.",
        "physical_violence" => "The child came to a health centre with injuries from repeated beatings at home.",
        "cruelty" => "The child was locked in a room for days as a punishment.",
        "neglect" => "Young children are left alone for long periods without food.",
        "abandonment" => "An infant was found near a mosque and taken to hospital.",
        "online_harm" => "The child is bullied and threatened through a messaging app.",
        "child_in_conflict_with_law" => "The child is held at a police station after a theft allegation.",
        "denial_of_education" => "The child was withdrawn from school to look after younger siblings.",
        "birth_registration" => "The child has no birth registration and the family cannot obtain a B-Form.",
        "discrimination" => "A school refused the child admission because of the family's background.",
        _ => "",
    };
    if line.is_empty() {
        format!("Fictional demo record. Concern about the child's safety ({category_name}).")
    } else {
        format!("Fictional demo record. {line}")
    }
}

/// The services an incident of a category is usually referred for.
pub fn services_for(code: &str) -> &'static [Service] {
    use Service::*;
    match code {
        "sexual_abuse" | "sexual_exploitation" => &[Medical, Psychosocial, LegalAid, Police],
        "online_sexual_exploitation" | "online_harm" => &[Psychosocial, LegalAid, Police],
        "trafficking" | "sale_of_child" | "abduction_kidnapping" | "missing_child" => {
            &[FamilyTracing, Shelter, Police, Psychosocial]
        }
        "child_marriage" => &[LegalAid, Shelter, Psychosocial],
        "child_labour" | "domestic_child_labour" | "bonded_labour" => {
            &[Education, Rehabilitation, Livelihood, LegalAid]
        }
        "corporal_punishment" | "physical_violence" | "cruelty" => {
            &[Medical, Psychosocial, LegalAid]
        }
        "neglect" | "abandonment" => &[AlternativeCare, Shelter, Medical],
        "child_in_conflict_with_law" => &[LegalAid, Rehabilitation, Court],
        "denial_of_education" | "birth_registration" | "discrimination" => {
            &[Education, LegalAid, Other]
        }
        _ => &[Psychosocial, LegalAid],
    }
}

/// Why a referral is made, by service.
pub fn referral_reason(service: Service) -> &'static str {
    use Service::*;
    match service {
        LegalAid => "Legal representation for the child and family (demo).",
        Medical => "Medical examination and treatment (demo).",
        Psychosocial => "Counselling for the child and caregivers (demo).",
        Shelter => "Safe temporary shelter until the home is assessed (demo).",
        AlternativeCare => "Placement in kinship or foster care (demo).",
        Education => "Enrolment in a bridging school programme (demo).",
        FamilyTracing => "Tracing the child's family and verifying guardianship (demo).",
        Rehabilitation => "Rehabilitation and follow-up support (demo).",
        Livelihood => {
            "Livelihood support so the family no longer depends on the child's work (demo)."
        }
        Police => "Registration of an FIR and police protection (demo).",
        Court => "Support through court proceedings (demo).",
        Other => "Support with documents and school admission (demo).",
    }
}

/// What the acting side writes when it moves a referral.
pub fn referral_note(to: cpims_domain::case::ReferralStatus) -> &'static str {
    use cpims_domain::case::ReferralStatus::*;
    match to {
        Pending => "Referral sent (demo).",
        Accepted => "Accepted; first appointment booked (demo).",
        Declined => "Declined: no capacity in this district at present (demo).",
        InProgress => "Service started with the child and family (demo).",
        Completed => "Service completed; closing report shared with the bureau (demo).",
        Cancelled => "Withdrawn by the referring bureau (demo).",
    }
}

/// Closing after a service was delivered.
pub const RESOLVED: [&str; 3] = [
    "Services delivered; the child is safe with the family.",
    "The child was reunited with the family and follow-up visits ended.",
    "Service plan completed; no further protection concern.",
];

/// Closing reasons when no service was delivered.
pub const NO_CONCERN: &str = "No protection concern substantiated after assessment.";
pub const DUPLICATE: &str = "Duplicate of an earlier report.";
pub const UNTRACEABLE: &str = "The family moved away and could not be traced.";
pub const TRANSFERRED: &str = "Transferred to the bureau of another province.";
pub const NO_SERVICE: &str =
    "No partner could take the case; the family was advised and the case closed.";

/// Closing after assessment, without a referral.
pub const DROPPED: [&str; 4] = [NO_CONCERN, DUPLICATE, UNTRACEABLE, TRANSFERRED];
